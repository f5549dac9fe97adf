"""Changing an earlier answer while the form asks something else: "sorry, I'm 48 not 38",
"actually it's for a house", "make that 20 years", "I meant 5k to start".

A message is a correction when it says so (a marker such as "actually", "I meant", "change",
"sorry", "not 38", "其实", "说错了") and names one earlier question by its words (age, goal, years,
the amount to start, the monthly amount, the target); the new value is read with that question's
own reader from the rest of the message. A message that names no question, or several, is not
guessed at: the open question reads it as usual. The words are the locale files' cues
(``answers:`` of locales/<language>/onboarding.yml), every language's, matched as
actions.script says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from actions.answers import match_goal
from actions.script import cue_pattern, every_cue, every_language, holds_any, normalised
from engine.numbers import figures_in, parse_amount, parse_horizon, parse_monthly, stated_age

#: The earlier questions a message may change, in the order a tie is refused.
QUESTIONS = ("age", "goal", "horizon_years", "monthly_contribution", "initial_amount",
             "target_amount")
#: Keys of the locale files' ``answers:`` (locales/<language>/onboarding.yml) with the cues of a
#: change: its markers, each question's words, a change of the last answer, the question before
#: and the old figure ("not 38").
MARKERS, QUESTION_WORDS, LAST_ANSWER, PREVIOUS_QUESTION, OLD_FIGURES = (
    "correction_markers", "correction_question_words", "last_answer_changes",
    "previous_question_words", "old_figures")


def _question_words() -> dict[str, list[str]]:
    """Question -> the words that name it, from every language; a question the form does not
    ask is refused by name."""
    words: dict[str, list[str]] = {question: [] for question in QUESTIONS}
    for language, named in every_language(QUESTION_WORDS):
        unknown = sorted(set(named) - set(QUESTIONS))
        if unknown:
            raise ValueError(f"locales/{language}/: {QUESTION_WORDS} names questions a change "
                             f"cannot be about: {', '.join(unknown)}; they are "
                             f"{', '.join(QUESTIONS)}")
        for question, cues in named.items():
            words[question] += [str(cue) for cue in cues or ()]
    return words


def _named(text: str) -> list[str]:
    """The questions the normalised ``text`` names, in :data:`QUESTIONS`' order."""
    return [question for question, cues in _question_words().items() if holds_any(text, cues)]


def _without_old(text: str) -> str:
    text = normalised(text)
    for cue in every_cue(OLD_FIGURES):
        text = cue_pattern(cue).sub(" ", text)
    return text


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
    # The goal in the words of the message's own language, whichever it is.
    goal = next((found for language, _ in every_language("goal")
                 if (found := match_goal(text, language)) is not None), None)
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
    if not text or text.startswith("/") or requested is None:
        return None
    written = normalised(text)
    if not holds_any(written, every_cue(MARKERS)):
        return None
    named = [slot for slot in _named(written) if slot != requested and slots.get(slot) is not None]
    if "monthly_contribution" in named and "initial_amount" in named:
        named.remove("initial_amount")  # "start with 200 a month" is about the monthly amount
    if len(named) != 1:
        return None
    slot = named[0]
    value = READERS[slot](text, slots)
    return (slot, value) if value is not None else None


def changes_last_answer(text: str) -> bool:
    """Whether ``text`` says it changes the answer just given, without naming its question."""
    if not text or text.startswith("/"):
        return False
    written = normalised(text)
    return holds_any(written, every_cue(LAST_ANSWER)) and not _named(written)


def names_previous_question(text: str) -> bool:
    """Whether ``text`` points at the question before the open one ("go back", "last question",
    "上一题")."""
    return holds_any(normalised(text), every_cue(PREVIOUS_QUESTION))
