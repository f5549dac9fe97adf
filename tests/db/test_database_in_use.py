"""The database tests run on the database they claim: PostgreSQL in the PostgreSQL pass of
scripts/test.sh (TEST_POSTGRESQL_URL set), an SQLite file otherwise."""

from __future__ import annotations

import sqlalchemy as sa
from support.databases import POSTGRESQL_URL

from db.session import make_engine


def test_the_tests_use_the_database_they_were_given(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        if POSTGRESQL_URL:
            assert engine.dialect.name == "postgresql"
            version = connection.execute(sa.text("SELECT version()")).scalar()
            assert version.startswith("PostgreSQL"), version
            # A database of its own on the server given, not the server's default database.
            assert connection.execute(sa.text("SELECT current_database()")).scalar() not in (
                sa.make_url(POSTGRESQL_URL).database, None)
        else:
            assert engine.dialect.name == "sqlite"
            assert connection.execute(sa.text("SELECT sqlite_version()")).scalar()
    engine.dispose()
