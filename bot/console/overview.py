"""The staff overview page's charts: the figures of ``db.overview`` laid out for SVG.

Each chart carries its geometry in SVG user units, drawn at its natural size (the page does not
shrink it, so 13px labels stay 13px), its axes with ticks, and its figures as a table (``columns``
and ``rows``) for the table view and the CSV download. No inline styles: the Content-Security-
Policy forbids them, so the template draws ``<rect>``, ``<line>`` and ``<text>`` with classes.

Labels made here (the funnel's steps, the offers' "made" and "accepted") are said in the page's
language through the catalogs (``words``), so the chart, its description, its table and its CSV
agree; codes (lifecycle stages, offers, exit reasons) are shown as they are stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.support import NullTranslations
from sqlalchemy.orm import Session

from bot.i18n import N_
from db.exit_interviews import ExitSummary, summary
from db.overview import Day, figures
from engine.lifecycle.feedback import RATING_SCALE

#: Horizontal bar charts: label column, bar area, value column, row height (SVG units).
LABEL_WIDTH, BAR_AREA, VALUE_WIDTH, ROW = 210.0, 330.0, 110.0, 28.0
#: Per-day charts: margins, and the width of one day within these bounds.
LEFT, RIGHT, TOP, BOTTOM = 64.0, 20.0, 30.0, 56.0
PLOT_HEIGHT, DAY_MIN, DAY_MAX, PLOT_TARGET = 200.0, 8.0, 48.0, 640.0


#: The onboarding funnel's steps (``db.conversation_list.ONBOARDING_STEPS``' labels), for the
#: catalogs.
FUNNEL_STEPS = (N_("Started"), N_("Age given"), N_("Goal given"), N_("Horizon given"),
                N_("Recommendation shown"))


@dataclass
class Tick:
    at: float  # position along its axis, in SVG units
    label: str


@dataclass
class Bar:
    label: str
    value: float
    length: float
    y: float
    note: str = ""

    @property
    def shown(self) -> str:
        return _number(self.value) + (f" ({self.note})" if self.note else "")


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass
class Chart:
    """One chart: ``kind`` "bars" (horizontal, by category) or "days" (columns or a line by day)."""

    key: str
    kind: str
    width: float
    height: float
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    day_columns: list[Column] = field(default_factory=list)
    lines: list[list[tuple[float, float]]] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, top, right, bottom

    @property
    def empty(self) -> bool:
        return not self.bars and not any(self.lines) and not any(c.value for c in self.day_columns)

    def described(self) -> str:
        """The chart's figures in one line, for its ``aria-label``."""
        if self.kind == "bars":
            return "; ".join(f"{b.label} {_number(b.value)}" + (f" ({b.note})" if b.note else "")
                             for b in self.bars)
        return "; ".join(f"{c.label} {_number(c.value)}" for c in self.day_columns)


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def nice_ticks(top: float, count: int = 5, whole: bool = True) -> list[float]:
    """Round tick values from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 times a power of 10."""
    top = top if top > 0 else 1.0
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, math.ceil(step))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def bar_chart(key: str, counts: list[tuple[str, float]], columns: tuple[str, ...],
              rows: list[tuple] | None = None, note=lambda value: "") -> Chart:
    """Horizontal bars with a value axis below them."""
    ticks = nice_ticks(max((v for _, v in counts), default=0))
    scale = BAR_AREA / ticks[-1]
    bars = [Bar(label, value, value * scale, TOP + i * ROW, note(value))
            for i, (label, value) in enumerate(counts)]
    bottom = TOP + len(bars) * ROW
    return Chart(key, "bars", LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, bottom + 44, columns,
                 rows if rows is not None else [(b.label, b.value) for b in bars], bars=bars,
                 x_ticks=[Tick(LABEL_WIDTH + t * scale, _number(t)) for t in ticks],
                 plot=(LABEL_WIDTH, TOP, LABEL_WIDTH + BAR_AREA, bottom))


def _day_axis(days: list[Day]) -> tuple[float, float, list[Tick]]:
    step = min(DAY_MAX, max(DAY_MIN, PLOT_TARGET / max(1, len(days))))
    every = max(1, math.ceil(len(days) / 10))
    ticks = [Tick(LEFT + (i + 0.5) * step, d.day.strftime("%m-%d"))
             for i, d in enumerate(days) if i % every == 0]
    return step, LEFT + len(days) * step + RIGHT, ticks


