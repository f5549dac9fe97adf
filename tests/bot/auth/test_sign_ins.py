"""The sign-in log and the throttling of password guessing, on the staff console and the client
website: the lock after too many failures, its Retry-After, what resets it and what does not, the
rows written, and the sign-in record on /staff/users (SQLite, and PostgreSQL when
TEST_POSTGRESQL_URL is set)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.auth import sign_ins
from bot.auth.demo_passwords import CLIENT_PASSWORD
from bot.settings import Settings
from db.accounts import ClientAccount, SignInAttempt, SignInRealm, StaffUser
from db.clock import utcnow
from db.session import session_scope

REVIEWER = ("reviewer", "review-demo-2026")
ADMIN = ("admin", "admin-demo-2026")
LOCKED = "Too many failed sign-ins for this user name. Try again in"
WRONG = "Wrong user name or password."
#: realm -> (sign-in page, a demo account's user name and password, where success leads)
REALMS = {
    "staff": ("/staff/signin", *REVIEWER, "/staff"),
    "client": ("/signin", "client1", CLIENT_PASSWORD, "/"),
}
OTHER = {"staff": ADMIN, "client": ("client2", CLIENT_PASSWORD)}


def csrf_token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def sign_in(client, path: str, username: str, password: str):
    return client.post(path, data={"username": username, "password": password,
                                   "csrf_token": csrf_token(client, path)},
                       follow_redirects=False)


def alert(response) -> str:
    """The text of the sign-in page's alert."""
    return re.search(r'<p class="error" role="alert">(.*?)</p>', response.text).group(1)


def attempts(db_engine, realm: str, username: str) -> list[tuple[bool, bool, int | None]]:
    """(succeeded, refused, account id) of every logged attempt for the name, oldest first."""
    with session_scope(db_engine) as db:
        rows = db.scalars(select(SignInAttempt).where(SignInAttempt.realm == realm,
                                                      SignInAttempt.username == username)
                          .order_by(SignInAttempt.id))
        return [(r.succeeded, r.refused, r.staff_user_id if realm == "staff"
                 else r.client_account_id) for r in rows]


def signed_in(client, realm: str) -> bool:
    if realm == "staff":
        return client.get("/staff", follow_redirects=False).status_code == 200
    return "You are signed in as" in client.get("/signin").text


def account_id(db_engine, realm: str, username: str) -> int:
    model = StaffUser if realm == "staff" else ClientAccount
    with session_scope(db_engine) as db:
        return db.scalar(select(model.id).where(model.username == username))


def insert_attempts(db_engine, realm: str, username: str, minutes_ago: float, count: int,
                    *, refused: bool = False) -> None:
    """Failed attempts logged ``minutes_ago``, as if they had been made then."""
    when = utcnow() - timedelta(minutes=minutes_ago)
    with session_scope(db_engine) as db:
        db.add_all(SignInAttempt(realm=realm, username=username, succeeded=False,
                                 refused=refused, created_at=when) for _ in range(count))


@pytest.mark.parametrize("realm", REALMS)
def test_the_attempt_after_the_limit_is_refused_even_with_the_right_password(
        make_client, seeded, db_engine, realm):
    path, username, password, _ = REALMS[realm]
    client = make_client()
    for _ in range(5):
        wrong = sign_in(client, path, username, "guess")
        assert wrong.status_code == 401 and alert(wrong) == WRONG
    refused = sign_in(client, path, username, password)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60
    assert alert(refused) == f"{LOCKED} 15 minutes."
    assert "set-cookie" not in refused.headers  # no new, signed-in session
    assert not signed_in(client, realm)
    # Still locked from another browser; every attempt, the refused ones too, is logged.
    assert sign_in(make_client(), path, username, password).status_code == 429
    me = account_id(db_engine, realm, username)
    assert attempts(db_engine, realm, username) == (
        [(False, False, me)] * 5 + [(False, True, me)] * 2)


@pytest.mark.parametrize("realm", REALMS)
def test_a_success_before_the_limit_clears_the_count(make_client, seeded, db_engine, realm):
    path, username, password, home = REALMS[realm]
    client = make_client()
    for _ in range(4):
        assert sign_in(client, path, username, "guess").status_code == 401
    success = sign_in(client, path, username, password)
    assert (success.status_code, success.headers["location"]) == (303, home)
    for _ in range(4):
        assert sign_in(make_client(), path, username, "guess").status_code == 401
    assert sign_in(make_client(), path, username, password).status_code == 303
    assert [a[0] for a in attempts(db_engine, realm, username)] == [False] * 4 + [True] + [
        False] * 4 + [True]


