"""Everyday questions and the boundaries the advisor keeps: a short answer from the locale files,
then, outside the questionnaire, the offer to look at a mix (a yes accepts it through
``last_offer``). In the questionnaire the form asks its question again instead."""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

#: The everyday questions: intent ``faq_<topic>`` is answered by ``utter_faq_<topic>``.
TOPICS = ("fees", "losing_money", "minimum_amount", "emergency_fund", "debt_or_invest",
          "market_timing", "inflation", "late_start", "how_it_works", "data_privacy",
          "open_account", "tax_wrappers")
#: The boundaries: intent ``ask_<kind>`` is answered by ``utter_boundary_<kind>``.
BOUNDARIES = ("returns_promise", "tax_legal")


def answer_of(intent: str | None) -> str | None:
    """The response that answers an everyday question or states a boundary, by its intent."""
    intent = intent or ""
    if intent.startswith("faq_") and intent[4:] in TOPICS:
        return f"utter_{intent}"
    if intent.startswith("ask_") and intent[4:] in BOUNDARIES:
        return f"utter_boundary_{intent[4:]}"
    return None


class EverydayAnswer(Action):
    def name(self) -> str:
        return "action_everyday_answer"

    async def run(self, dispatcher, tracker, domain):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        response = answer_of(intent)
        if response is None:
            raise ValueError(f"action_everyday_answer has no answer for the intent {intent!r}")
        dispatcher.utter_message(response=response)
        if tracker.active_loop_name:
            return []
        dispatcher.utter_message(response="utter_offer_mix")
        return [SlotSet("last_offer", "onboarding")]
