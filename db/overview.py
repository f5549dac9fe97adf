"""Figures for the staff overview page: SQL aggregates over the conversation listing.

Every figure is computed in the database (``db.conversation_list.listing``), so the page does not
read the events into Python. The web app turns the counts into charts (``bot.console.overview``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.clients import latest_scores_query
from db.conversation_list import ONBOARDING_STEPS, listing
from db.conversations import OfferRecord, SuitabilityRecord
from db.tracker_events import EVENTS, day_number, dialect_of, has_events, json_text

#: Days shown in the conversations-per-day chart (the most recent days with conversations).
DAYS_SHOWN = 30


@dataclass
class Figures:
    """The overview's figures; each list holds (label, count) in the order it is shown.
    ``tracked`` is False until Rasa has created its events table (no conversation yet)."""

    tracked: bool
    conversations: int
    per_day: list[tuple[str, float]]
    funnel: list[tuple[str, float]]
    fallback_rate: float | None
    stages: list[tuple[str, float]]
    offers: list[tuple[str, float]]
    average_rating: float | None
    ratings: int


def funnel(db: Session, dialect: str, rows) -> list[tuple[str, float]]:
    """Prospect conversations with a message, and how many reached each onboarding step."""
    prospects = (sa.select(rows.c.conversation_id)
                 .where(rows.c.client_id.is_(None), rows.c.user_messages > 0))
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


def _offers(db: Session) -> list[tuple[str, float]]:
    made = sa.func.sum(sa.case((OfferRecord.answer.is_(None), 1), else_=0))
    accepted = sa.func.sum(sa.case((OfferRecord.answer == "accepted", 1), else_=0))
    rows = []
    for offer, n_made, n_accepted in db.execute(
            sa.select(OfferRecord.offer, made, accepted).group_by(OfferRecord.offer)
            .order_by(OfferRecord.offer)):
        rows += [(f"{offer}: made", n_made or 0), (f"{offer}: accepted", n_accepted or 0)]
    return rows


def figures(db: Session) -> Figures:
    """Every figure of the overview page."""
    score = latest_scores_query()
    stages = [tuple(row) for row in db.execute(
        sa.select(score.c.stage, sa.func.count()).group_by(score.c.stage).order_by(score.c.stage))]
    offers = _offers(db)
    if not has_events(db):
        return Figures(False, 0, [], [(label, 0) for label, _ in ONBOARDING_STEPS], None, stages, offers,
                       None, 0)
    dialect = dialect_of(db)
    rows = listing(dialect)
    day = day_number(dialect, rows.c.started).label("day")
    per_day = db.execute(sa.select(day, sa.func.count()).group_by(day)
                         .order_by(day.desc()).limit(DAYS_SHOWN)).all()
    with_messages = rows.c.user_messages > 0
    total, fallback_rate, average_rating, ratings = db.execute(sa.select(
        sa.func.count(),
        sa.func.avg(sa.case((with_messages, sa.cast(rows.c.fallback, sa.Float)))),
        sa.func.avg(rows.c.rating), sa.func.count(rows.c.rating))).one()
    return Figures(
        tracked=True,
        conversations=total,
        per_day=[(date.fromordinal(date(1970, 1, 1).toordinal() + d).isoformat(), n)
                 for d, n in reversed(per_day)],
        funnel=funnel(db, dialect, rows),
        fallback_rate=None if fallback_rate is None else float(fallback_rate),
        stages=stages,
        offers=offers,
        average_rating=None if average_rating is None else float(average_rating),
        ratings=ratings,
    )
