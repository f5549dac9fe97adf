"""The staff console against conversations written by Rasa's own SQL tracker store.

The ``events`` table is produced by Rasa 3.6 (``.venv-rasa``) through ``tests/bot/
rasa_tracker_writer.py``, so the console is tested on the exact rows Rasa writes; the project's
tables are then added by the migrations, as in a deployment where both share one database.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.demo import seed_accounts
from db.migrate import upgrade
from db.session import make_engine, session_scope

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
DEMO_CLIENT = 900_001


def ts(day: int, minute: int = 0) -> float:
    return datetime(2026, 11, day, 10, minute, tzinfo=UTC).timestamp()


ALLOCATION = {"type": "allocation", "weights": {"us_equity": 0.7, "aggregate_bonds": 0.3},
              "groups": {"equity": 0.7, "bonds": 0.3}}
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


@pytest.fixture(scope="session")
def rasa_events_db(tmp_path_factory) -> Path:
    if not RASA_PYTHON.exists():
        pytest.skip("needs the Rasa environment (.venv-rasa) to write tracker events")
    folder = tmp_path_factory.mktemp("rasa")
    spec = folder / "conversations.json"
    spec.write_text(json.dumps(CONVERSATIONS))
    db = folder / "events.db"
    subprocess.run([str(RASA_PYTHON), str(Path(__file__).with_name("rasa_tracker_writer.py")),
                    str(db), str(spec)], check=True, capture_output=True, timeout=300)
    return db


@pytest.fixture(scope="session")
def review_db(rasa_events_db, tmp_path_factory) -> Path:
    """Rasa's events plus the project's tables, demo accounts and records, in one database."""
    path = tmp_path_factory.mktemp("review") / "advisor.db"
    shutil.copy(rasa_events_db, path)
    url = f"sqlite:///{path}"
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
    return path


@pytest.fixture
def database_url(tmp_path, review_db) -> str:
    """A fresh copy of the review database for each test."""
    path = tmp_path / "advisor.db"
    shutil.copy(review_db, path)
    return f"sqlite:///{path}"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, username="reviewer", password="review-demo-2026", path="/staff/signin"):
    token = csrf_token(client.get(path).text)
    return client.post(path, data={"username": username, "password": password,
                                   "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def staff(make_client):
    client = make_client()
    assert sign_in(client).status_code == 303
    return client


def listed(client, **params) -> list[str]:
    html = client.get("/staff", params=params).text
    return re.findall(r'href="/staff/conversations/([^"/]+)"', html)


def test_staff_pages_need_staff_sign_in(make_client):
    anonymous = make_client()
    for path in ("/staff", "/staff/overview", "/staff/handoffs", "/staff/export.csv",
                 "/staff/conversations/onboarded", "/staff/conversations/onboarded/export.json"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/staff/signin"
    assert anonymous.get(f"/api/v1/clients/{DEMO_CLIENT}/lifecycle").status_code == 401
    client = make_client()
    assert sign_in(client, "client1", "client-demo-2026", path="/signin").status_code == 303
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert client.get(f"/api/v1/clients/{DEMO_CLIENT}/lifecycle").status_code == 401
    assert sign_in(client, "client1", "client-demo-2026").status_code == 401  # not staff


def test_staff_sign_in_refuses_wrong_passwords_and_missing_csrf(make_client):
    client = make_client()
    assert sign_in(client, password="nope").status_code == 401
    client.get("/staff/signin")
    no_token = client.post("/staff/signin", data={"username": "reviewer",
                                                  "password": "review-demo-2026"})
    assert no_token.status_code == 403


def test_list_shows_every_conversation_newest_first(staff):
    assert listed(staff) == ["wants-person", "client-fallback", "onboarded"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"audience": "client"}, ["client-fallback"]),
    ({"audience": "prospect"}, ["wants-person", "onboarded"]),
    ({"fallback": "yes"}, ["client-fallback"]),
    ({"handoff": "yes"}, ["wants-person"]),
    ({"intent": "start_onboarding"}, ["onboarded"]),
    ({"stage": "growth"}, ["client-fallback"]),
    ({"date_from": "2026-11-21", "date_to": "2026-11-23"}, ["client-fallback"]),
    ({"min_rating": "4"}, ["onboarded"]),
    ({"q": "PERSON"}, ["wants-person"]),
    ({"q": "<script>"}, ["client-fallback"]),
    ({"q": "shall we start"}, ["onboarded"]),
])
def test_list_filters_and_search(staff, params, expected):
    assert listed(staff, **params) == expected


def test_list_is_paginated(staff, monkeypatch):
    monkeypatch.setattr("bot.routers.staff.PAGE_SIZE", 2)
    first = staff.get("/staff").text
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert listed(staff, page=2) == ["onboarded"]


def test_transcript_shows_intents_actions_slots_and_the_recommendation(staff):
    html = staff.get("/staff/conversations/onboarded").text
    assert "greet (0.97)" in html
    assert "action_recommend" in html
    assert "<code>age</code> = 35" in html
    assert "Yes, let&#39;s start" in html
    assert "us_equity 70.0 %" in html
    assert "satisfaction / rating: 4" in html
    assert staff.get("/staff/conversations/no-such-thing").status_code == 404


def test_user_markup_is_shown_as_text(staff):
    html = staff.get("/staff/conversations/client-fallback").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_review_actions_append_to_the_audit_trail(staff, database_url):
    page = staff.get("/staff/conversations/wants-person").text
    token = csrf_token(page)
    post = staff.post
    url = "/staff/conversations/wants-person/review"
    assert post(url, data={"action": "flag"}, follow_redirects=False).status_code == 403
    for data in ({"action": "flag"}, {"action": "tag", "value": "complaint"},
                 {"action": "note", "value": "Called back <b>today</b>"},
                 {"action": "reviewed"}, {"action": "unflag"}):
        response = post(url, data={**data, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303, response.text
    assert post(url, data={"action": "note", "value": " ", "csrf_token": token}).status_code == 422
    assert post(url, data={"action": "delete", "csrf_token": token}).status_code == 422
    assert listed(staff, flagged="yes") == []
    assert listed(staff, reviewed="yes") == ["wants-person"]
    html = staff.get("/staff/conversations/wants-person").text
    assert "reviewer · note: Called back &lt;b&gt;today&lt;/b&gt;" in html
    assert "#complaint" in html
    engine = make_engine(database_url)
    with engine.connect() as c:
        trail = c.execute(sa.text("SELECT action FROM review_events ORDER BY id")).scalars().all()
    engine.dispose()
    assert trail == ["flag", "tag", "note", "reviewed", "unflag"]


def test_conversation_export_as_csv_defuses_formulas_and_as_json(staff):
    response = staff.get("/staff/conversations/wants-person/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    texts = [r["text"] for r in rows if r["kind"] == "user"]
    assert texts == ["I want to talk to a person", "'=HYPERLINK(\"http://example.com\")"]
    data = staff.get("/staff/conversations/onboarded/export.json").json()
    assert data["conversation_id"] == "onboarded"
    assert {"kind": "user", "text": "hi", "intent": "greet"}.items() <= data["turns"][0].items()
    assert staff.get("/staff/conversations/onboarded/export.xml").status_code == 404


def test_filtered_list_export(staff):
    rows = list(csv.DictReader(io.StringIO(staff.get("/staff/export.csv",
                                                     params={"audience": "prospect"}).text)))
    assert [r["conversation_id"] for r in rows] == ["wants-person", "onboarded"]
    data = staff.get("/staff/export.json", params={"fallback": "yes"}).json()
    assert [d["conversation_id"] for d in data] == ["client-fallback"]
    assert data[0]["first_message"] == "<script>alert('x')</script>"


def test_handoff_queue_lists_open_requests_until_handled(staff):
    page = staff.get("/staff/handoffs").text
    assert re.findall(r'href="/staff/conversations/([^"/]+)"', page) == ["wants-person"]
    response = staff.post("/staff/conversations/wants-person/review", data={
        "action": "handoff_closed", "back": "handoffs", "csrf_token": csrf_token(page)},
        follow_redirects=False)
    assert response.headers["location"] == "/staff/handoffs"
    assert "No open handoff request." in staff.get("/staff/handoffs").text


def test_overview_figures(staff):
    html = staff.get("/staff/overview").text
    assert "<dt>Conversations</dt><dd>3</dd>" in html
    assert "33.3 %" in html  # one fallback in three conversations
    assert "4.00 (1 ratings)" in html
    assert "portfolio_review: made" in html
    assert re.search(r"Onboarding funnel.*Started 2.*Recommendation shown 1", html, re.S)
    assert "<rect" in html and "style=" not in html


def test_client_lifecycle_api_for_staff(staff):
    body = staff.get(f"/api/v1/clients/{DEMO_CLIENT}/lifecycle").json()
    assert body["current"]["stage"] == "growth"
    assert body["current"]["next_best_action"] == "portfolio_review"
    assert staff.get("/api/v1/clients/12345678/lifecycle").status_code == 404
