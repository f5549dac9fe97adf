"""What Rasa's SQL tracker store holds of one conversation, read straight from its ``events``."""

from __future__ import annotations

import json

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
