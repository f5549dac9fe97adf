"""Bring a database to the newest schema with Alembic.

Run as ``python -m db.migrate [--url URL]``. The Alembic configuration is built here rather than in
an ``alembic.ini`` so that the web app, the action server and the tests all migrate the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config

from db.session import database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Tables in the same database that belong to others: Rasa's SQL tracker store writes ``events``.
FOREIGN_TABLES = frozenset({"events"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Whether Alembic's autogenerate compares a database object: not the tables of others
    (otherwise it would propose to drop Rasa's tracker store), nor their indexes."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return not (reflected and compare_to is None and table is not None
                and table.name in FOREIGN_TABLES)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic reads options through ConfigParser, which treats "%" as interpolation.
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.migrate", description=__doc__)
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    args = parser.parse_args(argv)
    upgrade(args.url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
