"""What a conversation leaves on record: recommendations (suitability records), offers and the
client's answers, survey answers, and requests for a human adviser.

Each is keyed by the conversation id (Rasa's ``sender_id``) and, when the client signed in, the
client id. All are append-only: a later change is a new row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base, written_at


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
    #: The limits that bound the mix (policy caps, the stated loss tolerance), as codes and figures.
    binding_constraints: Mapped[list | None] = mapped_column(JSON, nullable=True)
    #: What the mix did in market history (engine.history), and the version of that data.
    history: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    history_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    trigger: Mapped[str] = mapped_column(String(32), default="onboarding")
    created_at: Mapped[datetime] = written_at()


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
    created_at: Mapped[datetime] = written_at()


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
    created_at: Mapped[datetime] = written_at()


class HandoffRequest(Base):
    """A request for a human adviser to take over a conversation, for the staff queue."""

    __tablename__ = "handoff_requests"
    __table_args__ = (Index("ix_handoff_requests_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    reason: Mapped[str] = mapped_column(String(64))
    last_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = written_at()


@dataclass(frozen=True)
class ConversationRecords:
    """Everything one conversation left on record, each kind oldest first."""

    recommendations: list[SuitabilityRecord]
    offers: list[OfferRecord]
    surveys: list[SurveyAnswer]
    handoffs: list[HandoffRequest]


def conversation_records(db: Session, conversation_id: str) -> ConversationRecords:
    """The recommendations, offers and answers, survey answers and handoff requests of one
    conversation."""
    def of(model):
        return list(db.scalars(select(model).where(model.conversation_id == conversation_id)
                               .order_by(model.created_at, model.id)))

    return ConversationRecords(of(SuitabilityRecord), of(OfferRecord), of(SurveyAnswer),
                               of(HandoffRequest))


def offers_made(db: Session, client_id: int) -> list[tuple[int, str, datetime]]:
    """The offers made to a client so far (answers left out), each as (client id, offer, when)."""
    return [tuple(row) for row in db.execute(
        select(OfferRecord.client_id, OfferRecord.offer, OfferRecord.created_at)
        .where(OfferRecord.client_id == client_id, OfferRecord.answer.is_(None)))]
