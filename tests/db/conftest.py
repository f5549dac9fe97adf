"""The database each test in tests/db works on: an SQLite file, or a new PostgreSQL database when
TEST_POSTGRESQL_URL is set (the PostgreSQL pass of scripts/test.sh)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databases import empty_database


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    with empty_database(tmp_path) as url:
        yield url
