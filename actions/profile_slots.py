"""From the dialogue's slots to the engine's InvestorProfile, and back for what-if changes.

Every market asks the profile's questions (``onboarding_slots``). A market with suitability rules
(``MARKET=cn``) also asks the situation its investor classes score (``SITUATION_SLOTS``): the
investable assets, the household income and the investment knowledge, before the last question.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.market import market
from engine.assumptions import DEFAULT_MARKET
from engine.profile import SITUATION_FIELDS, InvestorProfile
from engine.questionnaire import questionnaire

#: Slot of each risk question: "q_" + the question id.
RISK_SLOT_PREFIX = "q_"
PROFILE_SLOTS = ("age", "goal", "horizon_years", "initial_amount", "monthly_contribution",
                 "target_amount", "income_stability")
#: The situation a market with suitability rules asks: each slot is named after its profile field.
SITUATION_SLOTS = SITUATION_FIELDS


def risk_slots() -> list[str]:
    return [RISK_SLOT_PREFIX + question_id for question_id in questionnaire().ids]


def onboarding_slots() -> list[str]:
    """The answers every profile needs, in the order the form asks them."""
    return [*PROFILE_SLOTS[:-1], *risk_slots(), PROFILE_SLOTS[-1]]


def asks_situation() -> bool:
    """Whether this deployment's form asks the situation (a market with suitability rules)."""
    return market() != DEFAULT_MARKET


def form_slots() -> list[str]:
    """The questions this deployment's form asks, in order: the profile's, with the situation
    before the last one where the market asks it."""
    slots = onboarding_slots()
    return [*slots[:-1], *SITUATION_SLOTS, slots[-1]] if asks_situation() else slots


def profile_inputs(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The profile's fields from slot values, or None while an answer is missing."""
    if any(slots.get(name) is None for name in onboarding_slots()):
        return None
    target = float(slots["target_amount"])
    return {
        "age": int(slots["age"]),
        "goal": slots["goal"],
        "horizon_years": float(slots["horizon_years"]),
        "initial_amount": float(slots["initial_amount"]),
        "monthly_contribution": float(slots["monthly_contribution"]),
        # 0 is how the chat stores "no target".
        "target_amount": target if target > 0 else None,
        "risk_answers": {q: slots[RISK_SLOT_PREFIX + q] for q in questionnaire().ids},
        "income_stability": slots["income_stability"],
        # The situation where it was asked; a field not given scores no points.
        **{name: slots[name] for name in SITUATION_SLOTS if slots.get(name) is not None},
    }


def profile_from(tracker: Tracker, **changes: Any) -> InvestorProfile | None:
    """The profile the conversation has gathered, with ``changes`` applied to the slot values."""
    slots = {name: tracker.get_slot(name) for name in (*onboarding_slots(), *SITUATION_SLOTS)}
    slots.update(changes)
    inputs = profile_inputs(slots)
    return InvestorProfile.model_validate(inputs) if inputs else None


def slot_values(profile: InvestorProfile, field: str) -> dict[str, Any]:
    """The slots that hold the profile's field ``field``, with the profile's values."""
    if field == "risk_answers":
        return {RISK_SLOT_PREFIX + q: a for q, a in profile.risk_answers.items()}
    return {field: getattr(profile, field)}
