"""Rasa's ``events`` table, read through a light Core description, and SQL accessors for it.

Rasa's SQL tracker store writes one row per event (sender_id, type_name, timestamp in epoch
seconds, intent_name, action_name, data as JSON text). Rasa, not this project, owns the table, so
it is described here rather than mapped, and until Rasa has run it may not exist. The JSON
accessors compile to ``json_extract`` on SQLite and to ``jsonb`` operators on PostgreSQL, so that
filters run in the database on both.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String), sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String), sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
SECONDS_PER_DAY = 86_400


def event_time(timestamp: float | None) -> datetime:
    """An event's epoch timestamp (seconds) as a naive UTC datetime."""
    return datetime.fromtimestamp(timestamp or 0.0, UTC).replace(tzinfo=None)


def epoch(day: datetime) -> float:
    """A naive UTC datetime as epoch seconds, the unit of ``events.timestamp``."""
    return day.replace(tzinfo=UTC).timestamp()


def event_data(raw: str | None) -> dict:
    """An event's ``data`` column as a dict ({} when it is not a JSON object)."""
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def has_events(db: Session) -> bool:
    return sa.inspect(db.connection()).has_table("events")


def conversation_events(db: Session, conversation_id: str,
                        types: Collection[str]) -> list[tuple[str, float, str | None, str | None, str]]:
    """The conversation's events of the given ``types``, in the order they happened: each as
    (type_name, timestamp, intent_name, action_name, data). None before Rasa made the table."""
    if not has_events(db):
        return []
    return [tuple(row) for row in db.execute(
        sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.intent_name,
                  EVENTS.c.action_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name.in_(types))
        .order_by(EVENTS.c.timestamp, EVENTS.c.id))]


def dialect_of(db: Session) -> str:
    return db.get_bind().dialect.name


def json_text(dialect: str, column, *path: str):
    """The JSON value at ``path`` of a text column, as text (NULL when absent or JSON null)."""
    if dialect == "postgresql":
        document = sa.cast(column, JSONB)
        return (document[path[0]] if len(path) == 1 else document[path]).astext
    return sa.func.json_extract(column, "$." + ".".join(path))


def json_integer(dialect: str, column, *path: str):
    """The JSON value at ``path`` as an integer, NULL unless it is a JSON whole number."""
    if dialect == "postgresql":
        value = sa.cast(column, JSONB)[path]
        return sa.case((sa.func.jsonb_typeof(value) == "number",
                        sa.cast(sa.cast(value.astext, sa.Numeric), sa.Integer)))
    where = "$." + ".".join(path)
    return sa.case((sa.func.json_type(column, where) == "integer",
                    sa.func.json_extract(column, where)))


def day_number(dialect: str, timestamp):
    """Whole days since 1970-01-01 UTC of an epoch timestamp (floor on both databases)."""
    if dialect == "postgresql":
        return sa.cast(sa.func.floor(timestamp / SECONDS_PER_DAY), sa.Integer)
    # SQLite's CAST truncates toward zero, which is the floor for the positive epochs of chats.
    return sa.cast(timestamp / SECONDS_PER_DAY, sa.Integer)
