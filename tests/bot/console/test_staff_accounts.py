"""Staff access managed by admins at /staff/users: who may open it, account changes, the rules
that refuse a change, ended sessions and the audit trail (SQLite, and PostgreSQL when
TEST_POSTGRESQL_URL is set)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.auth.demo_passwords import CLIENT_PASSWORD
from db.accounts import StaffAuditEntry, StaffUser, WebSession
from db.session import session_scope

REVIEWER = ("reviewer", "review-demo-2026")
ADMIN = ("admin", "admin-demo-2026")
STRONG = "correct horse battery staple"


def csrf_token(client, path: str = "/staff/signin") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def sign_in(client, username: str, password: str, path: str = "/staff/signin"):
    return client.post(path, data={"username": username, "password": password,
                                   "csrf_token": csrf_token(client, path)},
                       follow_redirects=False)


def post_form(client, path: str, **form):
    """Post a form from the users page with the session's CSRF token."""
    return client.post(path, data={**form, "csrf_token": csrf_token(client, "/staff/users")},
                       follow_redirects=False)


def staff_rows(db_engine) -> dict[str, tuple[str, bool]]:
    with session_scope(db_engine) as db:
        return {u.username: (u.role, u.active) for u in db.scalars(select(StaffUser))}


def audit(db_engine) -> list[tuple[str, str, str, str]]:
    """(admin, account, action, detail) of every audit entry, oldest first."""
    with session_scope(db_engine) as db:
        names = dict(db.execute(select(StaffUser.id, StaffUser.username)).all())
        entries = db.scalars(select(StaffAuditEntry).order_by(StaffAuditEntry.id))
        return [(names[e.actor_id], names[e.target_id], e.action, e.detail) for e in entries]


def open_sessions(db_engine, username: str) -> int:
    with session_scope(db_engine) as db:
        return db.scalar(select(func.count()).select_from(WebSession).join(
            StaffUser, WebSession.staff_user_id == StaffUser.id)
            .where(StaffUser.username == username))


@pytest.fixture
def signed_in(make_client, seeded):
    """A browser signed in with the given demo or new staff credentials."""
    def build(username: str, password: str):
        client = make_client()
        assert sign_in(client, username, password).status_code == 303
        return client
    return build


@pytest.fixture
def admin(signed_in):
    return signed_in(*ADMIN)


