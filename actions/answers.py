"""Reading the answers typed or clicked during onboarding: goals, risk options, income stability.

Buttons send the option id as the ``choice`` entity; typed answers are matched against the words of
each option, and an answer that matches two options equally well is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rasa_sdk import Tracker

from engine.hedges import soften
from engine.profile import Goal, IncomeStability
from engine.questionnaire import Question

#: Words that point to a goal when typed ("saving for a house", "my kids' college").
GOAL_WORDS = {
    Goal.retirement: ("retire", "retirement", "pension", "old age"),
    Goal.major_purchase: ("home", "house", "flat", "apartment", "car", "purchase", "wedding",
                          "property", "deposit", "buy"),
    Goal.education: ("education", "college", "university", "school", "tuition", "kids", "children",
                     "study", "studies"),
    Goal.wealth_building: ("wealth", "grow", "growth", "build", "long term", "long-term",
                           "general", "invest"),
    Goal.income: ("income", "dividend", "regular", "living", "payout"),
    Goal.capital_preservation: ("safe", "preserve", "preservation", "protect", "capital",
                                "security", "keep"),
}
#: Words for income stability, checked in this order ("somewhat stable" before "stable").
INCOME_WORDS = (
    (IncomeStability.somewhat_stable, ("somewhat", "fairly", "mostly", "partly", "moderately")),
    (IncomeStability.unstable, ("unstable", "irregular", "uncertain", "variable", "freelance",
                                "self-employed", "self employed", "commission", "no income",
                                "unemployed", "not stable", "seasonal")),
    (IncomeStability.stable, ("stable", "steady", "secure", "salary", "salaried", "fixed",
                              "regular", "permanent", "pension")),
)
_STOPWORDS = frozenset((
    "a", "an", "the", "i", "i'd", "id", "my", "me", "of", "to", "and", "or", "for", "in", "on",
    "it", "is", "be", "would", "about", "with", "this", "that", "do", "did", "you", "your", "what",
    "which",
))


def chosen(tracker: Tracker) -> str | None:
    """The option id a button sent with the latest message, if any."""
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == "choice" and entity.get("value"):
            return str(entity["value"])
    return None


def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9%,.]+", text.lower().replace("_", " "))
    return {w.strip(",.") for w in words if w.strip(",.") and w not in _STOPWORDS}


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def match_goal(text: str) -> Goal | None:
    """The goal a typed answer names, or None if it names none or several."""
    lowered = text.lower()
    for goal in Goal:
        if _contains(lowered, goal.value.replace("_", " ")):
            return goal
    found = {goal for goal, words in GOAL_WORDS.items() if any(_contains(lowered, w) for w in words)}
    return found.pop() if len(found) == 1 else None


def match_option(question: Question, text: str, titles: Mapping[str, str]) -> str | None:
    """The id of the option of ``question`` that a typed answer describes best.

    An option's id, its number in the list ("2") or most shared words with its title (``titles``:
    option id -> the title the client was shown) win; a tie returns None so that the chat asks
    again rather than guess.
    """
    lowered = text.strip().lower()
    ids = [o.id for o in question.options]
    if lowered in ids:
        return lowered
    if lowered.isdigit() and 1 <= int(lowered) <= len(ids):
        return ids[int(lowered) - 1]
    words = _tokens(text)
    scores = []
    for option in question.options:
        option_words = _tokens(titles[option.id]) | _tokens(option.id)
        scores.append(len(words & option_words))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return ids[scores.index(best)]


def match_income_stability(text: str) -> IncomeStability | None:
    """Income stability from a typed answer ("it's irregular", "steady salary")."""
    lowered = text.lower()
    if lowered.strip() in {s.value for s in IncomeStability}:
        return IncomeStability(lowered.strip())
    for stability, words in INCOME_WORDS:
        if any(_contains(lowered, w) for w in words):
            return soften(list(IncomeStability), stability, text)
    return soften(list(IncomeStability), None, text)
