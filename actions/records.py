"""The conversation's records in the project's database: clients read, records appended.

The database is the one ``DATABASE_URL`` names (db.session); its engine is made once per URL so
that the action server keeps one connection pool.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, select

from db.models import Base, Client, LifecycleScore
from db.session import database_url, make_engine, session_scope


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


def client(client_id: int) -> Client | None:
    with session_scope(engine()) as session:
        return session.get(Client, client_id)


def latest_stage(client_id: int) -> LifecycleScore | None:
    """The client's most recent lifecycle score, or None if they were never scored."""
    query = (
        select(LifecycleScore)
        .where(LifecycleScore.client_id == client_id)
        .order_by(LifecycleScore.scored_at.desc(), LifecycleScore.id.desc())
        .limit(1)
    )
    with session_scope(engine()) as session:
        return session.scalars(query).first()
