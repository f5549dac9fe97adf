"""``GET /api/chat/history``: the session's conversation so far, read from Rasa's events table (in
the shape Rasa 3.6's SQL tracker store writes it), as the widget shows it again after a page load:
a button's title for its payload, the widget's own switch payload left out, only the latest
session of this visitor's conversation, and the conversation's language."""

from __future__ import annotations

import json

import sqlalchemy as sa
from support.tracker_store import rasa_events

from bot.chat.history import initial_language

START = '/start_onboarding'
GREETING = {"event": "bot", "text": "Hello! Shall we start?",
            "data": {"buttons": [{"title": "Yes, let's start", "payload": START},
                                 {"title": "I have a question first", "payload": "/explain"}]}}


def user(text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}},
            "metadata": {"page_language": "en"}}


def bot(text: str) -> dict:
    return {"event": "bot", "text": text, "data": {}}


def write(db_engine, sender: str, events: list[dict]) -> None:
    with db_engine.begin() as connection:
        table = rasa_events(connection)
        start = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        connection.execute(table.insert(), [
            {"sender_id": sender, "type_name": e["event"], "timestamp": 1_000.0 + start + i,
             "intent_name": None, "action_name": e.get("name"), "data": json.dumps(e)}
            for i, e in enumerate(events)])


def conversation(db_engine) -> str:
    with db_engine.connect() as connection:
        return connection.execute(sa.text("SELECT conversation_id FROM web_sessions")).scalar_one()


def test_a_new_visitor_has_no_conversation_yet(make_client, db_engine):
    response = make_client().get("/api/chat/history")
    assert response.status_code == 200
    assert response.json() == {"messages": []}


def test_the_latest_session_as_it_was_shown_with_its_language(make_client, db_engine):
    client = make_client()
    client.get("/api/chat/history")
    sender = conversation(db_engine)
    write(db_engine, sender, [
        {"event": "session_started"}, user("from an hour ago"), bot("Hello again"),
        {"event": "session_started"}, {"event": "action", "name": "action_listen"},
        user("hi"), GREETING, user(START), bot("How old are you?"),
        {"event": "slot", "name": "age", "value": 35}, user("35"),
        user("/switch_language"), {"event": "slot", "name": "language", "value": "zh"},
        bot("好的，接下来我将用中文为您服务。")])
    write(db_engine, "someone-else", [user("not mine"), bot("not for you")])
    body = client.get("/api/chat/history").json()
    assert body == {"language": "zh", "messages": [
        {"sender": "user", "text": "hi"},
        {"sender": "bot", "text": "Hello! Shall we start?",
         "buttons": GREETING["data"]["buttons"]},
        {"sender": "user", "text": "Yes, let's start"},
        {"sender": "bot", "text": "How old are you?"},
        {"sender": "user", "text": "35"},
        {"sender": "bot", "text": "好的，接下来我将用中文为您服务。"}]}


def test_a_conversation_nothing_switched_is_in_the_slots_first_language(make_client, db_engine):
    client = make_client()
    client.get("/api/chat/history")
    write(db_engine, conversation(db_engine), [user("hello"), bot("Hello!")])
    assert initial_language() == "en"
    assert client.get("/api/chat/history").json()["language"] == "en"


def test_a_restart_starts_an_empty_history(make_client, db_engine):
    client = make_client()
    client.get("/api/chat/history")
    write(db_engine, conversation(db_engine), [user("hello"), bot("Hello!")])
    assert client.post("/api/chat/restart", json={}).status_code == 200
    assert client.get("/api/chat/history").json() == {"messages": []}
