"""The conversation's records in the project's database: clients read, records appended, and the
client's portfolio read for review.

The database is the one ``DATABASE_URL`` names (db.session); its engine is made once per URL so
that the action server keeps one connection pool. The queries are db's; what is done with them
(the engine's rebalancing of a portfolio review) is decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import automation
from db.base import Base
from db.clients import Client, LifecycleScore, latest_score
from db.holdings import Snapshot, latest_snapshot, latest_target
from db.session import database_url, make_engine, session_scope
from engine.rebalancing import DEFAULT_THRESHOLD, RebalancePlan, rebalance


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    return _engine(database_url())


def append(record: Base) -> int:
    """Write one new row and return its id (records are never updated)."""
    with session_scope(engine()) as session:
        session.add(record)
        session.flush()
        return record.id


def append_with(record: Base, beside: Callable[[int], Base] | None) -> int:
    """Write ``record`` and, in the same transaction, the row ``beside`` makes of its id (when
    given); return the first one's id (records are never updated)."""
    with session_scope(engine()) as session:
        session.add(record)
        session.flush()
        if beside is not None:
            session.add(beside(record.id))
        return record.id


def recommendations_suspended() -> bool:
    """Whether an admin has suspended automated recommendations (the stop switch, db.automation)."""
    with session_scope(engine()) as session:
        return automation.recommendations_suspended(session)


def client(client_id: int) -> Client | None:
    with session_scope(engine()) as session:
        return session.get(Client, client_id)


def latest_stage(client_id: int) -> LifecycleScore | None:
    """The client's most recent lifecycle score, or None if they were never scored."""
    with session_scope(engine()) as session:
        return latest_score(session, client_id)


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
