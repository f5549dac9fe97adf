"""Fixtures for the web app: a migrated SQLite database per test, the app, and local HTTP servers.

``rasa_stand_in`` is a real HTTP server on 127.0.0.1 that answers like Rasa's REST channel. It
tests the gateway's side of the exchange (what it sends, how it translates replies); it is not
Rasa, and the end-to-end tests against a trained model live with the dialogue's tests.

``review_db`` holds conversations written by Rasa 3.6's own SQL tracker store (run in
``.venv-rasa`` through ``rasa_tracker_writer.py``), so the staff console is tested on the exact
rows Rasa writes; the project's tables are added by the migrations, as in a deployment where both
share one database.

The browser tests share ``chromium`` and ``browser`` (Debian's Chromium driven by Playwright) and
``system``: the whole product on local ports for the journeys that chat (helpers in
tests/support/browser.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support.browser import run_server
from support.databases import POSTGRESQL_URL, drop_postgresql_database, fresh_postgresql_database

from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from db.session import make_engine, session_scope
from demo.accounts import DEMO_CLIENT_IDS, seed_accounts
from demo.client_base import seed_client_base
from engine.history import stress
from harness.advisor import running_advisor


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A migrated, empty database: an SQLite file, or a new PostgreSQL database per test."""
    if POSTGRESQL_URL:
        url = fresh_postgresql_database()
        upgrade(url)
        yield url
        drop_postgresql_database(url)
        return
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    upgrade(url)
    yield url


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


ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
DEMO_CLIENT = DEMO_CLIENT_IDS[0]  # created by seed_accounts when the CRM is empty


def ts(day: int, minute: int = 0) -> float:
    return datetime(2026, 11, day, 10, minute, tzinfo=UTC).timestamp()


#: The recommendation card the chat sent: the mix, and what it did in market history.
ALLOCATION = {"type": "allocation", "weights": {"us_equity": 0.7, "aggregate_bonds": 0.3},
              "groups": {"equity": 0.7, "bonds": 0.3}, "bad_year": -0.15,
              "history": stress({"us_equity": 0.7, "aggregate_bonds": 0.3}).model_dump(mode="json")}
CONVERSATIONS = [
    {"sender": "onboarded", "turns": [
        ["user", ts(20, 0), "hi", "greet", 0.97, {}],
        ["action", ts(20, 0), "utter_greet_prospect"],
        ["bot", ts(20, 0), "Hello! Shall we start?",
         [{"title": "Yes, let's start", "payload": "/start_onboarding"}], None],
        ["action", ts(20, 0), "action_listen"],
        ["user", ts(20, 1), "/start_onboarding", "start_onboarding", 1.0, {}],
        ["slot", ts(20, 2), "age", 35], ["slot", ts(20, 3), "goal", "retirement"],
        ["slot", ts(20, 4), "horizon_years", 30],
        ["action", ts(20, 5), "action_recommend"],
        ["bot", ts(20, 5), "Here is my recommendation.", None, ALLOCATION],
        ["slot", ts(20, 5), "recommended", True],
    ]},
    {"sender": "client-fallback", "turns": [
        ["user", ts(22), "<script>alert('x')</script>", "nlu_fallback", 0.21,
         {"client_id": DEMO_CLIENT}],
        ["action", ts(22), "action_default_fallback"],
        ["bot", ts(22), "Sorry, I did not understand.", None, None],
    ]},
    {"sender": "wants-person", "turns": [
        ["user", ts(24), "I want to talk to a person", "request_human", 0.91, {}],
        ["action", ts(24), "action_handoff"],
        ["bot", ts(24), "A colleague will contact you.", None, None],
        ["user", ts(24, 1), '=HYPERLINK("http://example.com")', "out_of_scope", 0.55, {}],
    ]},
]


def _write_rasa_events(target: str, folder: Path) -> None:
    if not RASA_PYTHON.exists():  # a skip would let `make test` pass without the staff console
        pytest.fail(f"The staff console tests write Rasa's own tracker events and need the Rasa "
                    f"environment, and there is no {RASA_PYTHON}: make test (or make run) builds "
                    f"it from requirements/rasa.lock.", pytrace=False)
    spec = folder / "conversations.json"
    spec.write_text(json.dumps(CONVERSATIONS))
    subprocess.run([str(RASA_PYTHON), str(Path(__file__).with_name("rasa_tracker_writer.py")),
                    target, str(spec)], check=True, capture_output=True, timeout=300)


