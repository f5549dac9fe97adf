"""Chinese conversations for the staff console's language tests, written by Rasa's own SQL tracker
store (tests/bot/rasa_tracker_writer.py), so Chinese text is stored as Rasa stores it.

``zh-planning`` is in Chinese throughout (its ``language`` slot set to ``zh``); ``switched-to-en``
starts in Chinese and switches to English, so its language is the slot's last value, ``en``. The
conversations of ``review_db`` never set the slot.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from support.databases import POSTGRESQL_URL, drop_postgresql_database, fresh_postgresql_database

ROOT = Path(__file__).resolve().parents[3]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
WRITER = ROOT / "tests" / "bot" / "rasa_tracker_writer.py"

PLANNING_FIRST = "你好，我想做个理财规划"
PLANNING_AGE = "我今年三十五岁，想买ETF"
ASK_AGE = "您好！请问您今年多大年纪？"


def at(day: int, minute: int) -> float:
    return datetime(2026, 11, day, 9, minute, tzinfo=UTC).timestamp()


CONVERSATIONS = [
    {"sender": "zh-planning", "turns": [
        ["user", at(26, 0), PLANNING_FIRST, "greet", 0.93, {}],
        ["slot", at(26, 0), "language", "zh"],
        ["action", at(26, 0), "utter_greet_prospect"],
        ["bot", at(26, 0), ASK_AGE, None, None],
        ["action", at(26, 0), "action_listen"],
        ["user", at(26, 1), PLANNING_AGE, "inform", 0.88, {}],
        ["slot", at(26, 1), "age", 35],
        ["bot", at(26, 1), "好的，已记下您的年龄：35岁。", None, None],
    ]},
    {"sender": "switched-to-en", "turns": [
        ["user", at(27, 0), "你好", "greet", 0.95, {}],
        ["slot", at(27, 0), "language", "zh"],
        ["bot", at(27, 0), "您好！", None, None],
        ["user", at(27, 1), "English please", "switch_language", 0.97, {}],
        ["slot", at(27, 1), "language", "en"],
        ["bot", at(27, 1), "Sure, let's continue in English.", None, None],
    ]},
]


def write(target: str, folder: Path) -> None:
    """Write the conversations into ``target`` (an SQLite file or a plain postgresql:// URL)."""
    spec = folder / "chinese-conversations.json"
    spec.write_text(json.dumps(CONVERSATIONS, ensure_ascii=False), encoding="utf-8")
    subprocess.run([str(RASA_PYTHON), str(WRITER), target, str(spec)], check=True,
                   capture_output=True, timeout=300)


@contextmanager
def review_db_with_chinese(review_db: str, folder: Path) -> Iterator[str]:
    """A copy of ``review_db`` (tests/bot/conftest.py) with the Chinese conversations added."""
    if POSTGRESQL_URL:
        url = fresh_postgresql_database(template=review_db)
        try:
            write(sa.make_url(url).set(drivername="postgresql")
                  .render_as_string(hide_password=False), folder)
            yield url
        finally:
            drop_postgresql_database(url)
        return
    path = folder / "advisor.db"
    shutil.copy(sa.make_url(review_db).database, path)
    write(str(path), folder)
    yield f"sqlite:///{path}"


@contextmanager
def copy_of(url: str, folder: Path) -> Iterator[str]:
    """A copy of the database at ``url`` for one test."""
    if POSTGRESQL_URL:
        copy = fresh_postgresql_database(template=url)
        try:
            yield copy
        finally:
            drop_postgresql_database(copy)
        return
    path = folder / "advisor-copy.db"
    shutil.copy(sa.make_url(url).database, path)
    yield f"sqlite:///{path}"