@pytest.mark.parametrize("realm", REALMS)
def test_a_locked_name_does_not_lock_another_name_or_realm(make_client, seeded, realm):
    path, username, password, _ = REALMS[realm]
    for _ in range(5):
        sign_in(make_client(), path, username, "guess")
    assert sign_in(make_client(), path, username, password).status_code == 429
    assert sign_in(make_client(), path, *OTHER[realm]).status_code == 303
    # The same name on the other sign-in page is counted apart (and is unknown there).
    other_path = next(p for r, (p, *_) in REALMS.items() if r != realm)
    assert sign_in(make_client(), other_path, username, "guess").status_code == 401


@pytest.mark.parametrize("realm", REALMS)
def test_an_unknown_name_gets_the_same_answers_as_a_known_one(
        make_client, seeded, db_engine, realm):
    path, username, password, _ = REALMS[realm]
    answers = {}
    for name, right in ((username, password), ("nobody-here", password)):
        wrong = [sign_in(make_client(), path, name, "guess") for _ in range(5)]
        refused = sign_in(make_client(), path, name, right)
        answers[name] = ([(r.status_code, alert(r)) for r in wrong],
                         (refused.status_code, alert(refused), "retry-after" in refused.headers))
    assert answers[username] == answers["nobody-here"]
    assert answers[username][1][:2] == (429, f"{LOCKED} 15 minutes.")
    assert attempts(db_engine, realm, "nobody-here") == (
        [(False, False, None)] * 5 + [(False, True, None)])


def test_the_name_is_logged_as_typed_stripped(make_client, seeded, db_engine):
    assert sign_in(make_client(), "/staff/signin", "  reviewer ", REVIEWER[1]).status_code == 303
    assert sign_in(make_client(), "/staff/signin", "<b>x</b>", "guess").status_code == 401
    assert attempts(db_engine, "staff", "reviewer") == [
        (True, False, account_id(db_engine, "staff", "reviewer"))]
    assert attempts(db_engine, "staff", "<b>x</b>") == [(False, False, None)]


@pytest.mark.parametrize("realm", REALMS)
def test_the_lock_ends_when_the_failures_leave_the_window(make_client, seeded, db_engine, realm):
    path, username, password, _ = REALMS[realm]
    insert_attempts(db_engine, realm, username, minutes_ago=16, count=5)
    assert sign_in(make_client(), path, username, password).status_code == 303

    # Counted from the failures: 10 minutes ago, so about 5 minutes to go.
    insert_attempts(db_engine, realm, "someone", minutes_ago=10, count=5)
    refused = sign_in(make_client(), path, "someone", "guess")
    assert refused.status_code == 429
    assert 4 * 60 < int(refused.headers["retry-after"]) <= 5 * 60
    assert alert(refused) == f"{LOCKED} 5 minutes."


def test_the_wait_is_counted_from_the_oldest_failure(make_client, seeded, db_engine):
    insert_attempts(db_engine, "client", "client2", minutes_ago=12, count=1)
    insert_attempts(db_engine, "client", "client2", minutes_ago=2, count=4)
    refused = sign_in(make_client(), "/signin", "client2", CLIENT_PASSWORD)
    assert refused.status_code == 429
    assert 2 * 60 < int(refused.headers["retry-after"]) <= 3 * 60
    assert alert(refused) == f"{LOCKED} 3 minutes."


def test_refused_attempts_do_not_extend_the_lock(make_client, seeded, db_engine):
    path, username, password, _ = REALMS["staff"]
    # Failures that have left the window, then a locked name hammered a minute ago.
    insert_attempts(db_engine, "staff", username, minutes_ago=16, count=5)
    insert_attempts(db_engine, "staff", username, minutes_ago=1, count=20, refused=True)
    assert sign_in(make_client(), path, username, password).status_code == 303

    # Locked 14.5 minutes ago and hammered since: the wait is still measured from the failures.
    insert_attempts(db_engine, "staff", "admin", minutes_ago=14.5, count=5)
    insert_attempts(db_engine, "staff", "admin", minutes_ago=0.1, count=20, refused=True)
    for _ in range(3):
        refused = sign_in(make_client(), path, *ADMIN)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 30
        assert alert(refused) == f"{LOCKED} 1 minute."
    settings = Settings(database_url="sqlite://")
    with session_scope(db_engine) as db:
        later = utcnow() + timedelta(seconds=31)
        assert sign_ins.lockout(db, settings, SignInRealm.staff, "admin", later) is None


