"""Running actions as the action server does: a tracker state as Rasa sends it, the messages and
slots an action returns; and the signed-in client the lifecycle actions read."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_variations

from db.models import Client, Holding, LifecycleScore, OfferRecord, SuitabilityRecord
from db.session import session_scope

SENDER = "conversation-under-test"
CLIENT = 7
#: The metadata the web gateway sends with a signed-in client's messages.
SIGNED_IN = {"client_id": CLIENT}


def add_client(engine, *, aum=200_000.0, segment="retail", do_not_contact=False, stage=None,
               churn_risk=0.4, next_best_action=None, holdings=None, target=None, offered=(),
               assessed_at=None, inputs=None):
    """Client 7, Ada; with a lifecycle score when ``stage`` is given and ``churn_risk`` is not
    None, a holdings snapshot (asset class: market value), a target (a suitability record with
    these weights, made at ``assessed_at`` from the profile ``inputs`` when given) and the offers
    made to her in an earlier conversation."""
    with session_scope(engine) as session:
        session.add(Client(id=CLIENT, name="Ada", created_at=datetime(2020, 1, 1), aum=aum,
                           segment=segment, products="", do_not_contact=do_not_contact))
        session.flush()
        if stage and churn_risk is not None:
            session.add(LifecycleScore(client_id=CLIENT, as_of=datetime(2026, 11, 1), stage=stage,
                                       churn_risk=churn_risk, expected_value=1.0, reasons="",
                                       next_best_action=next_best_action, model_version="t"))
        for asset_class, value in (holdings or {}).items():
            session.add(Holding(client_id=CLIENT, asset_class=asset_class, market_value=value,
                                as_of=datetime(2026, 11, 20)))
        if target:
            session.add(SuitabilityRecord(
                conversation_id="earlier", client_id=CLIENT, inputs=inputs or {}, risk_score=5.0,
                willingness=5.0, capacity=5.0, flags=[], weights=target, groups={},
                expected_return=0.05, volatility=0.1, bad_year=-0.1, disclosures=[],
                engine_version="t", assumptions_version="t", questionnaire_version="t",
                **({"created_at": assessed_at} if assessed_at is not None else {})))
        for offer in offered:
            session.add(OfferRecord(conversation_id="earlier", client_id=CLIENT, offer=offer))


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


def said(messages: list[dict], domain: dict) -> list[str]:
    """The responses sent, after checking each is declared and gets every value its text names."""
    for message in messages:
        name = message.get("response")
        if name is None:
            continue
        assert name in domain["responses"], name
        for variant in response_variations(name):
            for field in re.findall(r"(?<!\{)\{(\w+)\}", variant.get("text", "")):
                assert message.get(field) not in (None, ""), f"{name} lacks {field}"
    return responses(messages)


def form_run(domain: dict, slot: str, text: str, intent: str = "inform", confidence: float = 0.95,
             slots: dict[str, Any] | None = None) -> tuple[list[dict], list[dict]]:
    """The events and messages of the onboarding form's validation when ``text`` is typed while
    the form asks ``slot``, classified as ``intent`` with ``confidence``."""
    from actions.onboarding import ValidateOnboardingForm

    state = tracker(slots={"requested_slot": slot, **(slots or {})}, text=text, intent=intent,
                    candidates={slot: text}, active_loop="onboarding_form")
    state.latest_message["intent"]["confidence"] = confidence
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    return events, dispatcher.messages
