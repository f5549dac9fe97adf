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


class SuitabilityRecord(Base):
    """One recommendation as shown to a person: what went in, what came out, and when (append-only).

    A later recommendation in the same conversation (a what-if, corrected answers) is a new row, so
    each key stage can be reconstituted (MiFID II Delegated Regulation 2017/565 Art 72).
    """

    __tablename__ = "suitability_records"
    __table_args__ = (Index("ix_suitability_records_conversation", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    inputs: Mapped[dict] = mapped_column(JSON)
    risk_score: Mapped[float] = mapped_column(Float)
    willingness: Mapped[float] = mapped_column(Float)
    capacity: Mapped[float] = mapped_column(Float)
    flags: Mapped[list] = mapped_column(JSON)
    answers_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    weights: Mapped[dict] = mapped_column(JSON)
    groups: Mapped[dict] = mapped_column(JSON)
    expected_return: Mapped[float] = mapped_column(Float)
    volatility: Mapped[float] = mapped_column(Float)
    bad_year: Mapped[float] = mapped_column(Float)
    probability_of_target: Mapped[float | None] = mapped_column(Float)
    disclosures: Mapped[list] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(String(64))
    assumptions_version: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(32), default="onboarding")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class OfferRecord(Base):
    """An offer the bot made to a client and the client's answer, if any (append-only: an answer
    is a new row pointing at the offer)."""

    __tablename__ = "offer_records"
    __table_args__ = (Index("ix_offer_records_conversation", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    offer: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(String(32))
    answers_offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer_records.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class SurveyAnswer(Base):
    """One answer to a survey question: a satisfaction rating or an exit-feedback reason."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_conversation", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    survey: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class HandoffRequest(Base):
    """A request for a human adviser to take over a conversation, for the staff queue."""

    __tablename__ = "handoff_requests"
    __table_args__ = (Index("ix_handoff_requests_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    reason: Mapped[str] = mapped_column(String(64))
    last_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Holding(Base):
    """The market value of one asset class in a client's portfolio at one instant (append-only).

    A snapshot is every row of a client with the same ``as_of``; a newer valuation is a new
    snapshot, so earlier ones stay for review. ``market_value`` is in the account currency.
    """

    __tablename__ = "holdings"
    __table_args__ = (Index("ix_holdings_client_as_of", "client_id", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    asset_class: Mapped[str] = mapped_column(String(64))
    market_value: Mapped[float] = mapped_column(Float)
    as_of: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