def test_only_admins_reach_staff_accounts(make_client, signed_in, db_engine):
    anonymous = make_client()
    for method, path in (("GET", "/staff/users"), ("POST", "/staff/users"),
                         ("POST", "/staff/users/reviewer/deactivate")):
        response = anonymous.request(method, path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/staff/signin")
    client = make_client()
    assert sign_in(client, "client1", CLIENT_PASSWORD, path="/signin").status_code == 303
    assert client.get("/staff/users", follow_redirects=False).headers["location"] == "/staff/signin"

    reviewer = signed_in(*REVIEWER)
    assert "/staff/users" not in reviewer.get("/staff").text  # no link for a reviewer
    assert reviewer.get("/staff/users").status_code == 403
    token = csrf_token(reviewer, "/staff")
    for path, form in (("/staff/users", {"username": "sneaky", "role": "admin",
                                         "password": STRONG}),
                       ("/staff/users/reviewer/role", {"role": "admin"}),
                       ("/staff/users/admin/deactivate", {}),
                       ("/staff/users/admin/password", {"password": STRONG})):
        response = reviewer.post(path, data={**form, "csrf_token": token},
                                 follow_redirects=False)
        assert response.status_code == 403, path
    assert staff_rows(db_engine) == {"reviewer": ("reviewer", True), "admin": ("admin", True)}
    assert audit(db_engine) == []
    assert sign_in(make_client(), *ADMIN).status_code == 303  # the admin's password is unchanged


def test_admin_sees_every_account_with_role_status_and_last_sign_in(admin, signed_in):
    signed_in(*REVIEWER)
    page = admin.get("/staff/users")
    assert page.status_code == 200
    assert '<a href="/staff/users">Staff accounts</a>' in admin.get("/staff").text
    rows = dict(re.findall(r"<tr>\s*<td>([\w.-]+)</td>\s*(.*?)</tr>", page.text, re.S))
    assert set(rows) == {"admin", "reviewer"}
    assert re.search(r"<td>reviewer</td>\s*<td>active</td>\s*<td>\d{4}-\d\d-\d\d \d\d:\d\d UTC",
                     rows["reviewer"])


def test_a_new_account_can_sign_in_with_its_role_and_is_in_the_audit_trail(
        admin, make_client, db_engine):
    response = post_form(admin, "/staff/users", username="auditor.2", role="reviewer",
                         password=STRONG)
    assert (response.status_code, response.headers["location"]) == (303, "/staff/users")
    assert staff_rows(db_engine)["auditor.2"] == ("reviewer", True)
    newcomer = make_client()
    assert sign_in(newcomer, "auditor.2", STRONG).status_code == 303
    assert newcomer.get("/staff", follow_redirects=False).status_code == 200
    assert newcomer.get("/staff/users").status_code == 403
    assert audit(db_engine) == [("admin", "auditor.2", "created", "role reviewer")]
    trail = admin.get("/staff/users").text.split("Audit trail", 1)[1]
    assert re.search(r"<td>admin</td>\s*<td>auditor.2</td>\s*<td>created</td>", trail)


@pytest.mark.parametrize(("form", "message"), [
    ({"username": "reviewer", "role": "reviewer", "password": STRONG},
     "The user name &#39;reviewer&#39; is taken."),
    ({"username": "newcomer", "role": "reviewer", "password": "short-pw"},
     "at least 12 characters"),
    ({"username": "newcomer-staff", "role": "reviewer", "password": "Newcomer-Staff"},
     "cannot be the user name"),
    ({"username": "newcomer", "role": "admin", "password": "admin-demo-2026"},
     "published demo password"),
    ({"username": "newcomer", "role": "owner", "password": STRONG},
     "Unknown role &#39;owner&#39;: choose reviewer or admin."),
    ({"username": "new comer<b>", "role": "reviewer", "password": STRONG},
     "A user name is 3 to 80 letters"),
])
def test_bad_input_is_named_on_the_form_and_nothing_is_stored(admin, db_engine, form, message):
    before = staff_rows(db_engine)
    response = post_form(admin, "/staff/users", **form)
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert"' in response.text
    assert staff_rows(db_engine) == before
    assert audit(db_engine) == []


def test_deactivating_ends_open_sessions_and_blocks_sign_in_until_reactivated(
        admin, signed_in, make_client, db_engine):
    reviewer = signed_in(*REVIEWER)
    assert open_sessions(db_engine, "reviewer") == 1
    assert post_form(admin, "/staff/users/reviewer/deactivate").status_code == 303
    assert open_sessions(db_engine, "reviewer") == 0
    assert reviewer.get("/staff", follow_redirects=False).headers["location"] == "/staff/signin"
    assert sign_in(make_client(), *REVIEWER).status_code == 401
    assert ">inactive<" in admin.get("/staff/users").text

    assert post_form(admin, "/staff/users/reviewer/reactivate").status_code == 303
    assert sign_in(make_client(), *REVIEWER).status_code == 303
    assert [a[2:] for a in audit(db_engine)] == [("deactivated", "1 open session(s) ended"),
                                                 ("reactivated", "")]


def test_an_admin_cannot_lock_out_themselves_or_the_last_admin(admin, db_engine):
    before = staff_rows(db_engine)
    refused = post_form(admin, "/staff/users/admin/deactivate")
    assert refused.status_code == 422
    assert "You cannot deactivate your own account." in refused.text
    demoted = post_form(admin, "/staff/users/admin/role", role="reviewer")
    assert demoted.status_code == 422
    assert "admin is the last active admin" in demoted.text
    assert staff_rows(db_engine) == before and audit(db_engine) == []
    assert admin.get("/staff/users").status_code == 200


def test_role_changes_take_effect_at_once_and_keep_one_admin(admin, signed_in, db_engine):
    reviewer = signed_in(*REVIEWER)
    assert reviewer.get("/staff/users").status_code == 403
    assert post_form(admin, "/staff/users/reviewer/role", role="admin").status_code == 303
    assert reviewer.get("/staff/users").status_code == 200  # same session, new role
    # With another admin the first may step down, and is then refused the page.
    assert post_form(admin, "/staff/users/admin/role", role="reviewer").status_code == 303
    assert admin.get("/staff/users").status_code == 403
    last = post_form(reviewer, "/staff/users/reviewer/role", role="reviewer")
    assert last.status_code == 422 and "last active admin" in last.text
    assert post_form(reviewer, "/staff/users/admin/role", role="owner").status_code == 422
    assert [a[:4] for a in audit(db_engine)] == [
        ("admin", "reviewer", "role_changed", "reviewer -> admin"),
        ("admin", "admin", "role_changed", "admin -> reviewer")]


def test_a_password_reset_replaces_the_old_password_and_ends_its_sessions(
        admin, signed_in, make_client, db_engine):
    reviewer = signed_in(*REVIEWER)
    weak = post_form(admin, "/staff/users/reviewer/password", password="reviewer")
    assert weak.status_code == 422 and "at least 12 characters" in weak.text
    assert sign_in(make_client(), *REVIEWER).status_code == 303  # unchanged so far
    assert post_form(admin, "/staff/users/reviewer/password", password=STRONG).status_code == 303
    assert reviewer.get("/staff", follow_redirects=False).headers["location"] == "/staff/signin"
    assert sign_in(make_client(), *REVIEWER).status_code == 401
    assert sign_in(make_client(), "reviewer", STRONG).status_code == 303
    entries = audit(db_engine)
    assert [e[:3] for e in entries] == [("admin", "reviewer", "password_reset")]
    assert STRONG not in entries[0][3]


def test_forms_without_the_csrf_token_are_refused(admin, db_engine):
    for path, form in (("/staff/users", {"username": "forged", "role": "admin",
                                         "password": STRONG}),
                       ("/staff/users/reviewer/deactivate", {}),
                       ("/staff/users/reviewer/password", {"password": STRONG})):
        assert admin.post(path, data=form, follow_redirects=False).status_code == 403
    assert staff_rows(db_engine) == {"reviewer": ("reviewer", True), "admin": ("admin", True)}
    assert audit(db_engine) == []


def test_an_unknown_account_is_404(admin):
    assert post_form(admin, "/staff/users/nobody/deactivate").status_code == 404

