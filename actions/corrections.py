"""Changing an earlier answer while the form asks something else: "sorry, I'm 48 not 38",
"actually it's for a house", "make that 20 years", "I meant 5k to start".

A message is a correction when it says so (a marker such as "actually", "I meant", "change",
"sorry", "not 38") and names one earlier question by its words (age, goal, years, the amount to
start, the monthly amount, the target); the new value is read with that question's own reader from
the rest of the message. A message that names no question, or several, is not guessed at: the open
question reads it as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from actions.answers import match_goal
from engine.numbers import figures_in, parse_amount, parse_horizon, parse_monthly, stated_age

_MARKER = re.compile(
    r"\b(?:actually|i meant|i mean|meant to say|sorry|oops|wait|correction|correct that|change|"
    r"changed|make (?:that|it)|should (?:have )?(?:be|say|said)|typo|mistake|wrong|not|"
    r"instead|rather|update|scratch that|i misread|misspoke|mistyped)\b",
    re.IGNORECASE)
#: Words that name each earlier question, in the order a tie is refused.
_NAMES: dict[str, re.Pattern[str]] = {
    "age": re.compile(r"\b(?:age|old|years? of age|birthday|born)\b|\bi'?\s?a?m\s+\d", re.I),
    "goal": re.compile(r"\b(?:goal|purpose|saving for|save for|it'?s for|is for|money is for|"
                       r"for (?:a|my|the|our)\b)", re.I),
    "horizon_years": re.compile(r"\b(?:\d[\d.]*\s*(?:years?|yrs?|decades?)|horizon|how long)\b",
                                re.I),
    "monthly_contribution": re.compile(r"\b(?:a|per|each|every)\s+(?:month|week)\b|\bmonthly\b|"
                                       r"\bweekly\b", re.I),
    "initial_amount": re.compile(r"\b(?:start(?:ing)?|initial|up ?front|lump sum|to begin|"
                                 r"first deposit|invest(?:ing)? \S*\d)\b", re.I),
    "target_amount": re.compile(r"\b(?:target|aim(?:ing)?|reach|end up with|goal of)\b", re.I),
}
#: Words that mark a change of the answer just given even when no question is named ("typo,
#: should be 24", "go back, I'd sell some").
_CHANGE_OF_LAST = re.compile(
    r"\b(?:actually|i meant|meant to say|typo|oops|should (?:be|have been|say|have said)|wrong|"
    r"go back|last question|previous question|question before|change my (?:last )?answer|"
    r"correction|make (?:that|it)|scratch that|mistyped|misread|misspoke)\b", re.IGNORECASE)
#: "48 not 38", "not 38 but 48": the figure after "not" is the old answer, not the new one.
_OLD_FIGURE = re.compile(r"\b(?:not|instead of|rather than)\s+[$€£]?\d[\d,.]*\s*(?:k|%)?", re.I)


def _without_old(text: str) -> str:
    return _OLD_FIGURE.sub(" ", text)


def _age(text: str, slots: dict[str, Any]) -> Any:
    text = _without_old(text)
    age = stated_age(text)
    if age is None:
        # "I typed my age wrong, it's 45": the figure given, the last if several.
        ages = [f.value for f in figures_in(text)[1]
                if not f.percent and f.value == int(f.value) and 0 < f.value <= 120]
        age = int(ages[-1]) if ages else None
    return age


def _goal(text: str, slots: dict[str, Any]) -> Any:
    goal = match_goal(text)
    return goal.value if goal else None


READERS: dict[str, Callable[[str, dict[str, Any]], Any]] = {
    "age": _age,
    "goal": _goal,
    "horizon_years": lambda text, slots: parse_horizon(_without_old(text), slots.get("age")),
    "monthly_contribution": lambda text, slots: parse_monthly(_without_old(text)),
    "initial_amount": lambda text, slots: parse_amount(_without_old(text)),
    "target_amount": lambda text, slots: parse_amount(_without_old(text)),
}


def correction(text: str, requested: str | None, slots: dict[str, Any]) -> tuple[str, Any] | None:
    """The earlier question ``text`` corrects and its new value, or None.

    ``requested`` is the open question (a message about it is an answer, not a correction);
    ``slots`` the answers so far: only a question already answered can be corrected.
    """
    if not text or text.startswith("/") or requested is None or not _MARKER.search(text):
        return None
    named = [slot for slot, words in _NAMES.items()
             if slot != requested and slots.get(slot) is not None and words.search(text)]
    if "monthly_contribution" in named and "initial_amount" in named:
        named.remove("initial_amount")  # "start with 200 a month" is about the monthly amount
    if len(named) != 1:
        return None
    slot = named[0]
    value = READERS[slot](text, slots)
    return (slot, value) if value is not None else None


def changes_last_answer(text: str) -> bool:
    """Whether ``text`` says it changes the answer just given, without naming its question."""
    return bool(text) and not text.startswith("/") and _CHANGE_OF_LAST.search(text) is not None \
        and not any(words.search(text) for words in _NAMES.values())


#: Words that point at the question before the open one.
_PREVIOUS_QUESTION = re.compile(r"\b(?:go back|last question|previous question|question before|"
                                r"previous answer|last answer|earlier answer)\b", re.IGNORECASE)


def names_previous_question(text: str) -> bool:
    """Whether ``text`` points at the question before the open one ("go back", "last question")."""
    return _PREVIOUS_QUESTION.search(text or "") is not None
