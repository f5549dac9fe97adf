"""Running actions as the action server does: a tracker state as Rasa sends it, the messages and
slots an action returns."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from db.session import session_scope

SENDER = "conversation-under-test"


def rows(engine, model) -> list:
    with session_scope(engine) as session:
        return list(session.query(model).order_by(model.id))


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict] | None = None,
    metadata: dict | None = None,
    candidates: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text``; ``candidates`` are the slot values Rasa's
    mappings extracted from it (the SlotSet events a form validation action sees)."""
    events = [{"event": "user", "text": text, "parse_data": {}}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    all_slots = {"failed_attempts": 0, **(slots or {}), **(candidates or {})}
    return Tracker(
        sender_id=SENDER,
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                        "entities": entities or [], "metadata": metadata or {}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker_: Tracker, domain: dict) -> tuple[list[dict], dict[str, Any]]:
    """Run an action; return the messages it sent and the slots it set."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]
