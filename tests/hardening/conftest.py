"""Fixtures for the hardening tests: a migrated database with the demo accounts (an SQLite file,
or a new PostgreSQL database per module when TEST_POSTGRESQL_URL is set), the web app on it (Rasa
unreachable unless a test says otherwise) and visitors signed in by role.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from support.databases import POSTGRESQL_URL, drop_postgresql_database, fresh_postgresql_database
from visitors import closed_port, sign_in

from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from db.session import make_engine, session_scope
from demo.accounts import seed_accounts


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A migrated database with the demo staff and client accounts, one per test module."""
    if POSTGRESQL_URL:
        url = fresh_postgresql_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('hardening') / 'advisor.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session, contextlib.redirect_stdout(None):
        seed_accounts(session)
    engine.dispose()
    yield url
    if POSTGRESQL_URL:
        drop_postgresql_database(url)


@dataclass
class Site:
    """The web app and a way to open visitors on it."""

    database_url: str
    make: Callable[..., TestClient]

    def visitor(self, role: str = "anonymous") -> TestClient:
        """A new browser, signed in as ``role`` (anonymous: not signed in)."""
        client = self.make()
        if role != "anonymous":
            sign_in(client, role)
        return client


@pytest.fixture(scope="module")
def site(database_url) -> Iterator[Site]:
    settings = Settings(database_url=database_url, rasa_url=f"http://127.0.0.1:{closed_port()}",
                        rasa_timeout_seconds=5, chat_rate_limit=10_000)
    app = create_app(settings)
    clients: list[TestClient] = []

    def make() -> TestClient:
        # Not entered as a context manager: leaving one would run the app's shutdown, which
        # closes the connection pool the other visitors share.
        client = TestClient(app)
        clients.append(client)
        return client

    yield Site(database_url, make)
    for client in clients:
        client.close()
    app.state.http_client.close()