def day_chart(key: str, days: list[Day], value, columns: tuple[str, ...], row,
              *, line: bool = False, low: float = 0.0, high: float | None = None,
              percent: bool = False) -> Chart:
    """One value per day, as columns or (``line``) as a line broken where a day has no value."""
    step, width, x_ticks = _day_axis(days)
    values = [value(d) for d in days]
    known = [v for v in values if v is not None]
    if high is None:
        ticks = nice_ticks(max(known, default=0), whole=not percent)
    else:
        ticks = [low + i * (high - low) / 4 for i in range(5)]
    top_value = ticks[-1]
    bottom = TOP + PLOT_HEIGHT

    def y(v: float) -> float:
        return bottom - (v - low) / ((top_value - low) or 1) * PLOT_HEIGHT

    y_ticks = [Tick(y(t), f"{t * 100:.0f} %" if percent else _number(t)) for t in ticks]
    chart = Chart(key, "days", width, bottom + BOTTOM, columns, [row(d) for d in days],
                  x_ticks=x_ticks, y_ticks=y_ticks, plot=(LEFT, TOP, width - RIGHT, bottom))
    segment: list[tuple[float, float]] = []
    for i, (d, v) in enumerate(zip(days, values, strict=True)):
        label = d.day.isoformat()
        if v is None:
            if segment:
                chart.lines.append(segment)
            segment = []
            continue
        x = LEFT + (i + 0.5) * step
        chart.day_columns.append(Column(LEFT + i * step + step * 0.15, y(v), step * 0.7,
                                        bottom - y(v), label, v))
        segment.append((x, y(v)))
    if segment:
        chart.lines.append(segment)
    if not line:
        chart.lines = []
    return chart


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@dataclass
class Overview:
    conversations: int
    fallback_rate: float | None
    average_rating: float | None
    ratings: int
    exits: ExitSummary
    charts: dict[str, Chart]
    date_from: date | None
    date_to: date | None


def overview(db: Session, date_from: date | None = None, date_to: date | None = None,
             words: NullTranslations | None = None) -> Overview:
    """The overview's figures and charts; labels in the language of ``words`` (English without)."""
    say = (words or NullTranslations()).gettext
    found = figures(db, date_from, date_to)
    exits = summary(db)
    days = found.per_day
    # The funnel's steps are shown as a share of the conversations that started it.
    first = found.funnel[0][1] if found.tracked else 0
    share = (lambda v: f"{100 * v / first:.0f} %") if first else (lambda v: "")
    steps = [(say(label), n) for label, n in found.funnel]
    offers = [(say(what) % {"offer": offer}, n) for offer, made, accepted in found.offers
              for what, n in ((N_("%(offer)s: made"), made), (N_("%(offer)s: accepted"), accepted))]
    charts = [
        day_chart("conversations", days, lambda d: d.conversations,
                  ("day", "conversations"), lambda d: (d.day.isoformat(), d.conversations)),
        day_chart("fallback_rate", days, lambda d: d.fallback_rate,
                  ("day", "conversations_with_messages", "fallback_rate"),
                  lambda d: (d.day.isoformat(), d.with_messages, _rate(d.fallback_rate)),
                  line=True, high=1.0, percent=True),
        day_chart("ratings", days, lambda d: d.average_rating,
                  ("day", "ratings", "average_rating"),
                  lambda d: (d.day.isoformat(), d.ratings, _rate(d.average_rating)),
                  line=True, low=RATING_SCALE.low, high=RATING_SCALE.high),
        bar_chart("funnel", steps, ("step", "prospects", "share_of_started"),
                  [(label, n, share(n)) for label, n in steps], note=share),
        bar_chart("stages", found.stages, ("stage", "clients")),
        bar_chart("offers", offers, ("offer", "made", "accepted"),
                  [(offer, made, accepted) for offer, made, accepted in found.offers]),
        bar_chart("exit_reasons", exits.reasons, ("reason", "interviews")),
    ]
    return Overview(found.conversations, found.fallback_rate, found.average_rating,
                    found.ratings, exits, {c.key: c for c in charts}, date_from, date_to)


#: The overview's ready-made periods: this many days up to today.
PERIOD_DAYS = (7, 30, 90)
#: The longest period the per-day charts draw day by day.
LONGEST_PERIOD = 366


def chosen_period(days: str, date_from: str, date_to: str, today: date
                  ) -> tuple[date | None, date | None]:
    """The overview's period from its form: the last ``days`` days, or from and to (either may
    be left out), or every day (None, None). ValueError names what it cannot use."""
    if days:
        if date_from or date_to:
            raise ValueError("days: choose a number of days or the dates (from, to), not both")
        if not days.isdigit() or int(days) not in PERIOD_DAYS:
            raise ValueError(f"days: {days!r} is not one of {', '.join(map(str, PERIOD_DAYS))}")
        return today - timedelta(days=int(days) - 1), today
    first, last = _day("date_from", date_from), _day("date_to", date_to)
    if first is not None and last is None:
        last = today
    if first is not None and last is not None:
        if first > last:
            raise ValueError("date_to: the last day comes before the first")
        if (last - first).days + 1 > LONGEST_PERIOD:
            raise ValueError(f"date_to: a period is at most {LONGEST_PERIOD} days")
    return first, last


def _day(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{name}: cannot read {value!r} as a date (YYYY-MM-DD)") from exc
