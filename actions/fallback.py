"""Not understanding, and the answer to a yes: each misunderstood turn offers a way forward.

A first misunderstanding says so and offers what the advisor can do (buttons, and a recommendation
to say yes to); a second in a row asks for other words with the same buttons, so that the same
reply never comes twice running; the third in a row offers a person. ``last_offer`` remembers what
a yes would accept (rules in data/rules.yml carry it out). A first message that answers questions
("I'm 62 and need it in 3 years") starts the recommendation with them, and an unclear first
message of a conversation ("hi, first time doing this"), or a yes or no with nothing asked yet, is
welcomed: what the advisor does, the offer to start, and a person. A message not understood that
names a person ("rg rg", "can I get a human??"; ``person_words`` of each language's answer words)
is offered one at once.
"""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.onboarding import start_with_facts
from actions.script import every_cue, holds_any, normalised

#: The intents of a turn the advisor could not help with.
NOT_UNDERSTOOD = ("nlu_fallback", "out_of_scope")
#: A first message read so, with nothing asked yet ("不知道", "ok", "huh?"), is welcomed as an
#: unclear one (data/rules.yml, actions/say_again.py).
UNCLEAR_FIRST = ("nlu_fallback", "affirm", "deny", "not_following")
#: Misunderstood turns in a row after which a person is offered.
OFFER_PERSON_AFTER = 3


def _first_message(events: list[dict]) -> bool:
    """Whether the conversation holds one message of the client's so far."""
    return sum(1 for event in events if event.get("event") == "user") == 1


def welcome(dispatcher) -> list:
    """The welcome of an unclear first message: what the advisor does, the offer to start (a yes
    accepts it) and a person."""
    dispatcher.utter_message(response="utter_default_first")
    return [SlotSet("last_offer", "onboarding")]


def intent_of(tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def misunderstood_in_a_row(events: list[dict]) -> int:
    """How many of the latest user turns in a row the advisor could not help with."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in NOT_UNDERSTOOD:
            break
        count += 1
    return count


class Fallback(Action):
    """Reply to a turn the advisor could not help with, never twice the same way in a row."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain):
        # Not understood as a whole, but it gives answers: start the recommendation with them.
        starting = start_with_facts(tracker)
        if starting:
            return starting
        # Every language's words: a client may ask for a person in either.
        if holds_any(normalised(tracker.latest_message.get("text") or ""),
                     every_cue("person_words")):
            dispatcher.utter_message(response="utter_offer_person_named")
            return [SlotSet("last_offer", "handoff")]
        if _first_message(tracker.events) and intent_of(tracker) in UNCLEAR_FIRST:
            return welcome(dispatcher)
        count = max(misunderstood_in_a_row(tracker.events), 1)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if count >= OFFER_PERSON_AFTER and (count - OFFER_PERSON_AFTER) % 2 == 0:
            dispatcher.utter_message(response="utter_default_offer_person")
            return [SlotSet("last_offer", "handoff")]
        if count >= 2:
            dispatcher.utter_message(response="utter_default_rephrase")
            return [SlotSet("last_offer", "onboarding")]
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return [SlotSet("last_offer", "onboarding")]
        dispatcher.utter_message(response="utter_default")
        return [SlotSet("last_offer", "onboarding")]
