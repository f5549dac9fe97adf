"""A client who did not follow the advisor's last message ("huh?", "没看懂", "come again?", a
puzzled "嗯？") is told it again, more plainly where the advisor can.

- A question of the onboarding form: a short apology; the form then asks it again (data/rules.yml).
- The recommendation just given: the plain explanation of why this mix (as ``action_explain``
  gives it).
- Anything else: the advisor's last messages again, word for word with their buttons, so that an
  offer made there still stands and a yes still accepts it.
- Twice in a row: the offer of a person, as a person can explain what the advisor could not.
- Nothing said yet: the welcome, as for any unclear first message (as ``action_fallback`` gives
  it).

Everything is said here, with no follow-up action, so that the one rule for this intent covers
every case.

In the other forms (the rating, the reason for leaving, the exit interview) the form's validation
asks its question again (:func:`puzzled`), so that "huh?" is never kept as an answer.
"""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.advice import say_why_this_mix
from actions.fallback import welcome

#: The intent of a turn whose client did not follow the advisor.
NOT_FOLLOWING = "not_following"
#: The messages that give a recommendation or change it: "huh?" after them asks why this mix.
RECOMMENDING = ("utter_recommendation", "utter_what_if_applied")
#: What this action itself says before repeating: never repeated in turn.
_OWN = ("utter_say_again", "utter_say_again_question", "utter_say_again_plainly",
        "utter_say_again_person")


def puzzled(tracker) -> bool:
    """Whether the latest message, typed rather than a button, says the client did not follow:
    a form's validation then asks its question again instead of keeping "huh?" as the answer."""
    text = (tracker.latest_message.get("text") or "").strip()
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return intent == NOT_FOLLOWING and not text.startswith("/")


def _user_turns(events: list[dict]) -> list[int]:
    return [index for index, event in enumerate(events) if event.get("event") == "user"]


def last_bot_turn(events: list[dict]) -> list[dict]:
    """The advisor's messages between the client's previous message and the latest one, without
    what an earlier "say again" added."""
    turns = _user_turns(events)
    if not turns:
        return []
    start = turns[-2] + 1 if len(turns) > 1 else 0
    return [event for event in events[start:turns[-1]]
            if event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") not in _OWN]


def not_following_in_a_row(events: list[dict]) -> int:
    """How many of the latest user turns in a row did not follow the advisor."""
    count = 0
    for index in reversed(_user_turns(events)):
        intent = ((events[index].get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != NOT_FOLLOWING:
            break
        count += 1
    return count


def _repeated(dispatcher, event: dict) -> None:
    data = event.get("data") or {}
    # Named as a repeat of its response, not as the response: said once, counted once.
    message: dict = {"text": event.get("text"),
                     "repeats": (event.get("metadata") or {}).get("utter_action")}
    if data.get("buttons"):
        message["buttons"] = data["buttons"]
    if data.get("custom"):
        message["json_message"] = data["custom"]
    dispatcher.utter_message(**message)


class SayAgain(Action):
    """Say the last message again, more plainly where possible (module docstring)."""

    def name(self) -> str:
        return "action_say_again"

    async def run(self, dispatcher, tracker, domain):
        if tracker.active_loop_name == "onboarding_form":
            dispatcher.utter_message(response="utter_say_again_question")
            return []
        earlier = last_bot_turn(tracker.events)
        if not earlier:
            return welcome(dispatcher)
        if not_following_in_a_row(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_say_again_person")
            return [SlotSet("last_offer", "handoff")]
        said = {(event.get("metadata") or {}).get("utter_action") for event in earlier}
        if tracker.get_slot("recommended") and said & set(RECOMMENDING):
            dispatcher.utter_message(response="utter_say_again_plainly")
            say_why_this_mix(dispatcher, tracker)
            return []
        dispatcher.utter_message(response="utter_say_again")
        for event in earlier:
            _repeated(dispatcher, event)
        return []