def test_parallel_guesses_get_no_more_than_the_limit_on_postgresql(make_client, seeded, db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("on SQLite, guesses arriving at the same instant are not taken in turn")
    # One app per browser, as separate web workers would be, each with its own connections.
    browsers = [(client, csrf_token(client, "/signin")) for client in
                (make_client() for _ in range(12))]

    def guess(browser) -> int:
        client, token = browser
        return client.post("/signin", data={"username": "client1", "password": "guess",
                                            "csrf_token": token},
                           follow_redirects=False).status_code

    with ThreadPoolExecutor(len(browsers)) as pool:
        statuses = list(pool.map(guess, browsers))
    assert sorted(statuses) == [401] * 5 + [429] * 7
    me = account_id(db_engine, "client", "client1")
    assert sorted(attempts(db_engine, "client", "client1")) == (
        [(False, False, me)] * 5 + [(False, True, me)] * 7)


def test_the_limit_and_window_come_from_the_settings(make_client, seeded, db_engine):
    client = make_client(signin_max_failures=2, signin_lockout_minutes=60)
    path, username, password, _ = REALMS["client"]
    for _ in range(2):
        assert sign_in(client, path, username, "guess").status_code == 401
    refused = sign_in(client, path, username, password)
    assert refused.status_code == 429
    assert 59 * 60 < int(refused.headers["retry-after"]) <= 60 * 60
    assert alert(refused) == f"{LOCKED} 60 minutes."


@pytest.mark.parametrize("field", ["signin_max_failures", "signin_lockout_minutes"])
def test_the_settings_refuse_zero(field):
    with pytest.raises(ValidationError, match=field):
        Settings(database_url="sqlite://", **{field: 0})
    assert getattr(Settings(database_url="sqlite://"), field) == {
        "signin_max_failures": 5, "signin_lockout_minutes": 15}[field]


def test_staff_accounts_show_the_sign_in_record(make_client, seeded, db_engine):
    reviewer = make_client()
    assert sign_in(reviewer, "/staff/signin", *REVIEWER).status_code == 303
    signout = reviewer.post("/staff/signout", data={"csrf_token": csrf_token(reviewer, "/staff")},
                            follow_redirects=False)
    assert signout.status_code == 303
    for _ in range(2):
        assert sign_in(make_client(), "/staff/signin", "reviewer", "guess").status_code == 401
    assert sign_in(make_client(), "/staff/signin", "ghost", "guess").status_code == 401
    insert_attempts(db_engine, "staff", "locked-name", minutes_ago=0, count=1, refused=True)
    assert sign_in(make_client(), "/signin", "client1", "guess").status_code == 401  # not staff

    admin = make_client()
    assert sign_in(admin, "/staff/signin", *ADMIN).status_code == 303
    page = admin.get("/staff/users").text
    accounts, recent = page.split("Recent sign-ins", 1)
    rows = dict(re.findall(r"<tr>\s*<td>([\w.-]+)</td>\s*(.*?)</tr>", accounts, re.S))
    # The reviewer signed out, yet the last sign-in is known; two failures since.
    cells = re.findall(r"<td>(.*?)</td>", rows["reviewer"], re.S)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", cells[2])
    assert cells[3] == "2"
    assert re.findall(r"<td>(.*?)</td>", rows["admin"], re.S)[3] == "0"
    assert '<th scope="col">Failed since</th>' in accounts

    listed = re.findall(r'<tr class="sign-in-attempt">\s*<td>([\d:\- ]+)</td>\s*<td>(.*?)</td>'
                        r"\s*<td>(.*?)</td>", recent.split("New staff account", 1)[0])
    assert [(name, result) for _, name, result in listed] == [
        ("admin", "signed in"),
        ("locked-name", "locked"),
        ("ghost", "wrong password or unknown user"),
        ("reviewer", "wrong password or unknown user"),
        ("reviewer", "wrong password or unknown user"),
        ("reviewer", "signed in"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when) for when, _, _ in listed)
    assert "Recent staff sign-ins" in recent and '<th scope="col">Result</th>' in recent


def test_recent_sign_ins_lists_the_latest_fifty(make_client, seeded, db_engine):
    insert_attempts(db_engine, "staff", "old-guess", minutes_ago=30, count=60)
    admin = make_client()
    assert sign_in(admin, "/staff/signin", *ADMIN).status_code == 303
    recent = admin.get("/staff/users").text.split("Recent sign-ins", 1)[1]
    names = re.findall(r'<tr class="sign-in-attempt">\s*<td>[^<]*</td>\s*<td>(.*?)</td>', recent)
    assert names == ["admin"] + ["old-guess"] * 49


def test_guesses_spread_over_names_from_one_address_are_refused(make_client, seeded, db_engine):
    # Four wrong passwords from this address, each for another name: none of the names is
    # locked, but the address is, for every name, the right password included.
    client_for = lambda: make_client(signin_address_max_failures=4)  # noqa: E731
    for name in ("ghost1", "ghost2", "client1", "ghost3"):
        assert sign_in(client_for(), "/staff/signin", name, "guess").status_code == 401
    refused = sign_in(client_for(), "/staff/signin", *REVIEWER)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60
    assert alert(refused) == "Too many failed sign-ins from this address. Try again in 15 minutes."
    assert sign_in(client_for(), "/signin", "client1", CLIENT_PASSWORD).status_code == 429
    with session_scope(db_engine) as db:
        logged = db.execute(select(SignInAttempt.username, SignInAttempt.refused,
                                   SignInAttempt.address).order_by(SignInAttempt.id)).all()
    assert [tuple(row) for row in logged] == [
        ("ghost1", False, "testclient"), ("ghost2", False, "testclient"),
        ("client1", False, "testclient"), ("ghost3", False, "testclient"),
        ("reviewer", True, "testclient"), ("client1", True, "testclient")]


def test_failures_from_another_address_do_not_lock_this_one(make_client, seeded, db_engine):
    when = utcnow() - timedelta(minutes=1)
    with session_scope(db_engine) as db:
        db.add_all(SignInAttempt(realm="staff", username=f"ghost{i}", succeeded=False,
                                 refused=False, created_at=when, address="203.0.113.7")
                   for i in range(30))
    assert sign_in(make_client(), "/staff/signin", *REVIEWER).status_code == 303


def test_an_admin_unlocks_a_locked_staff_member_and_the_trail_says_so(make_client, seeded,
                                                                       db_engine):
    for _ in range(5):
        assert sign_in(make_client(), "/staff/signin", "reviewer", "guess").status_code == 401
    assert sign_in(make_client(), "/staff/signin", *REVIEWER).status_code == 429

    admin = make_client()
    assert sign_in(admin, "/staff/signin", *ADMIN).status_code == 303
    page = admin.get("/staff/users").text
    assert 'action="/staff/users/reviewer/unlock"' in page
    assert 'action="/staff/users/admin/unlock"' not in page  # not locked: no button
    token = csrf_token(admin, "/staff/users")
    done = admin.post("/staff/users/reviewer/unlock", data={"csrf_token": token},
                      follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/staff/users")
    trail = admin.get("/staff/users").text.split("Audit trail", 1)[1]
    entry = re.search(r'<tr class="audit-entry">\s*<td>[^<]+</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>'
                      r"\s*<td>(.*?)</td>\s*<td>(.*?)</td>", trail, re.S)
    assert entry.groups() == ("admin", "reviewer", "unlocked",
                              "6 failed or refused sign-in(s) since the last one no longer count")

    # The reviewer signs in again; a second unlock is refused, as nothing is locked.
    assert sign_in(make_client(), "/staff/signin", *REVIEWER).status_code == 303
    again = admin.post("/staff/users/reviewer/unlock", data={"csrf_token": token},
                       follow_redirects=False)
    assert again.status_code == 422
    assert "reviewer is not locked." in again.text


def test_only_an_admin_may_unlock(make_client, seeded):
    for _ in range(5):
        sign_in(make_client(), "/staff/signin", "admin", "guess")
    reviewer = make_client()
    assert sign_in(reviewer, "/staff/signin", *REVIEWER).status_code == 303
    token = csrf_token(reviewer, "/staff")
    refused = reviewer.post("/staff/users/admin/unlock", data={"csrf_token": token},
                            follow_redirects=False)
    assert refused.status_code == 403
    assert sign_in(make_client(), "/staff/signin", *ADMIN).status_code == 429
