"""Clients as the CRM knows them, what they did, and their lifecycle scores.

A client's lifecycle scores are append-only: each scoring run adds a row, so the history stays for
review. "A client's latest score" has one meaning everywhere (the chat's greeting, the staff list,
the overview, the client API, the demo accounts): the newest ``scored_at``, and among scores
written at the same instant the highest id, i.e. the later insert (``NEWEST_SCORE_FIRST``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Subquery,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base, written_at


class Client(Base):
    """A client or prospect of the firm, as the CRM knows them."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    segment: Mapped[str] = mapped_column(String(32), default="retail")
    first_funded_at: Mapped[datetime | None] = mapped_column(DateTime)
    aum: Mapped[float] = mapped_column(Float, default=0.0)
    products: Mapped[str] = mapped_column(String(400), default="")
    last_review_at: Mapped[datetime | None] = mapped_column(DateTime)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)


class ClientEvent(Base):
    """One thing a client did: a deposit, withdrawal, trade, login, contact, complaint or review."""

    __tablename__ = "client_events"
    __table_args__ = (Index("ix_client_events_client_time", "client_id", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    timestamp: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float, default=0.0)


class LifecycleScore(Base):
    """A client's lifecycle stage, churn risk and next-best action as scored on one day (append-only)."""

    __tablename__ = "lifecycle_scores"
    __table_args__ = (Index("ix_lifecycle_scores_client_scored", "client_id", "scored_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    as_of: Mapped[datetime] = mapped_column(DateTime)
    stage: Mapped[str] = mapped_column(String(16))
    churn_risk: Mapped[float] = mapped_column(Float)
    expected_value: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text, default="")
    next_best_action: Mapped[str | None] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime] = written_at()


#: The order that makes a client's first score its latest: newest scored_at, then highest id.
NEWEST_SCORE_FIRST = (LifecycleScore.scored_at.desc(), LifecycleScore.id.desc())


def latest_score_select(client_id) -> Select:
    """The newest score of ``client_id``, a value or a column of an enclosing query (then it is
    a correlated subquery: one index lookup per outer row, on SQLite and PostgreSQL alike)."""
    return (select(LifecycleScore).where(LifecycleScore.client_id == client_id)
            .order_by(*NEWEST_SCORE_FIRST).limit(1))


def latest_score(session: Session, client_id: int) -> LifecycleScore | None:
    """The client's most recent lifecycle score, or None if they were never scored."""
    return session.scalars(latest_score_select(client_id)).first()


def latest_stage(client_id):
    """The stage of the newest score of ``client_id`` as a scalar subquery (NULL if unscored)."""
    return latest_score_select(client_id).with_only_columns(LifecycleScore.stage).scalar_subquery()


def latest_scores_query() -> Subquery:
    """Every scored client's newest score, one row per client with every column of the table."""
    rank = func.row_number().over(partition_by=LifecycleScore.client_id,
                                  order_by=NEWEST_SCORE_FIRST).label("newness")
    ranked = select(*LifecycleScore.__table__.columns, rank).subquery("ranked_scores")
    columns = [ranked.c[column.name] for column in LifecycleScore.__table__.columns]
    return select(*columns).where(ranked.c.newness == 1).subquery("latest_score")


def latest_stages(session: Session) -> list[tuple[int, str]]:
    """Every scored client with the stage of its latest score: (client_id, stage), by client id."""
    latest = latest_scores_query()
    return [(client_id, stage) for client_id, stage in session.execute(
        select(latest.c.client_id, latest.c.stage).order_by(latest.c.client_id))]


def score_history(session: Session, client_id: int) -> list[LifecycleScore]:
    """Every score of the client, oldest first (so the last one is ``latest_score``)."""
    return list(session.scalars(
        select(LifecycleScore).where(LifecycleScore.client_id == client_id)
        .order_by(LifecycleScore.scored_at, LifecycleScore.id)))  # NEWEST_SCORE_FIRST reversed


#: The kinds of activity the website records as a client uses it: signing in, and each chat turn.
LIVE_ACTIVITY = ("login", "contact")


def record_activity(session: Session, client_id: int, kind: str, at: datetime) -> ClientEvent:
    """Add one event of the client's own use of the website (``LIVE_ACTIVITY``) at ``at``."""
    if kind not in LIVE_ACTIVITY:
        raise ValueError(f"kind {kind!r} is not website activity; expected one of "
                         f"{', '.join(LIVE_ACTIVITY)}")
    event = ClientEvent(client_id=client_id, timestamp=at, kind=kind, amount=0.0)
    session.add(event)
    session.flush()
    return event


def events_of(session: Session, client_id: int, until: datetime) -> list[tuple[datetime, str, float]]:
    """The client's events up to ``until``, oldest first: (timestamp, kind, amount)."""
    return [tuple(row) for row in session.execute(
        select(ClientEvent.timestamp, ClientEvent.kind, ClientEvent.amount)
        .where(ClientEvent.client_id == client_id, ClientEvent.timestamp <= until)
        .order_by(ClientEvent.timestamp, ClientEvent.id))]


def latest_actions(session: Session) -> list[tuple[int, str, str | None]]:
    """Every scored client with the stage and next-best action of its latest score:
    (client_id, stage, next_best_action), by client id."""
    latest = latest_scores_query()
    return [tuple(row) for row in session.execute(
        select(latest.c.client_id, latest.c.stage, latest.c.next_best_action)
        .order_by(latest.c.client_id))]


def last_event_at(session: Session) -> datetime | None:
    """The time of the newest client event, or None when there is none."""
    return session.scalar(select(func.max(ClientEvent.timestamp)))


def shift_history(session: Session, by: timedelta) -> int:
    """Move every client's history ``by`` in time: the clients' dates, their events and the
    ``as_of`` of their lifecycle scores (the offer history cooldowns count from). Returns the
    number of events moved. Row by row in Python, so that it means the same on SQLite (text
    times) and PostgreSQL."""
    moved = 0
    for model, columns in ((Client, ("created_at", "first_funded_at", "last_review_at")),
                           (ClientEvent, ("timestamp",)), (LifecycleScore, ("as_of",))):
        rows = session.execute(select(model.id, *(getattr(model, c) for c in columns))).all()
        updates = [{"id": row[0], **{c: None if value is None else value + by
                                     for c, value in zip(columns, row[1:], strict=True)}}
                   for row in rows]
        if updates:
            session.execute(update(model), updates)
        if model is ClientEvent:
            moved = len(updates)
    return moved
