"""Who may use which route: every route of the web app against every kind of visitor.

The matrix (route_matrix.py) names every route. A route added to the app without an entry fails
``test_every_route_has_a_matrix_entry``, so nobody can add a page or an endpoint without deciding
who may use it.
"""

from __future__ import annotations

import pytest
from route_matrix import CLIENT_ID, CONVERSATION, MATRIX, SESSION_ENDING, SIGNIN, app_routes
from sqlalchemy import create_engine, select
from visitors import ROLES, csrf_token

from bot.auth.demo_passwords import CLIENT_USERNAMES
from bot.chat.routes import UNAVAILABLE
from db.accounts import ClientAccount
from db.review import ReviewEvent, UndeliveredMessage
from db.session import session_scope


def test_every_route_has_a_matrix_entry(site):
    app = site.visitor().app
    routes = app_routes(app)
    assert routes - MATRIX.keys() == set(), "routes without an authorization matrix entry"
    assert MATRIX.keys() - routes == set(), "matrix entries for routes that no longer exist"


#: The chat's answer while Rasa is down: the message kept for staff.
RASA_DOWN = {"detail": UNAVAILABLE, "kept": True}


def _outcome(response) -> int | str:
    if response.status_code == 303 and response.headers["location"] == "/staff/signin":
        return SIGNIN
    return response.status_code


@pytest.fixture(scope="module")
def known(site):
    """A conversation that exists (a message kept while Rasa was down) and a demo client's id."""
    visitor = site.visitor()
    response = visitor.post("/api/chat", json={"text": "hello"})
    assert (response.status_code, response.json()) == (503, RASA_DOWN)
    engine = create_engine(site.database_url)
    with session_scope(engine) as session:
        conversation = session.scalars(select(UndeliveredMessage.conversation_id)).first()
        client_id = session.scalars(select(ClientAccount.client_id)
                                    .where(ClientAccount.username == CLIENT_USERNAMES[0])).one()
    engine.dispose()
    return {CONVERSATION: conversation, CLIENT_ID: str(client_id)}


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(site, known, role):
    visitor = site.visitor(role)
    ordered = sorted(MATRIX, key=lambda route: route in SESSION_ENDING)
    outcomes, expected = {}, {}
    for route in ordered:
        probe, allowed = MATRIX[route]
        path = probe.path
        for placeholder, value in known.items():
            path = path.replace(placeholder, value)
        # The token is read again for each form: a sign-out before it replaced the session.
        form = None if probe.form is None else {**probe.form, "csrf_token": csrf_token(visitor)}
        response = visitor.request(probe.method, path, json=probe.json, data=form,
                                   follow_redirects=False)
        outcomes[route], expected[route] = _outcome(response), allowed[role]
    assert outcomes == expected


def test_each_client_chats_in_a_conversation_of_their_own(site):
    """Two clients' messages go to different conversations, each tagged with its own client id;
    a member of staff chatting is not taken for a client."""
    engine = create_engine(site.database_url)
    sent = {}
    for role in ("client", "other_client", "reviewer"):
        text = f"message from {role}"
        response = site.visitor(role).post("/api/chat", json={"text": text})
        assert (response.status_code, response.json()) == (503, RASA_DOWN)
        with session_scope(engine) as session:
            sent[role] = session.scalars(select(UndeliveredMessage)
                                         .where(UndeliveredMessage.text == text)).one()
        with session_scope(engine) as session:
            accounts = {a.username: a.client_id for a in session.scalars(select(ClientAccount))}
    engine.dispose()
    assert sent["client"].client_id == accounts["client1"]
    assert sent["other_client"].client_id == accounts["client2"]
    assert sent["reviewer"].client_id is None
    assert len({m.conversation_id for m in sent.values()}) == 3


def test_a_client_cannot_write_to_the_review_trail(site, known):
    visitor = site.visitor("client")
    response = visitor.post(f"/staff/conversations/{known[CONVERSATION]}/review",
                            data={"action": "flag", "value": "", "csrf_token": csrf_token(visitor)},
                            follow_redirects=False)
    assert _outcome(response) == SIGNIN
    engine = create_engine(site.database_url)
    with session_scope(engine) as session:
        flags = session.scalars(select(ReviewEvent).where(ReviewEvent.action == "flag")).all()
    engine.dispose()
    assert flags == []
