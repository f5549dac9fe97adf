"""Client holdings: portfolio snapshots by asset class, and the target mix they are reviewed against.

A portfolio review compares the latest holdings snapshot with the weights of the client's latest
suitability record (their target mix).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.accounts import ClientAccount
from db.base import Base, written_at
from db.clients import Client
from db.conversations import SuitabilityRecord


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
    created_at: Mapped[datetime] = written_at()


@dataclass(frozen=True)
class Snapshot:
    """A client's holdings at ``as_of``: market value (account currency) by asset class."""

    as_of: datetime
    values: dict[str, float]

    @property
    def total(self) -> float:
        return float(sum(self.values.values()))


def latest_snapshot(session: Session, client_id: int) -> Snapshot | None:
    """The client's most recent holdings snapshot, or None when nothing is held on record."""
    as_of = session.scalar(select(func.max(Holding.as_of)).where(Holding.client_id == client_id))
    if as_of is None:
        return None
    rows = session.execute(
        select(Holding.asset_class, Holding.market_value)
        .where(Holding.client_id == client_id, Holding.as_of == as_of)
    ).all()
    values: dict[str, float] = {}
    for asset_class, value in rows:
        values[asset_class] = values.get(asset_class, 0.0) + float(value)
    return Snapshot(as_of=as_of, values=values)


def latest_target(session: Session, client_id: int) -> SuitabilityRecord | None:
    """The client's most recent suitability record: its weights are the target mix."""
    return session.scalars(
        select(SuitabilityRecord)
        .where(SuitabilityRecord.client_id == client_id)
        .order_by(SuitabilityRecord.created_at.desc(), SuitabilityRecord.id.desc())
        .limit(1)
    ).first()


def account_holders_without_holdings(session: Session) -> list[Client]:
    """Clients with a web sign-in and no holdings on record, by id."""
    held = select(Holding.client_id).distinct()
    return list(session.scalars(
        select(Client).join(ClientAccount, ClientAccount.client_id == Client.id)
        .where(Client.id.not_in(held)).order_by(Client.id)))
