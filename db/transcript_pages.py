"""One page of a conversation's transcript: its events, the slots as they stood when it starts, and
the records written while it ran.

A page holds up to ``PAGE_SIZE`` messages (user and bot events) and every other event between its
first message and the next page's first message; the first page also holds what came before the
first message, the last page what came after the last. Only the page's events are read and parsed,
so a long conversation opens as fast as a short one. Pages are numbered from 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.conversations import HandoffRequest, OfferRecord, SuitabilityRecord, SurveyAnswer
from db.review import UndeliveredMessage
from db.tracker_events import EVENTS, event_data, event_time, has_events

PAGE_SIZE = 100
#: Events that count towards a page's size.
MESSAGE_TYPES = ("user", "bot")
#: Events a page reads: the messages, and the actions, slots and form changes between them.
PAGE_TYPES = ("user", "bot", "action", "slot", "active_loop", "reset_slots", "restart")
#: Events that change what the slots hold.
SLOT_TYPES = ("slot", "reset_slots", "restart")


@dataclass(frozen=True)
class EventRow:
    """One row of Rasa's events table."""

    id: int
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: str


@dataclass(frozen=True)
class PageRecords:
    """The project's records written during a page, each kind oldest first."""

    recommendations: list[SuitabilityRecord]
    offers: list[OfferRecord]
    surveys: list[SurveyAnswer]
    handoffs: list[HandoffRequest]
    undelivered: list[UndeliveredMessage]


@dataclass(frozen=True)
class TranscriptPage:
    number: int
    pages: int
    messages: int  # in the whole conversation
    events: list[EventRow]
    slots_before: dict  # each slot's value when the page starts (slots never set are absent)
    starts: datetime | None  # None on the first page
    ends: datetime | None  # None on the last page
    records: PageRecords
    page_starts: tuple[datetime, ...]  # when each page after the first starts

    def page_of(self, when: datetime) -> int:
        """The page on which something that happened at ``when`` is shown."""
        return 1 + sum(1 for start in self.page_starts if start <= when)


Mark = tuple[float, int]  # (timestamp, id): the order Rasa's events happened in


def _after(mark: Mark):
    """Events at or after ``mark`` in (timestamp, id) order."""
    return sa.or_(EVENTS.c.timestamp > mark[0],
                  sa.and_(EVENTS.c.timestamp == mark[0], EVENTS.c.id >= mark[1]))


def message_marks(db: Session, conversation_id: str) -> list[Mark]:
    """Where each message of the conversation stands, in order."""
    if not has_events(db):
        return []
    return [(row.timestamp, row.id) for row in db.execute(
        sa.select(EVENTS.c.timestamp, EVENTS.c.id)
        .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name.in_(MESSAGE_TYPES))
        .order_by(EVENTS.c.timestamp, EVENTS.c.id))]


def replay_slots(rows, slots: dict | None = None) -> dict:
    """The slots after the (type_name, data) events ``rows``, starting from ``slots``."""
    state = dict(slots or {})
    for type_name, raw in rows:
        if type_name == "slot":
            data = event_data(raw)
            state[str(data.get("name"))] = data.get("value")
        else:  # reset_slots and restart forget every slot
            state.clear()
    return state


def _records(db: Session, conversation_id: str, starts: datetime | None,
             ends: datetime | None) -> PageRecords:
    def of(model):
        query = sa.select(model).where(model.conversation_id == conversation_id)
        if starts is not None:
            query = query.where(model.created_at >= starts)
        if ends is not None:
            query = query.where(model.created_at < ends)
        return list(db.scalars(query.order_by(model.created_at, model.id)))

    return PageRecords(of(SuitabilityRecord), of(OfferRecord), of(SurveyAnswer),
                       of(HandoffRequest), of(UndeliveredMessage))


def page_count(messages: int, size: int = PAGE_SIZE) -> int:
    return max(1, math.ceil(messages / size))


def transcript_page(db: Session, conversation_id: str, number: int = 1,
                    size: int = PAGE_SIZE) -> TranscriptPage:
    """Page ``number`` of the conversation; ValueError names the pages there are if it is not one."""
    marks = message_marks(db, conversation_id)
    pages = page_count(len(marks), size)
    if not 1 <= number <= pages:
        raise ValueError(f"page {number} does not exist: this conversation has "
                         f"{pages} page{'s' if pages > 1 else ''} of up to {size} messages")
    start = marks[(number - 1) * size] if number > 1 else None
    end = marks[number * size] if number < pages else None
    events: list[EventRow] = []
    slots: dict = {}
    if has_events(db):
        query = (sa.select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp,
                           EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
                 .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name.in_(PAGE_TYPES))
                 .order_by(EVENTS.c.timestamp, EVENTS.c.id))
        if start is not None:
            query = query.where(_after(start))
            slots = replay_slots(db.execute(
                sa.select(EVENTS.c.type_name, EVENTS.c.data)
                .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name.in_(SLOT_TYPES),
                       sa.not_(_after(start)))
                .order_by(EVENTS.c.timestamp, EVENTS.c.id)))
        if end is not None:
            query = query.where(sa.not_(_after(end)))
        events = [EventRow(*row) for row in db.execute(query)]
    starts = event_time(start[0]) if start is not None else None
    ends = event_time(end[0]) if end is not None else None
    page_starts = tuple(event_time(marks[n * size][0]) for n in range(1, pages))
    return TranscriptPage(number, pages, len(marks), events, slots, starts, ends,
                          _records(db, conversation_id, starts, ends), page_starts)


def suitability_record(db: Session, conversation_id: str, record_id: int) -> SuitabilityRecord | None:
    """One recommendation's suitability record, if it belongs to the conversation."""
    return db.scalars(sa.select(SuitabilityRecord).where(
        SuitabilityRecord.id == record_id,
        SuitabilityRecord.conversation_id == conversation_id)).first()


def suitability_as_dict(record: SuitabilityRecord) -> dict:
    """Every field of a suitability record, JSON-ready."""
    return {column.name: (value.isoformat(timespec="seconds") if isinstance(value, datetime)
                          else value)
            for column in SuitabilityRecord.__table__.columns
            for value in [getattr(record, column.key)]}
