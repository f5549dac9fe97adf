"""From the dialogue's slots to the engine's InvestorProfile, and back for what-if changes."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from engine.profile import InvestorProfile
from engine.questionnaire import questionnaire

#: Slot of each risk question: "q_" + the question id.
RISK_SLOT_PREFIX = "q_"
PROFILE_SLOTS = ("age", "goal", "horizon_years", "initial_amount", "monthly_contribution",
                 "target_amount", "income_stability")


def risk_slots() -> list[str]:
    return [RISK_SLOT_PREFIX + question_id for question_id in questionnaire().ids]


def onboarding_slots() -> list[str]:
    return [*PROFILE_SLOTS[:-1], *risk_slots(), PROFILE_SLOTS[-1]]


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
    }


def profile_from(tracker: Tracker, **changes: Any) -> InvestorProfile | None:
    """The profile the conversation has gathered, with ``changes`` applied to the slot values."""
    slots = {name: tracker.get_slot(name) for name in onboarding_slots()}
    slots.update(changes)
    inputs = profile_inputs(slots)
    return InvestorProfile.model_validate(inputs) if inputs else None


def slot_values(profile: InvestorProfile, field: str) -> dict[str, Any]:
    """The slots that hold the profile's field ``field``, with the profile's values."""
    if field == "risk_answers":
        return {RISK_SLOT_PREFIX + q: a for q, a in profile.risk_answers.items()}
    return {field: getattr(profile, field)}