def _add_project_records(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_accounts(session)
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO lifecycle_scores (client_id, as_of, stage, churn_risk,"
                          " expected_value, reasons, next_best_action, model_version, scored_at)"
                          " VALUES (:c, '2026-11-01 00:00:00', 'growth', 0.1, 1500, 'active', "
                          "'portfolio_review', 'test', '2026-11-01 00:00:00')"), {"c": DEMO_CLIENT})
        c.execute(sa.text("INSERT INTO handoff_requests (conversation_id, reason, last_message,"
                          " created_at) VALUES ('wants-person', 'request_human', '', "
                          "'2026-11-24 10:00:00')"))
        c.execute(sa.text("INSERT INTO survey_answers (conversation_id, survey, question, answer,"
                          " created_at) VALUES ('onboarded', 'satisfaction', 'rating', '4', "
                          "'2026-11-20 10:06:00')"))
        c.execute(sa.text("INSERT INTO offer_records (conversation_id, client_id, offer, answer,"
                          " created_at) VALUES ('client-fallback', :c, 'portfolio_review', NULL,"
                          " '2026-11-22 10:00:00')"), {"c": DEMO_CLIENT})
    engine.dispose()


@pytest.fixture(scope="session")
def review_db(tmp_path_factory) -> Iterator[str]:
    """Rasa's events plus the project's tables, demo accounts and records, in one database.

    Built once per test session; each test gets a copy (``review_database_url``).
    """
    folder = tmp_path_factory.mktemp("review")
    if POSTGRESQL_URL:
        url = fresh_postgresql_database()
        plain = sa.make_url(url).set(drivername="postgresql")
        _write_rasa_events(plain.render_as_string(hide_password=False), folder)
        _add_project_records(url)
        yield url
        drop_postgresql_database(url)
        return
    path = folder / "advisor.db"
    _write_rasa_events(str(path), folder)
    url = f"sqlite:///{path}"
    _add_project_records(url)
    yield url


@pytest.fixture
def review_database_url(tmp_path, review_db) -> Iterator[str]:
    """A fresh copy of the review database for each test."""
    if POSTGRESQL_URL:
        url = fresh_postgresql_database(template=review_db)
        yield url
        drop_postgresql_database(url)
        return
    path = tmp_path / "advisor.db"
    shutil.copy(sa.make_url(review_db).database, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def seeded(db_engine, capsys):
    """The demo accounts, seeded as `make run` does."""
    from demo.accounts import seed_accounts

    with session_scope(db_engine) as session:
        credentials = seed_accounts(session)
    capsys.readouterr()
    return credentials


# -- real Chromium ------------------------------------------------------------------------------

#: Debian's Chromium (``apt-get install chromium fonts-noto-cjk``), or wherever CHROMIUM says.
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable. Without it a browser test fails, saying so: a skip would let
    `make test` pass without the checks a browser user depends on. Modules that start servers
    ask for it first (``pytest.mark.usefixtures("chromium")``) so it fails before they start."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's Chromium, and there is none at {CHROMIUM}: "
                    "apt-get install chromium fonts-noto-cjk (or set CHROMIUM to its path).",
                    pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium) -> Iterator:
    """Headless Chromium, one for the module; each test opens its own contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@dataclass
class System:
    """The running product: the web app's URL and the shared database."""

    url: str
    database_url: str


@pytest.fixture(scope="session")
def system(tmp_path_factory, trained_model) -> Iterator[System]:
    """The whole product for the browser journeys that chat: the action server and the Rasa
    server on the trained model (``harness.advisor.running_advisor``), a fresh SQLite database
    seeded as ``make run`` seeds it (a scored synthetic client base and the demo accounts), and
    the web app under uvicorn pointing at both. One for the test session, as Rasa takes a minute
    to start: each journey holds conversations of its own, and finds them by what it typed."""
    with running_advisor(tmp_path_factory.mktemp("browser")) as advisor:
        engine = make_engine(advisor.database_url)
        seed_client_base(engine, n_clients=300)  # every stage, scored by the classifier
        with session_scope(engine) as session:
            seed_accounts(session)
        engine.dispose()
        # A generous chat rate limit: one onboarding is about twenty messages within a minute.
        app = create_app(Settings(database_url=advisor.database_url, rasa_url=advisor.url,
                                  chat_rate_limit=500))
        server, thread, url = run_server(app)
        try:
            yield System(url, advisor.database_url)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
