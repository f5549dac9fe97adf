"""Bring a database to the newest schema with Alembic.

``python -m db.prepare`` is its command line. The Alembic configuration is built here rather than
in an ``alembic.ini`` so that the web app, the action server and the tests all migrate the same way.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from db import conversation_search
from db.session import database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Tables in the same database that belong to others: Rasa's SQL tracker store writes ``events``.
FOREIGN_TABLES = frozenset({"events"})
#: What a migration makes only where the database offers it, so no model describes it: the
#: search's index (SQLite's FTS5 table and its own tables, PostgreSQL's pg_trgm index).
UNMODELLED_TABLES = conversation_search.TABLES
UNMODELLED_INDEXES = conversation_search.INDEXES


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Whether Alembic's autogenerate compares a database object: not the tables of others
    (otherwise it would propose to drop Rasa's tracker store), nor their indexes, nor the
    objects the models leave out (``UNMODELLED_TABLES``, ``UNMODELLED_INDEXES``)."""
    if not (reflected and compare_to is None):
        return True
    table = obj if type_ == "table" else getattr(obj, "table", None)
    if table is not None and table.name in FOREIGN_TABLES | UNMODELLED_TABLES:
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic reads options through ConfigParser, which treats "%" as interpolation.
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)

