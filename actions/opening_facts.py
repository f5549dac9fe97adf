"""The answers a message that starts the onboarding form already gives: "I'm 62 and need the money
in 3 years", "saving for my daughter's college, I have 20k".

Figures are read by the words around them (engine.opening); a goal only where the message speaks of
a purpose, and income stability only where it speaks of pay, so that "I have two kids" names no goal
and "I want an income in retirement" says nothing of a salary.
"""

from __future__ import annotations

from typing import Any

from actions.answers import match_goal, match_income_stability
from actions.script import cue_pattern, every_cue, every_language, holds_any, normalised
from engine.opening import read_opening
from engine.profile import Goal, IncomeStability

#: Opening facts the form takes before its first question, in the order they are confirmed.
PREFILLED = ("age", "goal", "horizon_years", "initial_amount", "monthly_contribution",
             "target_amount", "income_stability")
#: Keys of the locale files' ``answers:`` (locales/<language>/onboarding.yml), every language's
#: read (actions.script): words of purpose, without which an opening names no goal; what is taken
#: out before the goal is read (the request, where the money comes from, the wish to invest);
#: income wanted by someone retired; income as a goal, taken out before the words of pay; and the
#: words of pay, without which an opening says nothing of its income.
PURPOSE, REQUESTS, SOURCES, INVEST = ("opening_purpose_words", "opening_requests",
                                      "opening_sources", "opening_invest_words")
INCOME_GOAL, RETIRED, INCOME_GOAL_PHRASES, INCOME = (
    "opening_income_goal_words", "opening_retired_words", "opening_income_goal_phrases",
    "opening_income_words")


def opening_facts(text: str) -> dict[str, Any]:
    """The answers an opening message gives: figures read by their words (engine.opening), a
    purpose named as a goal, and income words where the message speaks of its income."""
    if text.startswith("/"):
        return {}
    facts: dict[str, Any] = dict(read_opening(text).stated())
    written = normalised(text)
    # "I want to invest" names no goal, nor does "I have two kids"; a purpose does ("for a
    # house", "saving for college", "to retire").
    if holds_any(written, every_cue(PURPOSE)):
        goal = _purpose(written)
        if goal is not None:
            facts["goal"] = goal.value
    about_pay = _without(written, INCOME_GOAL_PHRASES)  # income as the goal says nothing of pay
    if holds_any(about_pay, every_cue(INCOME)):
        stability = _in_words(match_income_stability, about_pay)
        if stability is not None:
            facts["income_stability"] = IncomeStability(stability).value
    return facts


def rough_facts(text: str) -> frozenset[str]:
    """The opening facts ``text`` gives as approximate ("二三十万", "about 50k"), to be said
    back as such (the phrases ``opening_fact_<name>_rough``)."""
    if text.startswith("/"):
        return frozenset()
    return read_opening(text).rough


def _without(text: str, key: str) -> str:
    """``text`` without the cues under ``key`` (the longest first)."""
    for cue in sorted(every_cue(key), key=len, reverse=True):
        text = cue_pattern(cue).sub(" ", text)
    return text


def _in_words(match, text: str):
    """What ``match`` reads in ``text`` by the words of its own language, whichever it is."""
    return next((found for language, _ in every_language("goal")
                 if (found := match(text, language)) is not None), None)


def _purpose(text: str) -> Goal | None:
    """The goal an opening message states: read without the request around it ("can you help me
    plan for retirement?"), the wish to invest, and where the money comes from ("from selling my
    house" says nothing of what it is for)."""
    if holds_any(text, every_cue(INCOME_GOAL)) and holds_any(text, every_cue(RETIRED)):
        return Goal.income  # income wanted by someone retired: the income goal
    for key in (REQUESTS, SOURCES, INVEST):
        text = _without(text, key)
    return _in_words(match_goal, text.replace("?", "."))
