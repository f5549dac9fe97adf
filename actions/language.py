"""The conversation's language, set after every message (the rule is engine.language's).

Rasa runs ``action_validate_slot_mappings`` at the end of ``action_extract_slots``, after every
user message and before any policy predicts, so a reply to the very message that decides or
changes the language is already in it (rasa_components/nlg.py words responses from the slot).
A custom action predicted by a rule would come too late for the first reply and would need a rule
for every turn. The ``language`` slot's mapping is ``custom`` without an action, which is what
hands it to this validation action.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker, ValidationAction

from actions.advice import LANGUAGE_SLOT
from engine.language import has_letters, language_after, page_language, requested_language

#: The intent of a request for another language (data/language.yml).
SWITCH_INTENT = "switch_language"
#: The confirmation of a new language (locales/<language>/dialogue.yml).
SWITCHED = "utter_language_switched"
#: The message metadata key under which the web app sends its page's language. Not "language":
#: that key names the language of the message itself to the NLU pipeline, and the page's is only
#: a prior (a Chinese message typed on an English page is Chinese).
PAGE_LANGUAGE = "page_language"


def _session(tracker: Tracker) -> list[dict]:
    """The events of the conversation's current session."""
    events = list(tracker.events)
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1] + 1:] if starts else events


def _typed(text: str) -> bool:
    """Whether a message was typed (a button sends its payload, "/intent{...}")."""
    return not text.startswith("/")


def page_of(tracker: Tracker) -> str | None:
    """The language of the page the chat is on, as the web app sends it with each message."""
    for metadata in (tracker.latest_message.get("metadata"),
                     tracker.get_slot("session_started_metadata")):
        if isinstance(metadata, dict) and metadata.get(PAGE_LANGUAGE):
            return page_language(metadata[PAGE_LANGUAGE])
    return None


def _page_of_message(event: dict) -> str | None:
    metadata = event.get("metadata") if isinstance(event, dict) else None
    if isinstance(metadata, dict) and metadata.get(PAGE_LANGUAGE):
        return page_language(metadata[PAGE_LANGUAGE])
    return None


def page_switched(tracker: Tracker) -> bool:
    """Whether the latest message comes from a page in another language than the session's
    previous message did: the client used the site's language switch in between."""
    now = _page_of_message(tracker.latest_message)
    if now is None:
        return False
    users = [event for event in _session(tracker) if event.get("event") == "user"]
    before = next((page for page in map(_page_of_message, reversed(users[:-1]))
                   if page is not None), None)
    return before is not None and before != now


def is_opening(tracker: Tracker, page: str | None) -> bool:
    """Whether the latest message opens the conversation for the language: no earlier message of
    the session was typed with letters, and nothing but the page has set the language (an
    integrator that sets the slot before the first message has chosen it)."""
    events = _session(tracker)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    earlier = events[:users[-1]] if users else events
    if any(event.get("event") == "user" and _typed(event.get("text") or "")
           and has_letters(event.get("text") or "") for event in earlier):
        return False
    chosen = any(event.get("event") == "slot" and event.get("name") == LANGUAGE_SLOT
                 for event in earlier)
    return page is not None or not chosen


def asks_for_language(tracker: Tracker) -> bool:
    """Whether the latest message asks to go on in a language: typed, read as the slot reads it
    (a request cue, or a language named in a message the classifier read as a request;
    engine.language); sent, the ``/switch_language`` payload (the widget sends it when the
    client has switched the page's language). A form whose answers are the client's own words then confirms
    the language and asks its question again rather than keeping "English please" as the answer;
    the slot has been switched by then (:class:`ValidateSlotMappings`)."""
    text = tracker.latest_message.get("text") or ""
    asked = (tracker.latest_message.get("intent") or {}).get("name") == SWITCH_INTENT
    if not _typed(text):  # the widget's switch after the page's language changed
        return asked
    return requested_language(text, asked=asked) is not None


def confirm_language(dispatcher) -> None:
    """Say that the conversation goes on in the language asked for (in that language)."""
    dispatcher.utter_message(response=SWITCHED)


class ValidateSlotMappings(ValidationAction):
    """``action_validate_slot_mappings``: the ``language`` slot after each message."""

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        return [LANGUAGE_SLOT]

    async def run(self, dispatcher, tracker, domain):
        # Extraction only: the value comes from the rule, so there is nothing to validate (and
        # rasa-sdk would warn of a slot without a validate_ method on every change).
        return await self.get_extraction_events(dispatcher, tracker, domain)

    def extract_language(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        page = page_of(tracker)
        language = language_after(text if _typed(text) else "", page=page,
                                  opening=is_opening(tracker, page),
                                  asked=intent == SWITCH_INTENT,
                                  page_switched=page_switched(tracker),
                                  current=tracker.get_slot(LANGUAGE_SLOT))
        if language is None or language == tracker.get_slot(LANGUAGE_SLOT):
            return {}
        return {LANGUAGE_SLOT: language}
