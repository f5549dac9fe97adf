"""The suitability record of a market with suitability rules (MARKET=cn): for every recommendation
shown, the client's class, the mix's grade, whether they match, the warnings shown, the
confirmations given, the questionnaire and assumptions versions, and the time.

Append-only, as the rules on keeping suitability records ask (证券期货投资者适当性管理办法): a row
is never updated or deleted. The ORM refuses both (:class:`AppendOnlyError`), and triggers made by
the migration (0010) refuse them in the database itself, whoever writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    event,
    select,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base, written_at

if TYPE_CHECKING:  # db reads the engine's results; it runs none of the engine's rules
    from engine.suitability.advice import SuitableRecommendation

TABLE = "market_suitability_records"


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove a row of an append-only record."""


class MarketSuitabilityRecord(Base):
    """The suitability of one recommendation as shown: class, grade, match, warnings shown and
    confirmations given (append-only)."""

    __tablename__ = TABLE
    __table_args__ = (Index("ix_market_suitability_records_recommendation", "recommendation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("suitability_records.id"))
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    market: Mapped[str] = mapped_column(String(8))
    rules_version: Mapped[str] = mapped_column(String(64))
    investor_class: Mapped[str] = mapped_column(String(2))
    lowest_category: Mapped[bool] = mapped_column(Boolean)
    portfolio_grade: Mapped[str] = mapped_column(String(2))
    allowed_grade: Mapped[str] = mapped_column(String(2))
    matched: Mapped[bool] = mapped_column(Boolean)
    warnings_shown: Mapped[list] = mapped_column(JSON)
    confirmations: Mapped[list] = mapped_column(JSON)
    #: True when a warning was shown and a confirmation given before the mix was shown.
    after_warning: Mapped[bool] = mapped_column(Boolean)
    questionnaire_version: Mapped[str] = mapped_column(String(64))
    assumptions_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = written_at()


@event.listens_for(MarketSuitabilityRecord, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyError(f"{TABLE} is append-only: row {target.id} cannot be changed")


@event.listens_for(MarketSuitabilityRecord, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyError(f"{TABLE} is append-only: row {target.id} cannot be deleted")


def market_suitability_record(rec: SuitableRecommendation, *, recommendation_id: int,
                              conversation_id: str,
                              client_id: int | None) -> MarketSuitabilityRecord:
    """The record of ``rec``'s suitability, beside its recommendation's record
    (``recommendation_id``, a row of suitability_records); not yet added to a session."""
    s = rec.suitability
    return MarketSuitabilityRecord(
        recommendation_id=recommendation_id, conversation_id=conversation_id,
        client_id=client_id, market=s.market, rules_version=s.rules_version,
        investor_class=s.investor_class, lowest_category=s.lowest_category,
        portfolio_grade=s.portfolio_grade, allowed_grade=s.allowed_grade, matched=s.matched,
        warnings_shown=list(s.warnings_shown), confirmations=list(s.confirmations),
        after_warning=bool(s.warnings_shown) and bool(s.confirmations),
        questionnaire_version=rec.questionnaire_version,
        assumptions_version=rec.assumptions_version,
    )


def suitability_of(session: Session, recommendation_ids: list[int]
                   ) -> dict[int, MarketSuitabilityRecord]:
    """The suitability record of each recommendation that has one, by recommendation id."""
    if not recommendation_ids:
        return {}
    rows = session.scalars(select(MarketSuitabilityRecord).where(
        MarketSuitabilityRecord.recommendation_id.in_(recommendation_ids)))
    return {row.recommendation_id: row for row in rows}


def conversations_after_warning(session: Session) -> set[str]:
    """The conversations with a recommendation made after a warning and a confirmation."""
    return set(session.scalars(select(MarketSuitabilityRecord.conversation_id).where(
        MarketSuitabilityRecord.after_warning.is_(true())).distinct()))
