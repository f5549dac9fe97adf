"""The staff overview page's charts: the figures of ``db.overview``, each with the bars of its chart.

Bars carry their length in SVG user units (0 to ``BAR_WIDTH``) so that the template draws them as
``<rect>`` elements: no inline styles, which the Content-Security-Policy forbids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.exit_interviews import ExitSummary, summary
from db.overview import figures

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
    exits: ExitSummary
    exit_reasons: list[Bar]


def overview(db: Session) -> Overview:
    found = figures(db)
    exits = summary(db)
    # The funnel's steps are shown as a share of the conversations that started it.
    first = max(1, found.funnel[0][1]) if found.tracked else None
    return Overview(
        conversations=found.conversations,
        per_day=bars(found.per_day),
        funnel=bars(found.funnel) if first is None else bars(
            found.funnel, note=lambda v: f"{100 * v / first:.0f} %"),
        fallback_rate=found.fallback_rate,
        stages=bars(found.stages),
        offers=bars(found.offers),
        average_rating=found.average_rating,
        ratings=found.ratings,
        exits=exits,
        exit_reasons=bars(exits.reasons),
    )
