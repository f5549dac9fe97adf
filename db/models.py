"""SQLAlchemy 2 models of the project's own tables.

Rasa's SQL tracker store keeps the conversations in its own ``events`` table in the same database;
the project's tables never reuse that name. Records that regulators may ask for are append-only: a
change writes a new row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


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
    scored_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
