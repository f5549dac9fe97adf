"""Figures for the staff overview page, each with the bars of its chart.

Bars carry their length in SVG user units (0 to ``BAR_WIDTH``) so that the template draws them as
``<rect>`` elements: no inline styles, which the Content-Security-Policy forbids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.conversations import ONBOARDING_STEPS, Summary, latest_stages, summaries
from db.models import OfferRecord

BAR_WIDTH = 300.0


@dataclass
class Bar:
    label: str
    value: float
    length: float
    note: str = ""


def bars(counts: list[tuple[str, float]], note=lambda value: "") -> list[Bar]:
    top = max((v for _, v in counts), default=0) or 1
    return [Bar(label, value, BAR_WIDTH * value / top, note(value)) for label, value in counts]


@dataclass
class Overview:
    conversations: int
    per_day: list[Bar]
    funnel: list[Bar]
    fallback_rate: float | None
    stages: list[Bar]
    offers: list[Bar]
    average_rating: float | None
    ratings: int


def funnel(items: list[Summary]) -> list[tuple[str, float]]:
    prospects = [s for s in items if s.user_messages and s.audience == "prospect"]
    return [(label, sum(1 for s in prospects if slot is None or slot in s.slots))
            for label, slot in ONBOARDING_STEPS]


def overview(db: Session) -> Overview:
    items = summaries(db)
    per_day = sorted(Counter(s.started.date().isoformat() for s in items).items())[-30:]
    with_messages = [s for s in items if s.user_messages]
    fallback_rate = (sum(s.fallback for s in with_messages) / len(with_messages)
                     if with_messages else None)
    stages = sorted(Counter(latest_stages(db).values()).items())
    offers = db.execute(sa.select(OfferRecord.offer, OfferRecord.answer)).all()
    made = Counter(offer for offer, answer in offers if answer is None)
    accepted = Counter(offer for offer, answer in offers if answer == "accepted")
    offer_rows = []
    for offer in sorted(set(made) | set(accepted)):
        offer_rows += [(f"{offer}: made", made[offer]), (f"{offer}: accepted", accepted[offer])]
    ratings = [s.rating for s in items if s.rating is not None]
    started = max(1, funnel(items)[0][1])
    return Overview(
        conversations=len(items),
        per_day=bars(per_day),
        funnel=bars(funnel(items), note=lambda v: f"{100 * v / started:.0f} %"),
        fallback_rate=fallback_rate,
        stages=bars(stages),
        offers=bars(offer_rows),
        average_rating=sum(ratings) / len(ratings) if ratings else None,
        ratings=len(ratings),
    )
