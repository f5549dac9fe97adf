"""The staff console against conversations written by Rasa's own SQL tracker store
(see ``review_db`` in conftest.py)."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from staff_session import csrf_token, sign_in

from db.session import make_engine
from demo.accounts import DEMO_CLIENT_IDS

DEMO_CLIENT = DEMO_CLIENT_IDS[0]

@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


def listed(client, **params) -> list[str]:
    html = client.get("/staff", params=params).text
    # A row's link carries the list's filters (?list=...) for previous and next.
    return re.findall(r'href="/staff/conversations/([^"/?]+)(?:\?list=[^"]*)?"', html)


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


def test_an_empty_filter_form_means_any_and_bad_values_are_named(staff):
    form = {"q": "", "date_from": "", "date_to": "", "audience": "", "stage": "", "intent": "",
            "fallback": "", "handoff": "", "flagged": "", "reviewed": "", "min_rating": ""}
    assert len(listed(staff, **form)) == 3
    bad_date = staff.get("/staff", params={"date_from": "last week"})
    bad_rating = staff.get("/staff", params={"min_rating": "6"})  # ratings are 1 to 5
    assert bad_date.status_code == 422 and bad_date.json()["detail"].startswith("date_from:")
    assert bad_rating.status_code == 422
    assert bad_rating.json()["detail"] == "min_rating: cannot read '6' (a rating is 1 to 5)."


def test_list_is_paginated(staff, monkeypatch):
    monkeypatch.setattr("bot.console.routes.PAGE_SIZE", 2)
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
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    texts = [r["text"] for r in rows if r["kind"] == "user"]
    assert texts == ["I want to talk to a person", "'=HYPERLINK(\"http://example.com\")"]
    data = staff.get("/staff/conversations/onboarded/export.json").json()
    assert data["conversation_id"] == "onboarded"
    assert {"kind": "user", "text": "hi", "intent": "greet"}.items() <= data["turns"][0].items()
    assert staff.get("/staff/conversations/onboarded/export.xml").status_code == 404


def test_filtered_list_export(staff):
    rows = list(csv.DictReader(io.StringIO(staff.get("/staff/export.csv",
                                                     params={"audience": "prospect"}).content.decode("utf-8-sig"))))
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
    assert "<dt>Fallback rate</dt><dd>33.3 %</dd>" in html  # one fallback in three conversations
    assert "<dt>Average rating</dt><dd>4.00 (1 ratings)</dd>" in html
    assert "portfolio_review: made" in html
    assert re.search(r"Onboarding funnel.*Started 2.*Recommendation shown 1", html, re.S)
    assert "<rect" in html and "style=" not in html


def test_client_lifecycle_api_for_staff(staff):
    body = staff.get(f"/api/v1/clients/{DEMO_CLIENT}/lifecycle").json()
    assert body["current"]["stage"] == "growth"
    assert body["current"]["next_best_action"] == "portfolio_review"
    assert staff.get("/api/v1/clients/12345678/lifecycle").status_code == 404
