"""What Rasa's SQL tracker store holds of one conversation, read straight from its ``events``."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import create_engine, text


def tracker_events(database_url: str, sender: str) -> list[tuple[str, str | None, dict]]:
    """(type, action name, data) of the conversation's events, as the tracker store keeps them."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, action_name, data FROM events WHERE sender_id = :s "
                     "ORDER BY id"), {"s": sender}).all()
    finally:
        engine.dispose()
    return [(kind, action, json.loads(data)) for kind, action, data in rows]


def rasa_events(connection) -> sa.Table:
    """Rasa's ``events`` table created as Rasa 3.6's SQL tracker store creates it."""
    metadata = sa.MetaData()
    table = sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("sender_id", sa.String(255), nullable=False, index=True),
                     sa.Column("type_name", sa.String(255), nullable=False),
                     sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String(255)),
                     sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text))
    metadata.create_all(connection)
    return table
