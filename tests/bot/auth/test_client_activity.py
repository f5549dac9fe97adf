"""A client's own use of the website is their activity: a sign-in is a login event, a chat turn a
contact event, and the reasons served with their stage count from them."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.auth.demo_passwords import CLIENT_PASSWORD
from db.clients import Client, ClientEvent, LifecycleScore, record_activity
from db.clock import utcnow
from db.lifecycle_store import served_score
from db.session import session_scope
from demo.accounts import seed_accounts

CLIENT = 7


def sign_in(client, username="client1", password=CLIENT_PASSWORD):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    return client.post("/signin", data={"username": username, "password": password,
                                        "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def quiet_client(db_engine):
    """Client 7, last seen 400 days ago and scored in decline then; ``client1`` signs in as them."""
    now = utcnow()
    with session_scope(db_engine) as session:
        session.add(Client(id=CLIENT, name="Ada", created_at=now - timedelta(days=900),
                           segment="retail", first_funded_at=now - timedelta(days=890),
                           aum=20_000.0, products="managed_portfolio",
                           last_review_at=now - timedelta(days=700), do_not_contact=False))
        session.flush()
        session.add_all([
            ClientEvent(client_id=CLIENT, timestamp=now - timedelta(days=890), kind="deposit",
                        amount=20_000.0),
            ClientEvent(client_id=CLIENT, timestamp=now - timedelta(days=400), kind="login",
                        amount=0.0),
            LifecycleScore(client_id=CLIENT, as_of=now - timedelta(days=1), stage="decline",
                           churn_risk=0.65, expected_value=20.0, reasons="as scored",
                           next_best_action="fee_waiver", model_version="t"),
        ])
        with contextlib.redirect_stdout(None):
            seed_accounts(session)
    return CLIENT


def events_of_kind(db_engine, kind: str) -> list[tuple]:
    with db_engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT client_id, timestamp FROM client_events WHERE kind = :kind ORDER BY id"),
            {"kind": kind}).all()


def served_reasons_now(db_engine) -> str:
    with Session(db_engine) as session:
        return served_score(session, CLIENT).reasons


def test_signing_in_records_a_login_and_a_wrong_password_does_not(make_client, db_engine,
                                                                  quiet_client):
    client = make_client()
    assert sign_in(client, password="guess").status_code == 401
    assert [c for c, _ in events_of_kind(db_engine, "login")] == [CLIENT]  # the old one only
    before = utcnow()
    assert sign_in(client).status_code == 303
    logins = events_of_kind(db_engine, "login")
    assert len(logins) == 2
    client_id, at = logins[-1]
    assert client_id == CLIENT
    assert before - timedelta(seconds=1) <= _time(at) <= utcnow()


def _time(value):
    """A timestamp as SQLite returns it in a text query (a string) or as a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def test_the_served_reasons_after_a_sign_in_never_deny_it(make_client, db_engine, quiet_client):
    before = served_reasons_now(db_engine)
    assert "no login for 400 days and a missed review" in before
    assert "no activity for 400 days" in before
    assert sign_in(make_client()).status_code == 303
    after = served_reasons_now(db_engine)
    assert after == "churn risk 65% over the horizon; review overdue"
    with Session(db_engine) as session:
        served = served_score(session, CLIENT)
    # The stage and offer stay as scored until the next scoring.
    assert (served.stage, served.next_best_action) == ("decline", "fee_waiver")


def test_a_signed_in_chat_turn_records_contact_and_a_visitors_does_not(
    make_client, db_engine, quiet_client, rasa_stand_in
):
    client = make_client(rasa_url=rasa_stand_in.url)
    assert client.post("/api/chat", json={"text": "hi"}).status_code == 200
    assert events_of_kind(db_engine, "contact") == []  # a visitor is nobody's activity
    sign_in(client)
    assert client.post("/api/chat", json={"text": "how am I doing?"}).status_code == 200
    assert client.post("/api/chat", json={"text": "thanks"}).status_code == 200
    assert [c for c, _ in events_of_kind(db_engine, "contact")] == [CLIENT, CLIENT]


def test_a_turn_rasa_never_answered_is_still_contact(make_client, db_engine, quiet_client):
    client = make_client()  # RASA_URL is a closed port
    sign_in(client)
    assert client.post("/api/chat", json={"text": "hello?"}).status_code == 503
    assert [c for c, _ in events_of_kind(db_engine, "contact")] == [CLIENT]


def test_only_website_activity_is_recorded(db_engine, quiet_client):
    with Session(db_engine) as session, pytest.raises(ValueError, match="'deposit' is not website"):
        record_activity(session, CLIENT, "deposit", utcnow())


def test_staff_see_the_reasons_as_scored_and_as_they_stand_now(make_client, quiet_client):
    sign_in(make_client())  # the client signs in
    staff = make_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/staff/signin").text).group(1)
    staff.post("/staff/signin", data={"username": "reviewer", "password": "review-demo-2026",
                                      "csrf_token": token}, follow_redirects=False)
    body = staff.get(f"/api/v1/clients/{CLIENT}/lifecycle").json()
    assert body["current"]["reasons"] == "as scored"
    assert body["reasons_now"] == "churn risk 65% over the horizon; review overdue"
