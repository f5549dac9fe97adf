"""CSRF on every form, a new session at every sign-in, and a database that cannot take a write
(SQLite locked, a PostgreSQL connection cut) answering 503 and writing nothing.

Every POST route either checks the form's CSRF token against the session's or takes JSON only
(which a cross-site HTML form cannot send without a CORS preflight); both are checked here for
every POST route the app has, so a new form without the check fails.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from route_matrix import CONVERSATION, MATRIX, app_routes
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from visitors import csrf_token, sign_in

from bot.sessions import COOKIE_NAME
from db.review import ReviewEvent, UndeliveredMessage
from db.session import session_scope

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


@contextlib.contextmanager
def sqlite_write_lock(database_url: str) -> Iterator[None]:
    """Another process holds SQLite's write lock for longer than the app waits (its busy
    timeout), so the app's write fails."""
    blocker = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@contextlib.contextmanager
def postgresql_connection_lost(database_url: str) -> Iterator[None]:
    """The app's connection is cut while it writes, as when the server restarts or an
    administrator ends it: the table is locked so the app's write waits, and the waiting backend
    is then terminated."""
    engine = create_engine(database_url)
    blocker = engine.connect()
    blocker.execute(text("LOCK TABLE review_events IN EXCLUSIVE MODE"))  # reads still pass
    stop = threading.Event()
    terminated: list[int] = []

    def terminate_the_waiting_writer() -> None:
        with engine.connect() as admin:
            while not stop.is_set() and not terminated:
                # Chosen first, ended after: only backends of this test's database waiting on a lock.
                waiting = admin.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalars().all()
                for pid in waiting:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                    terminated.append(pid)
                admin.commit()
                stop.wait(0.05)

    watcher = threading.Thread(target=terminate_the_waiting_writer, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join(timeout=30)
        blocker.rollback()
        blocker.close()
        engine.dispose()
    assert terminated, "the app's write never waited on the locked table"


def test_a_locked_database_gives_503_and_writes_no_review(site, conversation):
    staff = site.visitor("reviewer")
    token = csrf_token(staff)
    reviews_before = count(site.database_url, ReviewEvent)
    unavailable = (sqlite_write_lock if site.database_url.startswith("sqlite")
                   else postgresql_connection_lost)
    with unavailable(site.database_url):
        response = staff.post(f"/staff/conversations/{conversation}/review",
                              data={"action": "note", "value": "written while locked",
                                    "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 503
    assert "database cannot be reached" in response.json()["detail"]
    assert count(site.database_url, ReviewEvent) == reviews_before
    # Once the lock is gone the same review goes through.
    ok = staff.post(f"/staff/conversations/{conversation}/review",
                    data={"action": "note", "value": "written after", "csrf_token": token},
                    follow_redirects=False)
    assert ok.status_code == 303
    assert count(site.database_url, ReviewEvent) == reviews_before + 1
