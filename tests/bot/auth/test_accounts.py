"""Demo accounts, client sign-in and sign-out, session expiry and CSRF on the forms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.auth.demo_passwords import CLIENT_PASSWORD, STAGE_USERNAMES
from bot.auth.sessions import COOKIE_NAME
from db.clock import utcnow
from db.session import session_scope
from demo.accounts import seed_accounts
from demo.client_base import seed_client_base


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, username="client1", password=CLIENT_PASSWORD):
    token = csrf_token(client.get("/signin").text)
    return client.post("/signin", data={"username": username, "password": password,
                                        "csrf_token": token}, follow_redirects=False)


def test_seeding_hashes_passwords_is_idempotent_and_prints_credentials(db_engine, capsys):
    with session_scope(db_engine) as session:
        first = seed_accounts(session)
    with session_scope(db_engine) as session:
        second = seed_accounts(session)
    printed = capsys.readouterr().out
    assert [c.username for c in first] == [c.username for c in second]
    assert {c.kind for c in first} == {"staff", "client"}
    assert "reviewer" in printed and CLIENT_PASSWORD in printed
    with db_engine.connect() as connection:
        hashes = connection.execute(sa.text(
            "SELECT password_hash FROM staff_users UNION ALL SELECT password_hash FROM client_accounts"
        )).scalars().all()
        roles = connection.execute(sa.text("SELECT role FROM staff_users ORDER BY role")).scalars().all()
        linked = connection.execute(sa.text(
            "SELECT count(*) FROM client_accounts JOIN clients ON clients.id = client_accounts.client_id"
        )).scalar()
    assert len(hashes) == 5 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(c.password in h for c in first for h in hashes)
    assert roles == ["admin", "reviewer"]
    assert linked == 3


def test_seeding_links_accounts_to_existing_clients(db_engine, capsys):
    with db_engine.begin() as connection:
        for cid in (7, 8, 9, 10):
            connection.execute(sa.text(
                "INSERT INTO clients (id, name, created_at, segment, aum, products, do_not_contact)"
                " VALUES (:id, 'C', '2024-01-01 00:00:00', 'retail', 0, '', FALSE)"), {"id": cid})
    with session_scope(db_engine) as session:
        seed_accounts(session)
    with db_engine.connect() as connection:
        ids = connection.execute(sa.text("SELECT client_id FROM client_accounts ORDER BY client_id")).scalars().all()
    assert ids == [7, 8, 9]


def test_every_lifecycle_stage_gets_a_demo_client_scored_by_the_classifier(db_engine, make_client,
                                                                          capsys):
    seed_client_base(db_engine, n_clients=300)
    with session_scope(db_engine) as session:
        credentials = seed_accounts(session)
    printed = capsys.readouterr().out
    with db_engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT a.username, s.stage FROM client_accounts a JOIN lifecycle_scores s"
            " ON s.client_id = a.client_id")).all()
        events = connection.execute(sa.text(
            "SELECT count(DISTINCT e.client_id) FROM client_events e"
            " JOIN client_accounts a ON a.client_id = e.client_id"
            " WHERE a.username IN ('client-onboarding', 'client-growth', 'client-mature',"
            " 'client-decline')")).scalar()
    stage_of = dict(rows)
    line_of = {line.split()[1]: line for line in printed.splitlines()[1:]}
    for stage, username in STAGE_USERNAMES.items():
        assert stage_of[username] == stage
        assert f" ({stage}" in line_of[username]
    assert {"client1", "client2", "client3"} <= {c.username for c in credentials}
    clients = [c.detail.split()[1] for c in credentials if c.kind == "client"]
    assert len(set(clients)) == len(clients) >= 7  # each account a client of its own
    assert events == 4  # each stage's client has the event history it was scored on
    client = make_client()
    assert sign_in(client, "client-decline").status_code == 303


def test_seeding_is_refused_in_production(db_engine, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    with session_scope(db_engine) as session, pytest.raises(RuntimeError) as refused:
        seed_accounts(session)
    assert str(refused.value) == "demo accounts are not created when ENVIRONMENT=production"


def test_wrong_password_and_unknown_user_get_the_same_clear_refusal(make_client, seeded):
    client = make_client()
    wrong = sign_in(client, password="guess")
    unknown = sign_in(client, username="nobody")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
    assert "Signed in as" not in client.get("/").text


def test_sign_in_needs_the_forms_csrf_token(make_client, seeded):
    client = make_client()
    client.get("/signin")
    response = client.post("/signin", data={"username": "client1", "password": CLIENT_PASSWORD})
    assert response.status_code == 403
    forged = client.post("/signin", data={"username": "client1", "password": CLIENT_PASSWORD,
                                          "csrf_token": "forged"})
    assert forged.status_code == 403


def test_sign_in_replaces_the_session_and_passes_the_client_id_to_rasa(
    make_client, seeded, rasa_stand_in, db_engine
):
    client = make_client(rasa_url=rasa_stand_in.url)
    client.post("/api/chat", json={"text": "hi"})
    before = client.cookies[COOKIE_NAME]
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    after = client.cookies[COOKIE_NAME]
    assert after != before
    assert "Signed in as client1" in client.get("/").text
    client.post("/api/chat", json={"text": "how am I doing?"})
    prospect, signed_in = (r["body"] for r in rasa_stand_in.received)
    with db_engine.connect() as connection:
        client_id = connection.execute(sa.text(
            "SELECT client_id FROM client_accounts WHERE username = 'client1'")).scalar()
    assert prospect["metadata"] == {"page_language": "en"}
    assert signed_in["metadata"] == {"client_id": client_id, "page_language": "en"}
    assert signed_in["sender"] != prospect["sender"]
    # The cookie from before sign-in no longer names a session.
    client.cookies.set(COOKIE_NAME, before)
    assert "Signed in as" not in client.get("/").text


def test_sign_out_ends_the_signed_in_session(make_client, seeded):
    client = make_client()
    sign_in(client)
    page = client.get("/").text
    assert client.post("/signout", data={}, follow_redirects=False).status_code == 403
    response = client.post("/signout", data={"csrf_token": csrf_token(page)}, follow_redirects=False)
    assert response.status_code == 303
    assert "Signed in as" not in client.get("/").text


def test_sessions_expire(make_client, seeded, db_engine):
    client = make_client()
    sign_in(client)
    assert "Signed in as client1" in client.get("/").text
    with db_engine.begin() as connection:
        connection.execute(sa.text("UPDATE web_sessions SET expires_at = :t"),
                           {"t": utcnow() - timedelta(seconds=1)})
    assert "Signed in as" not in client.get("/").text


def test_activity_never_extends_a_session_past_its_lifetime(make_client, seeded, db_engine):
    client = make_client(session_max_hours=1)
    sign_in(client)
    with db_engine.begin() as connection:
        connection.execute(sa.text("UPDATE web_sessions SET created_at = :t"),
                           {"t": utcnow() - timedelta(minutes=59, seconds=58)})
    client.get("/")  # still live, but its expiry is capped at the lifetime
    with db_engine.connect() as connection:
        expires, created = connection.execute(
            sa.text("SELECT expires_at, created_at FROM web_sessions")).one()
    gap = datetime.fromisoformat(str(expires)) - datetime.fromisoformat(str(created))
    assert gap <= timedelta(hours=1)
