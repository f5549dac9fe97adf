"""Fixtures for scale-out: Redis from scripts/redis.sh, and stand-ins for several Rasa servers.

A stand-in is a real HTTP server on 127.0.0.1 that answers like Rasa's REST channel and records
which messages reached it; it tests how the web app spreads messages over servers, not Rasa (the
slow test runs real Rasa servers).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from harness.advisor import ROOT, free_port

#: Redis database number the tests use (emptied first), apart from a development server's 0.
TEST_REDIS_DB = 7


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis of scripts/redis.sh on a free port of 127.0.0.1, its test database emptied; stopped
    afterwards if it was not running before. A port of its own keeps two test runs on one machine
    from stopping each other's server."""
    script = str(ROOT / "scripts" / "redis.sh")
    env = {**os.environ, "REDIS_PORT": os.environ.get("TEST_REDIS_PORT") or str(free_port())}
    started = subprocess.run([script], capture_output=True, text=True, env=env)
    if started.returncode != 0:
        pytest.fail(f"scale-out needs Redis, and scripts/redis.sh could not start it: "
                    f"{started.stderr.strip()}")
    url = started.stdout.strip().rsplit("/", 1)[0] + f"/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(url)
    already_running = int(client.info("server")["uptime_in_seconds"]) > 2
    client.flushdb()
    yield url
    client.flushdb()
    client.close()
    if not already_running:
        subprocess.run([script, "stop"], check=False, env=env)


@dataclass
class RasaStandIn:
    """An HTTP server answering like Rasa's REST channel; ``received`` lists (sender, text)."""

    name: str
    server: ThreadingHTTPServer
    received: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def _start_stand_in(name: str) -> RasaStandIn:
    stand_in: RasaStandIn

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stand_in.received.append((body["sender"], body["message"]))
            reply = json.dumps([{"recipient_id": body["sender"], "text": f"{name} heard you"}])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply.encode())

        def log_message(self, *args):
            pass

    stand_in = RasaStandIn(name, ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    threading.Thread(target=stand_in.server.serve_forever, daemon=True).start()
    return stand_in


@pytest.fixture
def rasa_stand_ins() -> Iterator[Callable[[str], RasaStandIn]]:
    started: list[RasaStandIn] = []

    def start(name: str) -> RasaStandIn:
        started.append(_start_stand_in(name))
        return started[-1]

    yield start
    for stand_in in started:
        stand_in.server.shutdown()
        stand_in.server.server_close()


@pytest.fixture
def web_app(tmp_path) -> Iterator[Callable[..., TestClient]]:
    """``web_app(**settings)``: a web app on one migrated SQLite database shared by every app
    built in the test, as several workers share one database."""
    database_url = f"sqlite:///{tmp_path / 'advisor.db'}"
    upgrade(database_url)
    clients: list[TestClient] = []

    def build(**overrides) -> TestClient:
        client = TestClient(create_app(Settings(database_url=database_url, **overrides)))
        clients.append(client.__enter__())
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)
