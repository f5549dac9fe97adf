"""Hedged answers: "stable-ish", "kind of steady", "fairly secure".

A hedge softens the option it qualifies, so an answer that picks an end of an ordered scale with a
hedge is read as the option in the middle of that scale ("stable-ish" income is somewhat stable).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_HEDGE = re.compile(
    # "-ish" written apart, or glued to an adjective ("stableish"; not "finish" or "English").
    r"[a-z]-\s?ish\b|\bish\b|\b(?:stable|steady|secure|regular|fixed|safe|reliable|ok|okay|"
    r"fine|good|constant|predictable)ish\b|"
    r"\bkind\s*of\b|\bkinda\b|\bsort\s*of\b|\bsorta\b|\bfairly\b|"
    r"\bmostly\b|\bsomewhat\b|\bmore or less\b|\breasonably\b|\brelatively\b|\bmoderately\b|"
    r"\bpartly\b|\bnot (?:very|always|totally|completely|entirely|fully)\b|\bsemi\b|\bsemi-|"
    r"\busually\b|\bgenerally\b|\bin between\b|\bin the middle\b|\bhalf and half\b",
    re.IGNORECASE,
)

_NEGATED_HEDGE = re.compile(r"\bnot (?:very|always|totally|completely|entirely|fully)\b",
                            re.IGNORECASE)

# A reply that opens with a hedge and names no option ("kind of, bonuses vary") means the middle;
# a negated one ("not very") leans to the far end, so it is not read without the option's word.
_BARE_HEDGE = re.compile(
    r"^\W*(?:(?:yeah|yes|well|it'?s|its|it is|i'?d say|i guess|i think)\W+)*"
    r"(?:kind\s*of|kinda|sort\s*of|sorta|fairly|mostly|somewhat|more or less|reasonably|"
    r"relatively|moderately|partly|usually|generally|in between|in the middle|half and half|"
    r"semi|so-so|so so|-?ish)\b",
    re.IGNORECASE,
)


def is_hedged(text: str) -> bool:
    """Whether ``text`` softens what it says ("-ish", "kind of", "fairly", "mostly", "not very")."""
    return isinstance(text, str) and _HEDGE.search(text) is not None


def soften(scale: Sequence[T], picked: T | None, text: str) -> T | None:
    """The option a hedged answer means on the ordered ``scale``.

    An end of the scale named with a hedge moves to the middle option, and so does a reply that
    opens with a hedge and names no option ("kind of"); anything else (no hedge, a middle option)
    stays as it is. ``scale`` needs an odd number of options so that it has a middle.
    """
    if len(scale) % 2 == 0:
        raise ValueError(f"a scale needs an odd number of options to have a middle, got {len(scale)}")
    if picked is None and isinstance(text, str) and _BARE_HEDGE.search(text):
        return scale[len(scale) // 2]
    if picked is None or not is_hedged(text) or picked not in (scale[0], scale[-1]):
        return picked
    if picked == scale[-1] and not _HEDGE.search(_NEGATED_HEDGE.sub(" ", text)):
        # "not very, my contract may end": "not very" takes away from the first end (stable);
        # said with the far end it agrees with it.
        return picked
    return scale[len(scale) // 2]
