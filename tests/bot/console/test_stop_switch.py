"""The stop switch of automated recommendations in the staff console: only an admin switches it,
every switch is in the staff audit trail, and it is kept in the database, so another process (a
second app on the same database) sees it (SQLite, and PostgreSQL when TEST_POSTGRESQL_URL is
set)."""

from __future__ import annotations

import html as markup
import re

import pytest
from sqlalchemy import select

from db.accounts import StaffAuditEntry, StaffUser
from db.automation import recommendations_suspended
from db.session import session_scope

REVIEWER = ("reviewer", "review-demo-2026")
ADMIN = ("admin", "admin-demo-2026")


def csrf_token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def sign_in(client, username: str, password: str):
    return client.post("/staff/signin", data={"username": username, "password": password,
                                              "csrf_token": csrf_token(client, "/staff/signin")},
                       follow_redirects=False)


@pytest.fixture
def signed_in(make_client, seeded):
    def build(username: str, password: str):
        client = make_client()
        assert sign_in(client, username, password).status_code == 303
        return client
    return build


def switch(client, value: str, reason: str = ""):
    return client.post("/staff/automation", data={
        "recommendations": value, "reason": reason,
        "csrf_token": csrf_token(client, "/staff/users")}, follow_redirects=False)


def switches(db_engine) -> list[tuple[str, str, str]]:
    with session_scope(db_engine) as db:
        return [tuple(row) for row in db.execute(
            select(StaffUser.username, StaffAuditEntry.action, StaffAuditEntry.detail)
            .join(StaffUser, StaffAuditEntry.actor_id == StaffUser.id)
            .where(StaffAuditEntry.action.like("recommendations_%"))
            .order_by(StaffAuditEntry.id))]


def state_shown(client) -> str:
    page = client.get("/staff/users").text
    [state] = re.findall(r'class="automation-state" data-suspended="(yes|no)"', page)
    return state


def suspended_now(db_engine) -> bool:
    with session_scope(db_engine) as db:
        return recommendations_suspended(db)


def test_an_admin_suspends_and_resumes_and_each_switch_is_audited(signed_in, db_engine):
    admin = signed_in(*ADMIN)
    assert state_shown(admin) == "no" and not suspended_now(db_engine)
    response = switch(admin, "suspended", "market shock: index down 7 % today")
    assert (response.status_code, response.headers["location"]) == (303, "/staff/users#automation")
    assert suspended_now(db_engine)
    # A second app on the same database (another worker) sees the switch.
    other = signed_in(*ADMIN)
    assert state_shown(other) == "yes"
    page = markup.unescape(other.get("/staff/users").text)
    assert "Last switched by admin at " in page and "market shock: index down 7 % today" in page
    assert "Resume automated recommendations" in page
    # Switching to where it is already changes and records nothing.
    assert switch(other, "suspended").status_code == 303
    assert switch(other, "running").status_code == 303
    assert not suspended_now(db_engine) and state_shown(admin) == "no"
    assert switches(db_engine) == [
        ("admin", "recommendations_suspended", "market shock: index down 7 % today"),
        ("admin", "recommendations_resumed", "")]
    trail = markup.unescape(admin.get("/staff/users").text)
    assert "recommendations suspended" in trail and "recommendations resumed" in trail


def test_a_reviewer_cannot_switch_and_bad_input_is_named(signed_in, db_engine):
    reviewer = signed_in(*REVIEWER)
    refused = reviewer.post("/staff/automation", data={
        "recommendations": "suspended", "csrf_token": csrf_token(reviewer, "/staff")},
        follow_redirects=False)
    assert refused.status_code == 403
    admin = signed_in(*ADMIN)
    bad = switch(admin, "off")
    assert bad.status_code == 422 and "'off' is neither 'suspended' nor 'running'" in bad.text
    no_token = admin.post("/staff/automation", data={"recommendations": "suspended"},
                          follow_redirects=False)
    assert no_token.status_code in (400, 403)
    assert switches(db_engine) == [] and not suspended_now(db_engine)
