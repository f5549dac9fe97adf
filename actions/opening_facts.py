"""The answers a message that starts the onboarding form already gives: "I'm 62 and need the money
in 3 years", "saving for my daughter's college, I have 20k".

Figures are read by the words around them (engine.opening); a goal only where the message speaks of
a purpose, and income stability only where it speaks of pay, so that "I have two kids" names no goal
and "I want an income in retirement" says nothing of a salary.
"""

from __future__ import annotations

import re
from typing import Any

from actions.answers import match_goal, match_income_stability
from engine.opening import read_opening
from engine.profile import IncomeStability

#: Opening facts the form takes before its first question, in the order they are confirmed.
PREFILLED = ("age", "goal", "horizon_years", "initial_amount", "monthly_contribution",
             "target_amount", "income_stability")
#: An opening message names a goal only with words of purpose.
PURPOSE_CUE = re.compile(r"\b(?:for|towards?|to (?:buy|pay|fund|afford|retire|build|grow|protect|"
                         r"keep|live|save|get)|saving|save up|retir\w*|pension|goal|aim|"
                         r"college|university|uni|tuition|school fees|deposit|wedding|income)\b",
                         re.IGNORECASE)
#: Income wanted in retirement or after it is the income goal, not saving for retirement.
INCOME_GOAL = re.compile(r"\b(?:regular |an |some |steady |monthly )?income\b|\bpayouts?\b|"
                         r"\bdividends?\b|\blive off\b", re.IGNORECASE)
RETIRED = re.compile(r"\bretired\b|\bin (?:my )?retirement\b|\bpensioner\b|\bnow that i'?m "
                     r"retired\b", re.IGNORECASE)
INCOME_GOAL_PHRASE = re.compile(
    r"\b(?:looking for|want|wants|need|needs|would like|like|get|generate|provide|produce|"
    r"live on|for)\s+(?:an?\s+|some\s+)?(?:regular\s+|steady\s+|monthly\s+|an\s+)?income\b|"
    r"\bincome from\b", re.IGNORECASE)
#: An opening message speaks of its income only with one of these words.
INCOME_CUE = re.compile(r"\b(?:income|salary|salaried|job|work|freelanc\w*|self.employed|"
                        r"contract\w*|pay|paid|earn\w*|commission|gig|pension)\b", re.IGNORECASE)




def opening_facts(text: str) -> dict[str, Any]:
    """The answers an opening message gives: figures read by their words (engine.opening), a
    purpose named as a goal, and income words where the message speaks of its income."""
    if text.startswith("/"):
        return {}
    facts: dict[str, Any] = dict(read_opening(text).stated())
    # "I want to invest" names no goal, nor does "I have two kids"; a purpose does ("for a
    # house", "saving for college", "to retire").
    if PURPOSE_CUE.search(text):
        goal = match_goal(_purpose_words(text))
        if goal is not None:
            facts["goal"] = goal.value
    about_pay = INCOME_GOAL_PHRASE.sub(" ", text)  # income as the goal says nothing of pay
    if INCOME_CUE.search(about_pay):
        stability = match_income_stability(about_pay)
        if stability is not None:
            facts["income_stability"] = IncomeStability(stability).value
    return facts


def _purpose_words(text: str) -> str:
    """An opening message as a statement of purpose: without the request around it ("can you
    help me plan for retirement?"), the wish to invest, and where the money comes from ("from
    selling my house" says nothing of what it is for)."""
    text = re.sub(r"^\W*(?:(?:hi|hello|hey)\W+)?(?:can|could|would|will) you\s+(?:please\s+)?"
                  r"(?:help me(?: to)?|help)?", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bfrom (?:selling|the sale of|sale of)\s+(?:my|our|the|a|an)?\s*\w+", " ",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"\binvest\w*", " ", text, flags=re.IGNORECASE)
    if INCOME_GOAL.search(text) and RETIRED.search(text):
        return "regular income"  # income wanted by someone retired: the income goal
    return text.replace("?", ".")
