"""CSRF on every form, a new session at every sign-in, and a database that cannot take a write
(a table locked by another transaction, on SQLite and PostgreSQL alike; a PostgreSQL connection
cut) answering 503 within a bounded time and writing nothing.

Every POST route either checks the form's CSRF token against the session's or takes JSON only
(which a cross-site HTML form cannot send without a CORS preflight); both are checked here for
every POST route the app has, so a new form without the check fails.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator

import pytest
from route_matrix import CONVERSATION, MATRIX, app_routes
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection, make_url
from support.databases import POSTGRESQL_URL
from visitors import csrf_token, sign_in

from bot.auth.sessions import COOKIE_NAME
from bot.errors import DATABASE_BUSY, DATABASE_DOWN, RETRY_AFTER_BUSY_SECONDS
from db.review import ReviewEvent, UndeliveredMessage
from db.session import lock_timeout_seconds, session_scope

POST_ROUTES = sorted(route for route in MATRIX if route[0] == "POST")


def count(database_url: str, model) -> int:
    engine = create_engine(database_url)
    with session_scope(engine) as session:
        n = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return n


@pytest.fixture(scope="module")
def conversation(site) -> str:
    visitor = site.visitor()
    assert visitor.post("/api/chat", json={"text": "kept for review"}).status_code == 503
    engine = create_engine(site.database_url)
    with session_scope(engine) as session:
        found = session.scalars(select(UndeliveredMessage.conversation_id)
                                .where(UndeliveredMessage.text == "kept for review")).one()
    engine.dispose()
    return found


def test_every_post_route_is_probed(site):
    assert {r for r in app_routes(site.visitor().app) if r[0] == "POST"} == set(POST_ROUTES)


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r[1])
@pytest.mark.parametrize("token", ["missing", "another session's"])
def test_a_forged_form_post_is_refused_and_changes_nothing(site, conversation, route, token):
    staff = site.visitor("reviewer")
    forged = {"missing": None, "another session's": csrf_token(site.visitor())}[token]
    probe, _ = MATRIX[route]
    form = {**(probe.form or {"text": "hello"}), **({"csrf_token": forged} if forged else {})}
    reviews_before = count(site.database_url, ReviewEvent)
    cookie = staff.cookies[COOKIE_NAME]
    response = staff.post(probe.path.replace(CONVERSATION, conversation), data=form,
                          follow_redirects=False)
    # 403: the CSRF check; 415: a JSON-only route refuses the form outright.
    assert response.status_code in (403, 415), response.text
    assert count(site.database_url, ReviewEvent) == reviews_before
    assert staff.cookies[COOKIE_NAME] == cookie  # not signed out or switched to another account
    assert staff.get("/staff", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("role", ["client", "reviewer"])
def test_signing_in_gives_a_new_session_and_the_old_one_is_worthless(site, role):
    visitor = site.visitor()
    before_token = csrf_token(visitor)  # the page gives an anonymous session first
    before_cookie = visitor.cookies[COOKIE_NAME]
    sign_in(visitor, role)
    assert visitor.cookies[COOKIE_NAME] != before_cookie
    assert csrf_token(visitor) != before_token
    stale = site.visitor()
    stale.cookies.set(COOKIE_NAME, before_cookie)
    # The cookie from before sign-in is not signed in: it gets a fresh anonymous session.
    assert stale.get("/staff", follow_redirects=False).headers.get("location") == "/staff/signin"
    assert "Signed in as" not in stale.get("/").text


#: How long a request may take while a table it needs is locked: the app's lock wait (SQLite's busy
#: timeout, PostgreSQL's lock_timeout) and a margin for a busy machine. Without that wait bounded,
#: the request would wait for as long as the other transaction holds the lock.
ANSWER_WITHIN_SECONDS = lock_timeout_seconds() + 10


def review_rows(database_url: str) -> list[tuple]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(
            ReviewEvent.id, ReviewEvent.conversation_id, ReviewEvent.action, ReviewEvent.value)
            .order_by(ReviewEvent.id)).all()
    engine.dispose()
    return [tuple(row) for row in rows]


@contextlib.contextmanager
def exclusive_lock(database_url: str, table: str) -> Iterator[list[int]]:
    """Another connection holds an exclusive lock for longer than the app waits: on SQLite the
    database's write lock (BEGIN EXCLUSIVE), on PostgreSQL ``table`` in ACCESS EXCLUSIVE mode.
    On PostgreSQL the list yielded collects the backends seen waiting on a lock meanwhile."""
    waiting: list[int] = []
    if database_url.startswith("sqlite"):
        blocker = sqlite3.connect(make_url(database_url).database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            yield waiting
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        return

    def collect(admin: Connection, pids: list[int]) -> bool:
        waiting.extend(pids)
        return False

    with postgresql_lock(database_url, f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", collect):
        yield waiting


@contextlib.contextmanager
def postgresql_lock(database_url: str, lock: str,
                    on_waiting: Callable[[Connection, list[int]], bool]) -> Iterator[None]:
    """Another connection takes ``lock`` (a LOCK TABLE statement) and holds it for the block;
    meanwhile a watcher passes the backends of this database seen waiting on a lock, every 50 ms,
    to ``on_waiting(connection, pids)``, until the block ends or it returns True."""
    engine = create_engine(database_url)
    blocker = engine.connect()
    blocker.execute(text(lock))
    stop = threading.Event()

    def watch() -> None:
        with engine.connect() as admin:
            while not stop.is_set():
                waiting = admin.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalars().all()
                done = on_waiting(admin, waiting)
                admin.commit()
                if done:
                    return
                stop.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join(timeout=30)
        blocker.rollback()
        blocker.close()
        engine.dispose()


def post_within(seconds: float, client, path: str, data: dict):
    """``client.post``, given ``seconds`` to answer: the response, or None if it is still waiting."""
    outcome: list = []

    def post() -> None:
        try:
            outcome.append(client.post(path, data=data, follow_redirects=False))
        except BaseException as error:  # re-raised in the test's thread
            outcome.append(error)

    worker = threading.Thread(target=post, daemon=True)
    worker.start()
    worker.join(seconds)
    if outcome and isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0] if outcome else None


def test_a_locked_table_gives_503_in_bounded_time_and_writes_nothing(site, conversation):
    staff = site.visitor("reviewer")
    token = csrf_token(staff)
    path = f"/staff/conversations/{conversation}/review"
    stored = staff.post(path, data={"action": "note", "value": "stored before the lock",
                                    "csrf_token": token}, follow_redirects=False)
    assert stored.status_code == 303
    before = review_rows(site.database_url)
    assert before
    with exclusive_lock(site.database_url, "review_events") as waiting:
        response = post_within(ANSWER_WITHIN_SECONDS, staff, path,
                               {"action": "note", "value": "written while locked",
                                "csrf_token": token})
    assert response is not None, (
        f"no answer within {ANSWER_WITHIN_SECONDS} s while review_events was locked")
    assert response.status_code == 503, response.text[:300]
    assert response.json()["detail"] == DATABASE_BUSY
    assert response.headers["retry-after"] == str(RETRY_AFTER_BUSY_SECONDS)
    if not site.database_url.startswith("sqlite"):
        assert waiting, "the request never waited on the locked table"
    # Nothing stored before was lost, nothing of the refused request was written.
    assert review_rows(site.database_url) == before
    # Once the lock is gone the same review goes through.
    ok = staff.post(path, data={"action": "note", "value": "written after", "csrf_token": token},
                    follow_redirects=False)
    assert ok.status_code == 303
    after = review_rows(site.database_url)
    assert after[:len(before)] == before
    assert [row[2:] for row in after[len(before):]] == [("note", "written after")]


@contextlib.contextmanager
def postgresql_connection_lost(database_url: str) -> Iterator[None]:
    """The app's connection is cut while it writes, as when the server restarts or an
    administrator ends it: the table is locked so the app's write waits, and the waiting backend
    is then terminated (well within the app's lock wait)."""
    terminated: list[int] = []

    def terminate(admin: Connection, waiting: list[int]) -> bool:
        # Chosen first, ended after: only backends of this test's database waiting on a lock.
        for pid in waiting:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            terminated.append(pid)
        return bool(terminated)

    # EXCLUSIVE: reads still pass.
    with postgresql_lock(database_url, "LOCK TABLE review_events IN EXCLUSIVE MODE", terminate):
        yield
    assert terminated, "the app's write never waited on the locked table"


@pytest.mark.skipif(not POSTGRESQL_URL, reason="a connection to cut needs a PostgreSQL server")
def test_a_cut_database_connection_gives_503_and_writes_no_review(site, conversation):
    staff = site.visitor("reviewer")
    token = csrf_token(staff)
    reviews_before = count(site.database_url, ReviewEvent)
    with postgresql_connection_lost(site.database_url):
        response = staff.post(f"/staff/conversations/{conversation}/review",
                              data={"action": "note", "value": "written while cut off",
                                    "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 503
    assert response.json()["detail"] == DATABASE_DOWN
    assert count(site.database_url, ReviewEvent) == reviews_before
