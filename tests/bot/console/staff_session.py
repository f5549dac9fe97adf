"""Signing in to the staff console the way a browser does: read the form's CSRF token, post it."""

from __future__ import annotations

import re


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, username="reviewer", password="review-demo-2026", path="/staff/signin"):
    token = csrf_token(client.get(path).text)
    return client.post(path, data={"username": username, "password": password,
                                   "csrf_token": token}, follow_redirects=False)
