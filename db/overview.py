"""Figures for the staff overview page: SQL aggregates over the conversation listing.

Every figure is computed in the database (``db.conversation_list.listing``), so the page does not
read the events into Python. The web app turns the counts into charts (``bot.console.overview``).
A period (first and last day, inclusive, UTC) limits the conversations to those started in it and
the offers to those recorded in it; the lifecycle stages are the clients' current ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.clients import latest_scores_query
from db.conversation_list import ONBOARDING_STEPS, listing
from db.conversations import OfferRecord, SuitabilityRecord
from db.tracker_events import EVENTS, day_number, dialect_of, epoch, has_events, json_text

#: Days shown in the per-day charts when no period is chosen (the latest days with conversations).
DAYS_SHOWN = 90
EPOCH_DAY = date(1970, 1, 1).toordinal()


@dataclass
class Day:
    """One day's conversations (started that day), the share of those with a user message that
    hit a fallback, and their ratings."""

    day: date
    conversations: int = 0
    with_messages: int = 0
    fallback_rate: float | None = None
    average_rating: float | None = None
    ratings: int = 0


@dataclass
class Figures:
    """The overview's figures; each list holds (label, count) in the order it is shown.
    ``tracked`` is False until Rasa has created its events table (no conversation yet)."""

    tracked: bool
    conversations: int
    per_day: list[Day]
    funnel: list[tuple[str, float]]
    fallback_rate: float | None
    stages: list[tuple[str, float]]
    offers: list[tuple[str, float, float]]  # (offer, made, accepted)
    average_rating: float | None
    ratings: int


def funnel(db: Session, dialect: str, rows, *conditions) -> list[tuple[str, float]]:
    """Prospect conversations with a message, and how many reached each onboarding step."""
    prospects = (sa.select(rows.c.conversation_id)
                 .where(rows.c.client_id.is_(None), rows.c.user_messages > 0, *conditions))
    started = db.scalar(sa.select(sa.func.count()).select_from(prospects.subquery()))
    e = EVENTS.c
    slots = [slot for _, slot in ONBOARDING_STEPS if slot is not None]
    name, value = json_text(dialect, e.data, "name"), json_text(dialect, e.data, "value")
    # A step is reached when its slot was filled, or (the last step) a recommendation was kept.
    hits = sa.union(
        sa.select(name.label("slot"), e.sender_id.label("conversation_id"))
        .where(e.type_name == "slot", name.in_(slots), value.is_not(None), value != ""),
        sa.select(sa.literal("recommended").label("slot"), SuitabilityRecord.conversation_id),
    ).subquery()
    reached = dict(db.execute(
        sa.select(hits.c.slot, sa.func.count())
        .where(hits.c.conversation_id.in_(prospects)).group_by(hits.c.slot)).all())
    return [(label, started if slot is None else reached.get(slot, 0))
            for label, slot in ONBOARDING_STEPS]


def _offers(db: Session, date_from: date | None, date_to: date | None
            ) -> list[tuple[str, float, float]]:
    made = sa.func.sum(sa.case((OfferRecord.answer.is_(None), 1), else_=0))
    accepted = sa.func.sum(sa.case((OfferRecord.answer == "accepted", 1), else_=0))
    query = sa.select(OfferRecord.offer, made, accepted).group_by(OfferRecord.offer)
    if date_from is not None:
        query = query.where(OfferRecord.created_at >= datetime.combine(date_from, time()))
    if date_to is not None:
        query = query.where(OfferRecord.created_at
                            < datetime.combine(date_to + timedelta(days=1), time()))
    return [(offer, n_made or 0, n_accepted or 0)
            for offer, n_made, n_accepted in db.execute(query.order_by(OfferRecord.offer))]


def _days(found: dict[int, Day], date_from: date | None, date_to: date | None) -> list[Day]:
    """Every day of the period, days without conversations included; without a period, the
    latest ``DAYS_SHOWN`` days up to the last day with a conversation."""
    if not found and (date_from is None or date_to is None):
        return []
    last = date_to or date.fromordinal(EPOCH_DAY + max(found))
    first = date_from or max(date.fromordinal(EPOCH_DAY + min(found)),
                             last - timedelta(days=DAYS_SHOWN - 1))
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        days.append(found.get(day.toordinal() - EPOCH_DAY, Day(day)))
    return days


def figures(db: Session, date_from: date | None = None, date_to: date | None = None) -> Figures:
    """Every figure of the overview page, for the conversations started from ``date_from`` to
    ``date_to`` (inclusive, UTC; None: no limit)."""
    score = latest_scores_query()
    stages = [tuple(row) for row in db.execute(
        sa.select(score.c.stage, sa.func.count()).group_by(score.c.stage).order_by(score.c.stage))]
    offers = _offers(db, date_from, date_to)
    if not has_events(db):
        return Figures(False, 0, _days({}, date_from, date_to),
                       [(label, 0) for label, _ in ONBOARDING_STEPS], None, stages, offers,
                       None, 0)
    dialect = dialect_of(db)
    rows = listing(dialect)
    period = []
    if date_from is not None:
        period.append(rows.c.started >= epoch(datetime.combine(date_from, time())))
    if date_to is not None:
        period.append(rows.c.started < epoch(datetime.combine(date_to + timedelta(days=1), time())))
    with_messages = rows.c.user_messages > 0
    fallback = sa.func.avg(sa.case((with_messages, sa.cast(rows.c.fallback, sa.Float))))
    measures = (sa.func.count(), sa.func.sum(sa.case((with_messages, 1), else_=0)), fallback,
                sa.func.avg(rows.c.rating), sa.func.count(rows.c.rating))
    day = day_number(dialect, rows.c.started).label("day")
    found = {}
    for number, n, messages, rate, rating, ratings in db.execute(
            sa.select(day, *measures).where(*period).group_by(day)):
        found[int(number)] = Day(date.fromordinal(EPOCH_DAY + int(number)), n, int(messages or 0),
                                 None if rate is None else float(rate),
                                 None if rating is None else float(rating), ratings)
    total, _, fallback_rate, average_rating, ratings = db.execute(
        sa.select(*measures).where(*period)).one()
    return Figures(
        tracked=True,
        conversations=total,
        per_day=_days(found, date_from, date_to),
        funnel=funnel(db, dialect, rows, *period),
        fallback_rate=None if fallback_rate is None else float(fallback_rate),
        stages=stages,
        offers=offers,
        average_rating=None if average_rating is None else float(average_rating),
        ratings=ratings,
    )
