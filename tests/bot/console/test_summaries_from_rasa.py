"""The list's summaries stay equal to Rasa's events when Rasa's own SQL tracker store writes them:
events written before the migration are filled in by it, and events Rasa writes afterwards (new
conversations and more turns of one already there) go through the trigger. Runs on SQLite, and on
PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import sqlalchemy as sa
from support.databases import empty_database

from db.conversation_summary import (
    SUMMARY_COLUMNS,
    ConversationIntent,
    ConversationSummary,
    ConversationText,
    aggregate,
    installed,
    intents,
    texts,
)
from db.migrate import upgrade
from db.session import make_engine

ROOT = Path(__file__).resolve().parents[3]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
WRITER = ROOT / "tests" / "bot" / "rasa_tracker_writer.py"
T = 1_795_000_000.0
FIRST_TURNS = [
    ["slot", T, "language", "zh"],
    ["user", T + 1, "我想做理财规划", "start_onboarding", 0.9, {"client_id": 7}],
    ["action", T + 2, "utter_ask_age"],
    ["bot", T + 2, "您今年多大年纪?", None, None],
    ["slot", T + 3, "lifecycle_stage", "growth"],
]
LATER_TURNS = [
    ["user", T + 60, "asdfgh", "nlu_fallback", 0.2, {"client_id": 7}],
    ["action", T + 61, "action_default_fallback"],
    ["slot", T + 62, "language", "en"],
    ["bot", T + 62, "Sorry, I did not understand.", None, None],
]
OTHERS = [
    {"sender": "person-please", "turns": [
        ["user", T + 100, "I want to talk to a PERSON", "request_human", 0.95, {}],
        ["action", T + 101, "action_handoff"],
        ["bot", T + 101, "A colleague will contact you.", None, None]]},
    {"sender": "quiet", "turns": [["action", T + 200, "action_session_start"]]},
]


def write_with_rasa(url: str, conversations: list[dict], folder: Path) -> None:
    spec = folder / "conversations.json"
    spec.write_text(json.dumps(conversations))
    target = sa.make_url(url)
    target = (target.database if target.get_backend_name() == "sqlite"
              else target.set(drivername="postgresql").render_as_string(hide_password=False))
    subprocess.run([str(RASA_PYTHON), str(WRITER), target, str(spec)], check=True,
                   capture_output=True, timeout=300)


def agree(connection) -> None:
    s = ConversationSummary.__table__
    kept = [tuple(r) for r in connection.execute(
        sa.select(*(s.c[name] for name in SUMMARY_COLUMNS)).order_by(s.c.conversation_id))]
    scratch = aggregate(connection.dialect.name).subquery()
    assert kept == [tuple(r) for r in connection.execute(
        sa.select(scratch).order_by(scratch.c.conversation_id))]
    assert sorted(connection.execute(sa.select(ConversationIntent.intent_name,
                                               ConversationIntent.conversation_id))) == sorted(
        connection.execute(intents()))
    assert sorted(connection.execute(sa.select(ConversationText.conversation_id,
                                               ConversationText.text))) == sorted(
        connection.execute(texts(connection.dialect.name)))


def test_rasa_writes_before_and_after_the_migration_and_the_summaries_agree(tmp_path):
    with empty_database(tmp_path) as url:
        write_with_rasa(url, [{"sender": "onboarding-zh", "turns": FIRST_TURNS}], tmp_path)
        upgrade(url)
        # Rasa saves a tracker by adding the events it has not stored yet.
        write_with_rasa(url, [{"sender": "onboarding-zh", "turns": FIRST_TURNS + LATER_TURNS},
                              *OTHERS], tmp_path)
        engine = make_engine(url)
        with engine.connect() as c:
            assert installed(c)
            agree(c)
            rows = {r.conversation_id: r for r in c.execute(sa.select(ConversationSummary))}
        engine.dispose()
    zh = rows["onboarding-zh"]
    assert (zh.user_messages, zh.client_id, zh.fallback, zh.language, zh.dialogue_stage) == (
        2, 7, 1, "en", "growth")
    assert rows["person-please"].handoff_action == 1 and rows["quiet"].user_messages == 0
