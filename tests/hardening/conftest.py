"""Fixtures for the hardening tests: a migrated database with the demo accounts (an SQLite file,
or a new PostgreSQL database per module when TEST_POSTGRESQL_URL is set), the web app on it (Rasa
unreachable unless a test says otherwise) and visitors signed in by role.
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from databases import POSTGRESQL_URL, drop_postgresql_database, fresh_postgresql_database
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.demo import CLIENT_PASSWORD, seed_accounts
from bot.settings import Settings
from db.migrate import upgrade
from db.session import make_engine, session_scope

#: Who visits the site in the authorization matrix, and the demo account each one signs in with.
ROLES = ("anonymous", "client", "other_client", "reviewer", "admin")
ACCOUNTS = {
    "client": ("/signin", "client1", CLIENT_PASSWORD),
    "other_client": ("/signin", "client2", CLIENT_PASSWORD),
    "reviewer": ("/staff/signin", "reviewer", "review-demo-2026"),
    "admin": ("/staff/signin", "admin", "admin-demo-2026"),
}


def closed_port() -> int:
    """A local port nothing listens on (bound, then released): Rasa is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def csrf_token(client: TestClient) -> str:
    """The CSRF token of the client's current session, as a page's forms carry it."""
    html = client.get("/signin").text
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, role: str) -> None:
    path, username, password = ACCOUNTS[role]
    response = client.post(path, data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 303, f"{username} could not sign in: {response.text[:200]}"


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
