"""Demo holdings: every demo client with a web sign-in gets a target mix and a portfolio that has
drifted from it, so the signed-in chat has a portfolio to review.

The target is the engine's recommendation for a plausible profile of the client (their age and
assets on record, mid-range risk answers), kept as a suitability record like any other.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
from sqlalchemy.orm import Session

from db.clients import Client
from db.clock import utcnow
from db.holdings import Holding, account_holders_without_holdings, latest_target
from db.suitability import suitability_record
from engine.profile import AGE_RANGE, Goal, IncomeStability, InvestorProfile
from engine.questionnaire import middle_answers
from engine.recommendation import recommend

#: The conversation id written on records made by the demo seeding rather than by a chat.
DEMO_CONVERSATION = "demo-holdings-seed"
#: Age assumed when the CRM has no date of birth, and the amount when it records no assets.
DEFAULT_AGE = 45
DEFAULT_AMOUNT = 25_000.0
#: Typical spread of one asset class's return relative to the portfolio since the last rebalancing
#: (log scale): enough for most demo portfolios to leave a 3 % band, not so much that they look odd.
DEMO_DRIFT_SPREAD = 0.15


def _age(born: date | None, today: date) -> int:
    if born is None:
        return DEFAULT_AGE
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return int(np.clip(years, AGE_RANGE.low, AGE_RANGE.high))


def demo_profile(client: Client, today: date) -> InvestorProfile:
    """A plausible profile for a client the chat has not interviewed: saving for retirement until
    60, drawing an income after, mid-range risk answers, the assets on record invested."""
    age = _age(client.date_of_birth, today)
    return InvestorProfile(
        age=age,
        goal=Goal.retirement if age < 60 else Goal.income,
        initial_amount=client.aum if client.aum and client.aum > 0 else DEFAULT_AMOUNT,
        # The middle answer to every risk question: the seeded targets are balanced mixes.
        risk_answers=middle_answers(),
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
    clients = account_holders_without_holdings(session)
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
