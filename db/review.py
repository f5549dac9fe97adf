"""What staff add to a conversation, and the messages the bot never received.

Both tables are append-only: a review action is never edited or deleted, a later action supersedes
it (MiFID II Delegated Regulation 2017/565 Art 72 asks that corrections keep the earlier content).
``review_state`` replays the trail into each conversation's current flag, reviewed mark and tags.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.accounts import StaffUser
from db.base import Base


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
