"""Client holdings: the latest snapshot and target of a client, and demo holdings for development.

A portfolio review compares the latest holdings snapshot with the weights of the client's latest
suitability record (their target mix). ``seed_demo_holdings`` gives every client with a web sign-in
but no holdings a target and a snapshot that has drifted from it, so the signed-in chat has a
portfolio to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.accounts import ClientAccount
from db.models import Client, Holding, SuitabilityRecord
from db.suitability import suitability_record
from engine.profile import Goal, IncomeStability, InvestorProfile
from engine.rebalancing import DEFAULT_THRESHOLD, RebalancePlan, rebalance
from engine.recommendation import recommend

#: The conversation id written on records made by the demo seeding rather than by a chat.
DEMO_CONVERSATION = "demo-holdings-seed"
#: A mid-range answer to every risk question: the seeded targets are balanced mixes.
DEMO_RISK_ANSWERS = {
    "loss_reaction": "hold", "max_loss": "loss_20", "return_priority": "balanced_growth",
    "risk_self_view": "calculated", "gamble_choice": "half_2500", "outcome_range": "moderate",
    "experience": "some",
}
#: Age assumed when the CRM has no date of birth, and the amount when it records no assets.
DEFAULT_AGE = 45
DEFAULT_AMOUNT = 25_000.0
#: Typical spread of one asset class's return relative to the portfolio since the last rebalancing
#: (log scale): enough for most demo portfolios to leave a 3 % band, not so much that they look odd.
DEMO_DRIFT_SPREAD = 0.15


@dataclass(frozen=True)
class Snapshot:
    """A client's holdings at ``as_of``: market value (account currency) by asset class."""

    as_of: datetime
    values: dict[str, float]

    @property
    def total(self) -> float:
        return float(sum(self.values.values()))


def utcnow() -> datetime:
    """Now in UTC without a time zone, as the tables store times."""
    return datetime.now(UTC).replace(tzinfo=None)


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


@dataclass(frozen=True)
class Review:
    """A client's latest holdings against their target mix, and the engine's rebalancing plan."""

    snapshot: Snapshot
    targets: dict[str, float]
    plan: RebalancePlan


def current_review(session: Session, client_id: int,
                   threshold: float = DEFAULT_THRESHOLD) -> Snapshot | Review | None:
    """The review of the client's latest snapshot against their latest target.

    Returns None when nothing is held on record, the bare snapshot when there is no target to
    compare it with, and otherwise the review (trades only when drift exceeds ``threshold``).
    """
    snapshot = latest_snapshot(session, client_id)
    if snapshot is None or snapshot.total <= 0:
        return None
    target = latest_target(session, client_id)
    if target is None or not target.weights:
        return snapshot
    targets = dict(target.weights)
    return Review(snapshot, targets, rebalance(snapshot.values, targets, threshold=threshold))


def _age(born: date | None, today: date) -> int:
    if born is None:
        return DEFAULT_AGE
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return int(np.clip(years, 18, 100))


def demo_profile(client: Client, today: date) -> InvestorProfile:
    """A plausible profile for a client the chat has not interviewed: saving for retirement until
    60, drawing an income after, mid-range risk answers, the assets on record invested."""
    age = _age(client.date_of_birth, today)
    return InvestorProfile(
        age=age,
        goal=Goal.retirement if age < 60 else Goal.income,
        initial_amount=client.aum if client.aum and client.aum > 0 else DEFAULT_AMOUNT,
        risk_answers=DEMO_RISK_ANSWERS,
        income_stability=IncomeStability.stable,
    )


def drifted_values(weights: dict[str, float], total: float, seed: int) -> dict[str, float]:
    """Market values after each class of a portfolio rebalanced to ``weights`` earned its own
    return: lognormal relative returns, seeded so that a client always gets the same snapshot."""
    names = sorted(name for name, weight in weights.items() if weight > 0)
    start = np.array([weights[name] for name in names]) * total
    growth = np.exp(np.random.default_rng(seed).normal(0.0, DEMO_DRIFT_SPREAD, len(names)))
    values = start * growth * (total / float((start * growth).sum()))
    return {name: round(float(value), 2) for name, value in zip(names, values, strict=True)}


def seed_demo_holdings(session: Session, *, as_of: datetime | None = None) -> int:
    """Give each client with a web account and no holdings a target and a drifted snapshot.

    Idempotent: a client who already has holdings is left as they are. A client who already has
    a suitability record keeps it as the target. Returns the number of clients seeded.
    """
    as_of = as_of or utcnow()
    held = select(Holding.client_id).distinct()
    clients = session.scalars(
        select(Client).join(ClientAccount, ClientAccount.client_id == Client.id)
        .where(Client.id.not_in(held)).order_by(Client.id)
    ).all()
    for client in clients:
        target = latest_target(session, client.id)
        if target is None:
            rec = recommend(demo_profile(client, as_of.date()))
            target = suitability_record(rec, conversation_id=DEMO_CONVERSATION,
                                        client_id=client.id, trigger="demo_seed")
            session.add(target)
        total = client.aum if client.aum and client.aum > 0 else DEFAULT_AMOUNT
        for asset_class, value in drifted_values(target.weights, total, client.id).items():
            session.add(Holding(client_id=client.id, asset_class=asset_class, market_value=value,
                                as_of=as_of))
    session.flush()
    return len(clients)
