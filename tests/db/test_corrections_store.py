"""NLU corrections: a user message of Rasa's ``events`` table is found by its event id, and the
correction keeps the text and what the bot understood; the list is newest first. Runs on SQLite,
and on PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from db.accounts import StaffUser
from db.migrate import upgrade
from db.review import NluCorrection, add_correction, corrections, user_message, user_messages
from db.session import make_engine, session_scope

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()


def rasa_events(connection) -> None:
    """The columns of Rasa's tracker-store table that the console reads."""
    metadata = sa.MetaData()
    sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("sender_id", sa.String(255), nullable=False),
             sa.Column("type_name", sa.String(255), nullable=False),
             sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String(255)),
             sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text))
    metadata.create_all(connection)


def user_event(sender: str, timestamp: float, text: str, intent: str, confidence: float) -> dict:
    data = {"event": "user", "timestamp": timestamp, "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}}}
    return {"sender_id": sender, "type_name": "user", "timestamp": timestamp,
            "intent_name": intent, "action_name": None, "data": json.dumps(data)}


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        rasa_events(connection)
        events = sa.table("events", *(sa.column(c) for c in (
            "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")))
        connection.execute(sa.insert(events), [
            user_event("c1", T0 + 60, "second message", "affirm", 0.6),
            user_event("c1", T0, "what is a bond", "greet", 0.42),
            {"sender_id": "c1", "type_name": "bot", "timestamp": T0 + 1, "intent_name": None,
             "action_name": None, "data": json.dumps({"text": "Hello!"})},
            user_event("c2", T0, "someone else's", "deny", 0.9),
        ])
    with session_scope(engine) as session:
        session.add(StaffUser(username="reviewer", password_hash="x", role="reviewer",
                              active=True, created_at=datetime(2026, 11, 1)))
    yield engine
    engine.dispose()


def test_user_messages_are_found_by_event_id_within_their_conversation(engine):
    with session_scope(engine) as db:
        listed = user_messages(db, "c1")
        assert [m.text for m in listed] == ["what is a bond", "second message"]
        first = listed[0]
        assert (first.intent, first.confidence, first.timestamp) == ("greet", 0.42, T0)
        assert user_message(db, "c1", first.event_id) == first
        other = user_messages(db, "c2")[0]
        assert user_message(db, "c1", other.event_id) is None  # not this conversation's
        bot_id = db.execute(sa.text("SELECT id FROM events WHERE type_name = 'bot'")).scalar()
        assert user_message(db, "c1", bot_id) is None  # not a user message


def test_corrections_keep_the_message_and_are_listed_newest_first(engine):
    with session_scope(engine) as db:
        staff_id = db.scalar(sa.select(StaffUser.id))
        first, second = user_messages(db, "c1")
        add_correction(db, first, "c1", staff_id, "explain", None, None)
        add_correction(db, second, "c1", staff_id, None, "goal", "retirement")
        with pytest.raises(ValueError, match="intent or a slot"):
            add_correction(db, first, "c1", staff_id, None, None, None)
        with pytest.raises(ValueError, match="both the slot name and its value"):
            add_correction(db, first, "c1", staff_id, None, "goal", None)
    with session_scope(engine) as db:
        listed = corrections(db)
        assert [(c.text, name) for c, name in listed] == [
            ("second message", "reviewer"), ("what is a bond", "reviewer")]
        slot, intent = (c for c, _ in listed)
        assert (intent.understood_intent, intent.understood_confidence,
                intent.corrected_intent, intent.event_timestamp) == ("greet", 0.42, "explain", T0)
        assert (slot.slot_name, slot.slot_value, slot.corrected_intent) == (
            "goal", "retirement", None)
        assert slot.created_at >= intent.created_at
        assert corrections(db, "c2") == []
        assert db.scalar(sa.select(sa.func.count()).select_from(NluCorrection)) == 2
