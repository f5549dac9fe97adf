"""Fixtures for the web app: a migrated SQLite database per test, the app, and local HTTP servers.

``rasa_stand_in`` is a real HTTP server on 127.0.0.1 that answers like Rasa's REST channel. It
tests the gateway's side of the exchange (what it sends, how it translates replies); it is not
Rasa, and the end-to-end tests against a trained model live with the dialogue's tests.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from db.session import make_engine, session_scope


@pytest.fixture
def database_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    upgrade(url)
    return url


@pytest.fixture
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def make_client(database_url) -> Iterator[Callable[..., TestClient]]:
    """Build a TestClient for an app on the test database; keyword arguments override settings."""
    clients = []

    def build(**overrides) -> TestClient:
        overrides.setdefault("rasa_url", f"http://127.0.0.1:{closed_port()}")
        settings = Settings(database_url=database_url, **overrides)
        client = TestClient(create_app(settings))
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@dataclass
class RasaStandIn:
    """What the stand-in received, and what it answers (a list, or a function of the request)."""

    url: str
    received: list[dict] = field(default_factory=list)
    reply: object = field(default_factory=lambda: [{"recipient_id": "x", "text": "Hello!"}])
    status: int = 200
    delay: float = 0.0


@pytest.fixture
def rasa_stand_in() -> Iterator[RasaStandIn]:
    """An HTTP server on 127.0.0.1 that answers POST /webhooks/rest/webhook like Rasa's REST channel."""
    state = RasaStandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            state.received.append({"path": self.path, "body": body})
            time.sleep(state.delay)
            reply = state.reply(body) if callable(state.reply) else state.reply
            payload = json.dumps(reply).encode()
            try:
                self.send_response(state.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the gateway gave up waiting (the timeout test)

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def seeded(db_engine, capsys):
    """The demo accounts, seeded as `make run` does."""
    from bot.demo import seed_accounts

    with session_scope(db_engine) as session:
        credentials = seed_accounts(session)
    capsys.readouterr()
    return credentials
