"""One conversation in full, for the transcript view and its export.

Each user message comes with its predicted intent and confidence, each bot message with its
buttons and any recommendation card, each action and each slot as it filled; the project's records
(recommendations, offers, survey answers, handoff requests), the messages Rasa never received and
the review trail come alongside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.conversations import (
    HandoffRequest,
    OfferRecord,
    SuitabilityRecord,
    SurveyAnswer,
    conversation_records,
)
from db.review import (
    ReviewEvent,
    review_state,
    review_trail,
    undelivered_messages,
    user_messages,
)
from db.tracker_events import conversation_events, event_data, event_time

#: Events shown in the transcript; the rest (session starts, form activations) are plumbing.
SHOWN = {"user", "bot", "action", "slot"}
#: Actions that only mark a turn boundary.
QUIET_ACTIONS = {"action_listen", "action_session_start"}


@dataclass
class Turn:
    """One line of the transcript."""

    when: datetime
    kind: str  # user, bot, action, slot, undelivered
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    name: str | None = None  # the action or slot name
    value: object = None  # the slot value
    buttons: list[dict] = field(default_factory=list)
    allocation: dict | None = None
    event_id: int | None = None  # a user message's row in Rasa's events table

    def as_dict(self) -> dict:
        return {"time": self.when.isoformat(timespec="seconds"), "kind": self.kind,
                "text": self.text, "intent": self.intent, "confidence": self.confidence,
                "name": self.name, "value": self.value,
                "buttons": [b.get("title") for b in self.buttons] or None,
                "allocation": self.allocation}


@dataclass
class Transcript:
    conversation_id: str
    turns: list[Turn]
    recommendations: list[SuitabilityRecord]
    offers: list[OfferRecord]
    surveys: list[SurveyAnswer]
    handoffs: list[HandoffRequest]
    reviews: list[tuple[ReviewEvent, str]]  # each action with the staff member's name
    state: dict

    @property
    def found(self) -> bool:
        return bool(self.turns or self.recommendations or self.handoffs or self.reviews)


def _turn(kind: str, timestamp: float, intent: str | None, action: str | None, raw: str) -> Turn | None:
    data = event_data(raw)
    when = event_time(timestamp)
    if kind == "user":
        parsed = (data.get("parse_data") or {}).get("intent") or {}
        confidence = parsed.get("confidence")
        return Turn(when, "user", str(data.get("text") or ""), intent or parsed.get("name"),
                    float(confidence) if isinstance(confidence, int | float) else None)
    if kind == "bot":
        extra = data.get("data") or {}
        custom = extra.get("custom")
        allocation = custom if isinstance(custom, dict) and custom.get("type") == "allocation" else None
        buttons = [b for b in extra.get("buttons") or [] if isinstance(b, dict)]
        return Turn(when, "bot", str(data.get("text") or ""), buttons=buttons, allocation=allocation)
    if kind == "action" and action and action not in QUIET_ACTIONS:
        return Turn(when, "action", name=action)
    if kind == "slot":
        return Turn(when, "slot", name=str(data.get("name")), value=data.get("value"))
    return None


def transcript(db: Session, conversation_id: str) -> Transcript:
    events = conversation_events(db, conversation_id, SHOWN)
    turns = [t for t in (_turn(*event) for event in events) if t is not None]
    # Both read Rasa's user events in (timestamp, id) order, so the n-th user turn is the n-th message.
    users = [t for t in turns if t.kind == "user"]
    for turn, message in zip(users, user_messages(db, conversation_id), strict=False):
        turn.event_id = message.event_id
    turns += [Turn(message.created_at, "undelivered", message.text, name=message.reason)
              for message in undelivered_messages(db, conversation_id)]
    turns.sort(key=lambda t: t.when)
    records = conversation_records(db, conversation_id)
    state = review_state(db, [conversation_id]).get(
        conversation_id, {"flagged": False, "reviewed": False, "tags": []})
    return Transcript(conversation_id, turns, records.recommendations, records.offers,
                      records.surveys, records.handoffs, review_trail(db, conversation_id), state)


def as_dict(t: Transcript) -> dict:
    """The whole transcript as plain JSON-ready data (the JSON export)."""
    return {
        "conversation_id": t.conversation_id,
        "review": t.state,
        "turns": [turn.as_dict() for turn in t.turns],
        "recommendations": [
            {"time": r.created_at.isoformat(timespec="seconds"), "risk_score": r.risk_score,
             "weights": r.weights, "expected_return": r.expected_return,
             "volatility": r.volatility, "bad_year": r.bad_year, "history": r.history,
             "history_version": r.history_version,
             "probability_of_target": r.probability_of_target, "flags": r.flags,
             "engine_version": r.engine_version} for r in t.recommendations],
        "offers": [{"time": o.created_at.isoformat(timespec="seconds"), "offer": o.offer,
                    "answer": o.answer} for o in t.offers],
        "surveys": [{"survey": s.survey, "question": s.question, "answer": s.answer}
                    for s in t.surveys],
        "handoffs": [{"time": h.created_at.isoformat(timespec="seconds"), "reason": h.reason}
                     for h in t.handoffs],
        "review_trail": [{"time": e.created_at.isoformat(timespec="seconds"), "staff": name,
                          "action": e.action, "value": e.value} for e, name in t.reviews],
    }
