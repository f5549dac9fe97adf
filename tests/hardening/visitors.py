"""The visitors of the authorization matrix: their roles, demo accounts and how they sign in.

A plain module (not the conftest) so that test files import it by a name no other test folder uses.
"""

from __future__ import annotations

import re
import socket

from fastapi.testclient import TestClient

from bot.auth.demo_passwords import CLIENT_PASSWORD

#: Who visits the site in the authorization matrix, and the demo account each one signs in with.
ROLES = ("anonymous", "client", "other_client", "reviewer", "admin")
ACCOUNTS = {
    "client": ("/signin", "client1", CLIENT_PASSWORD),
    "other_client": ("/signin", "client2", CLIENT_PASSWORD),
    "reviewer": ("/staff/signin", "reviewer", "review-demo-2026"),
    "admin": ("/staff/signin", "admin", "admin-demo-2026"),
}


def closed_port() -> int:
    """A local port nothing listens on (bound, then released): Rasa is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def csrf_token(client: TestClient) -> str:
    """The CSRF token of the client's current session, as a page's forms carry it."""
    html = client.get("/signin").text
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, role: str) -> None:
    path, username, password = ACCOUNTS[role]
    response = client.post(path, data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 303, f"{username} could not sign in: {response.text[:200]}"
