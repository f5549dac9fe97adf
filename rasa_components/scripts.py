"""Which language a message is in, read from its script, and Traditional Chinese made Simplified.

The pipeline serves English and Chinese. A text holding a CJK character (Han characters, CJK
punctuation or full-width forms, the same ranges as ``engine.numbers``) is Chinese; any other text is
English. Chinese chat users also type shorthand without any Han character ("88", "zrg"), which
script alone cannot tell from English: a message's ``language`` metadata, when the channel sends it,
or a training example's (``metadata: {language: zh}`` in the data), names the language instead.

Traditional characters (繁體) are converted to Simplified with OpenCC's ``t2s`` tables
(opencc-python-reimplemented), so one model reads both. The conversion keeps the text's length,
character for character, so that entity offsets written against the original still hold; where a
phrase table would change the length, the text is converted character by character instead.

No Rasa import here: the tests run it in either environment.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: CJK characters, CJK punctuation and full-width forms: Chinese text.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: The languages a message is routed to.
ENGLISH = "en"
CHINESE = "zh"
LANGUAGES = (ENGLISH, CHINESE)


def has_cjk(text: Any) -> bool:
    """Whether ``text`` holds a CJK character, CJK punctuation or a full-width form."""
    return isinstance(text, str) and bool(CJK.search(text))


def script_language(text: Any) -> str:
    """``"zh"`` for a text with CJK characters, else ``"en"``."""
    return CHINESE if has_cjk(text) else ENGLISH


def metadata_language(metadata: Any) -> str | None:
    """The language that message metadata names, or None.

    A channel's metadata carries it at the top (``{"language": "zh"}``); a training example's in
    Rasa's ``example`` or ``intent`` part (``metadata: {language: zh}`` under an example or an
    intent in the data). A language the pipeline does not serve is a mistake in the data or the
    channel and is named.
    """
    if not isinstance(metadata, dict):
        return None
    for source in (metadata, metadata.get("example"), metadata.get("intent")):
        if isinstance(source, dict) and source.get("language") is not None:
            language = source["language"]
            if language not in LANGUAGES:
                raise ValueError(f"metadata names the language {language!r}; the pipeline "
                                 f"serves {', '.join(LANGUAGES)}")
            return str(language)
    return None


def language_of(text: Any, metadata: Any = None) -> str:
    """The language of a message: its metadata's if named, else its script's."""
    return metadata_language(metadata) or script_language(text)


@lru_cache(maxsize=1)
def _converter() -> Any:
    from opencc import OpenCC  # imported on first use: building its tables takes a moment

    return OpenCC("t2s")


def _character(converter: Any, character: str) -> str:
    converted = converter.convert(character)
    return converted if len(converted) == 1 else character


def to_simplified(text: str) -> str:
    """``text`` with Traditional Chinese characters made Simplified, of the same length.

    Text without CJK characters is returned unchanged (English is never touched).
    """
    if not has_cjk(text):
        return text
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_character(converter, character) for character in text)
