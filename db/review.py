"""What staff add to a conversation, the messages the bot never received, and the messages staff
say the bot misunderstood.

The tables are append-only: a review action is never edited or deleted, a later action supersedes
it (MiFID II Delegated Regulation 2017/565 Art 72 asks that corrections keep the earlier content).
``review_state`` replays the trail into each conversation's current flag, reviewed mark and tags.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.accounts import StaffUser
from db.base import Base
from db.clock import utcnow
from db.tracker_events import EVENTS, event_data, has_events


class ReviewAction(StrEnum):
    tag = "tag"
    untag = "untag"
    flag = "flag"
    unflag = "unflag"
    note = "note"
    reviewed = "reviewed"
    handoff_closed = "handoff_closed"


class ReviewEvent(Base):
    """One review action by one member of staff on one conversation (Rasa ``sender_id``)."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_conversation_time", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64))
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class UndeliveredMessage(Base):
    """A chat message Rasa did not answer (server down or failing, or no reply at all).

    Kept so that nothing the user typed is lost: staff see it next to the transcript and can follow
    up. ``reason`` says what went wrong (connection refused, timeout, HTTP status).
    """

    __tablename__ = "undelivered_messages"
    __table_args__ = (Index("ix_undelivered_messages_conversation", "conversation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


def review_state(db: Session, conversation_ids: list[str] | None = None) -> dict[str, dict]:
    """Flag, reviewed and tags of each conversation, replayed from the audit trail in order."""
    query = sa.select(ReviewEvent).order_by(ReviewEvent.created_at, ReviewEvent.id)
    if conversation_ids is not None:
        query = query.where(ReviewEvent.conversation_id.in_(conversation_ids))
    state: dict[str, dict] = defaultdict(lambda: {"flagged": False, "reviewed": False, "tags": []})
    for event in db.scalars(query):
        current = state[event.conversation_id]
        if event.action in (ReviewAction.flag, ReviewAction.unflag):
            current["flagged"] = event.action == ReviewAction.flag
        elif event.action == ReviewAction.reviewed:
            current["reviewed"] = True
        elif event.action == ReviewAction.tag and event.value not in current["tags"]:
            current["tags"].append(event.value)
        elif event.action == ReviewAction.untag and event.value in current["tags"]:
            current["tags"].remove(event.value)
    return state


def review_trail(db: Session, conversation_id: str) -> list[tuple[ReviewEvent, str]]:
    """Every review action on the conversation, oldest first, with the staff member's name."""
    return [tuple(row) for row in db.execute(
        sa.select(ReviewEvent, StaffUser.username)
        .join(StaffUser, StaffUser.id == ReviewEvent.staff_user_id)
        .where(ReviewEvent.conversation_id == conversation_id)
        .order_by(ReviewEvent.created_at, ReviewEvent.id))]


def undelivered_messages(db: Session, conversation_id: str) -> list[UndeliveredMessage]:
    """The conversation's messages that Rasa never answered, oldest first."""
    return list(db.scalars(
        sa.select(UndeliveredMessage).where(UndeliveredMessage.conversation_id == conversation_id)
        .order_by(UndeliveredMessage.created_at, UndeliveredMessage.id)))


class NluCorrection(Base):
    """A member of staff's word that the bot misunderstood one user message (a row of Rasa's
    ``events`` table, named by its id and timestamp): the intent it should have read, or a slot
    value it should have filled. The text and what the bot understood are copied as they were, so
    the correction stays readable when Rasa's tracker is pruned."""

    __tablename__ = "nlu_corrections"
    __table_args__ = (
        Index("ix_nlu_corrections_created_at", "created_at"),
        Index("ix_nlu_corrections_conversation_event", "conversation_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[int] = mapped_column(Integer)
    event_timestamp: Mapped[float] = mapped_column(Float)  # epoch seconds, as Rasa writes it
    text: Mapped[str] = mapped_column(Text)
    understood_intent: Mapped[str | None] = mapped_column(String(100))
    understood_confidence: Mapped[float | None] = mapped_column(Float)
    corrected_intent: Mapped[str | None] = mapped_column(String(100))
    slot_name: Mapped[str | None] = mapped_column(String(100))
    slot_value: Mapped[str | None] = mapped_column(Text)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class UserMessage:
    """One user message as Rasa's tracker store kept it."""

    event_id: int
    timestamp: float
    text: str
    intent: str | None
    confidence: float | None


def _user_message(event_id: int, timestamp: float, intent_name: str | None, raw: str) -> UserMessage:
    data = event_data(raw)
    parsed = (data.get("parse_data") or {}).get("intent") or {}
    confidence = parsed.get("confidence")
    return UserMessage(event_id, timestamp, str(data.get("text") or ""),
                       intent_name or parsed.get("name"),
                       float(confidence) if isinstance(confidence, int | float) else None)


def _user_events(conversation_id: str):
    return (sa.select(EVENTS.c.id, EVENTS.c.timestamp, EVENTS.c.intent_name, EVENTS.c.data)
            .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name == "user"))


def user_messages(db: Session, conversation_id: str) -> list[UserMessage]:
    """The conversation's user messages in the order they happened (as in the transcript)."""
    if not has_events(db):
        return []
    return [_user_message(*row) for row in db.execute(
        _user_events(conversation_id).order_by(EVENTS.c.timestamp, EVENTS.c.id))]


def user_message(db: Session, conversation_id: str, event_id: int) -> UserMessage | None:
    """One user message of the conversation by its event id; None if there is no such message."""
    if not has_events(db):
        return None
    row = db.execute(_user_events(conversation_id).where(EVENTS.c.id == event_id)).first()
    return _user_message(*row) if row is not None else None


def add_correction(db: Session, message: UserMessage, conversation_id: str, staff_user_id: int,
                   corrected_intent: str | None, slot_name: str | None,
                   slot_value: str | None) -> NluCorrection:
    """Record a correction of ``message``; the caller has checked the intent and slot names."""
    if corrected_intent is None and slot_name is None:
        raise ValueError("a correction names an intent or a slot")
    if (slot_name is None) != (slot_value is None):
        raise ValueError("a slot correction needs both the slot name and its value")
    correction = NluCorrection(
        conversation_id=conversation_id, event_id=message.event_id,
        event_timestamp=message.timestamp, text=message.text,
        understood_intent=message.intent, understood_confidence=message.confidence,
        corrected_intent=corrected_intent, slot_name=slot_name, slot_value=slot_value,
        staff_user_id=staff_user_id, created_at=utcnow())
    db.add(correction)
    db.flush()
    return correction


def corrections(db: Session, conversation_id: str | None = None) -> list[tuple[NluCorrection, str]]:
    """Corrections, newest first, each with the staff member's name; one conversation's if given."""
    query = (sa.select(NluCorrection, StaffUser.username)
             .join(StaffUser, StaffUser.id == NluCorrection.staff_user_id)
             .order_by(NluCorrection.created_at.desc(), NluCorrection.id.desc()))
    if conversation_id is not None:
        query = query.where(NluCorrection.conversation_id == conversation_id)
    return [tuple(row) for row in db.execute(query)]
