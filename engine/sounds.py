"""How characters are heard, for scripts typed by their sound.

Chinese is typed by its sound: a client types "baoshou" and picks 保守 from a list, or 保手 by a
slip, as both are read bǎo shǒu. A reader that knows what a character sounds like can take the
slip for the word meant. A language names its transcription in its answer words
(``homophones: pinyin`` in locales/zh/answers.yml); this module holds the transcriptions.

Two characters sound alike when they share a reading, tone included: 买 (mǎi, buy) and 卖 (mài,
sell) differ only by their tone and mean the opposite. pypinyin gives every reading of a
character (heteronyms), as the slip may have been picked under any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=8192)
def pinyin_readings(character: str) -> frozenset[str]:
    """The readings of one Chinese character in pinyin with its tone as a digit ("shou3"); a
    character that is not Chinese is its own reading."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(character, style=Style.TONE3, heteronym=True, errors="default")[0])


#: Transcription name -> the readings of one character.
TRANSCRIPTIONS: dict[str, Callable[[str], frozenset[str]]] = {"pinyin": pinyin_readings}


def sound_alike(first: str, second: str, transcription: str) -> bool:
    """Whether two characters share a reading in ``transcription`` (one of TRANSCRIPTIONS)."""
    readings = TRANSCRIPTIONS[transcription]
    return first == second or bool(readings(first) & readings(second))
