"""What clients type, in the script the locale files are written in, and the cues read in it.

The Chinese words the actions look for (locales/zh/*.yml) are in simplified characters; a client
who writes traditional characters (繁體, "手續費太貴") means the same words. :func:`simplified`
converts such text with OpenCC's traditional-to-simplified table, phrase by phrase ("頭髮" ->
"头发", "發財" -> "发财"), and leaves text without CJK characters as it is.

A cue is a phrase of the locale files' ``answers:`` sections that points to something in a
message (a leaving reason, a correction, a retirement age): :func:`cue_pattern` says how one
matches, :func:`every_language` gathers a key's cues from every language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

from engine.wording import DEFAULT_LANGUAGE, answer_words, locales

#: CJK ideographs (unified, extension A, compatibility): the characters OpenCC may change.
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1024)
def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters written as simplified ones; text without
    CJK ideographs is returned unchanged."""
    if not _IDEOGRAPH.search(text):
        return text
    return _to_simplified().convert(text)


# -- cues: the words that point to something in a typed message ---------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A letter or digit of a script written with spaces: a cue that starts or ends with one is a
#: whole word ("fee" is not in "feeling", but "app" is in "app太慢").
_WORD_CHAR = rf"[^\W_{_CJK}]"
#: In a cue, ``#`` stands for a figure: digits (a currency sign before, "k" or "%" after, as in
#: "not 38", "5k") or Chinese numerals ("三十八岁").
FIGURE = "#"
_FIGURE = r"[$€£¥]?(?:\d[\d,.]*(?:\s*(?:k|%))?|[零〇一二两三四五六七八九十百千万亿]+)"
#: In a cue, ``...`` stands for up to three words (a run of Chinese characters is one),
#: ``*`` alone for one word, and ``*`` after letters for any ending ("invest*").
GAP, ANY_WORD, ENDING = "...", "*", "*"
_GAP = r"(?:\W*\w+){0,3}?\W*"


def _token(token: str) -> str:
    if token == GAP:
        return _GAP
    if token == ANY_WORD:
        return r"\w+"
    stem, ending = (token[:-1], r"\w*") if token.endswith(ENDING) else (token, "")
    return _FIGURE.join(re.escape(part) for part in stem.split(FIGURE)) + ending


@lru_cache(maxsize=4096)
def cue_pattern(cue: str) -> re.Pattern[str]:
    """The pattern of one cue, which :func:`normalised` text is searched for: its words in order
    (spaces optional), ``#`` any figure, ``...`` a gap of up to three words, ``*`` one word or
    any ending; a cue that starts or ends with a letter or digit of a spaced script matches whole
    words there, and one of CJK characters anywhere (no spaces part Chinese words)."""
    tokens = [t for t in re.split(rf"\s+|({re.escape(GAP)})", cue.lower().strip()) if t]
    body = ""
    for previous, token in zip([None, *tokens], tokens, strict=False):
        joint = "" if previous is None or GAP in (previous, token) else r"\s*"
        body += joint + _token(token)
    first, last = tokens[0], tokens[-1]
    before = (rf"(?<!{_WORD_CHAR})"
              if re.match(rf"{_WORD_CHAR}|{FIGURE}", first) or first == ANY_WORD else "")
    after = (rf"(?!{_WORD_CHAR})"
             if re.search(rf"{_WORD_CHAR}$", last) or last.endswith(ENDING) else "")
    return re.compile(before + body + after)


def normalised(text: str) -> str:
    """``text`` as cues are matched against it: simplified characters, half-width forms (NFKC),
    lower case, one space between words, a straight apostrophe."""
    text = simplified(unicodedata.normalize("NFKC", text or ""))
    return " ".join(text.lower().replace("\u2019", "'").split())


def holds_any(text: str, cues) -> bool:
    """Whether the :func:`normalised` ``text`` holds any of ``cues``."""
    return any(cue_pattern(str(cue)).search(text) for cue in cues)


def every_language(key: str) -> list:
    """The ``answers:`` words under ``key`` of every language (the default language first), each
    language's as its files give them: scripts do not overlap, so a message is read by the words
    of its own script whatever the conversation's language, and a client may mix them."""
    languages = sorted(locales(), key=lambda language: language != DEFAULT_LANGUAGE)
    found = [(language, answer_words(language).get(key)) for language in languages]
    return [(language, words) for language, words in found if words is not None]


def every_cue(key: str) -> list[str]:
    """The cues listed under ``key`` by every language, as one list."""
    return [str(cue) for _, cues in every_language(key) for cue in cues or ()]
