"""Server-side web sessions behind a signed, HttpOnly, SameSite cookie.

The cookie carries only a random token signed with ``SECRET_KEY``; everything else (conversation
id, who is signed in, the CSRF token) lives in the ``web_sessions`` table under the token's SHA-256.
Signing in or out replaces the session, so a token seen before sign-in is worthless after it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from fastapi import Request
from itsdangerous import BadSignature, Signer
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Scope

from bot.response_headers import Headers, ResponseHeadersMiddleware
from bot.settings import Settings
from db.accounts import WebSession, delete_expired_sessions, web_session
from db.clock import utcnow

COOKIE_NAME = "advisor_session"
_STATE_KEY = "session_cookie"  # request.state attribute read by SessionCookieMiddleware


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key, salt="advisor.web-session")


def new_conversation_id() -> str:
    return uuid.uuid4().hex


def load(db: Session, request: Request, settings: Settings) -> WebSession | None:
    """The live session named by the request's cookie, its idle expiry pushed back; else None."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        token = _signer(settings).unsign(raw).decode()
    except BadSignature:
        return None
    session = web_session(db, _token_hash(token))
    if session is None:
        return None
    now = utcnow()
    if session.expires_at <= now:
        db.delete(session)
        return None
    session.expires_at = min(
        now + timedelta(minutes=settings.session_idle_minutes),
        session.created_at + timedelta(hours=settings.session_max_hours),
    )
    return session


def start(
    db: Session,
    request: Request,
    settings: Settings,
    *,
    client_account_id: int | None = None,
    staff_user_id: int | None = None,
) -> WebSession:
    """A new session with a new conversation; the response will carry its cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session = WebSession(
        token_hash=_token_hash(token),
        conversation_id=new_conversation_id(),
        csrf_token=secrets.token_urlsafe(32),
        client_account_id=client_account_id,
        staff_user_id=staff_user_id,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.session_idle_minutes),
    )
    db.add(session)
    db.flush()
    setattr(request.state, _STATE_KEY, _signer(settings).sign(token).decode())
    return session


def replace(
    db: Session, request: Request, settings: Settings, old: WebSession | None, **who: int | None
) -> WebSession:
    """End ``old`` and start a new session (sign-in, sign-out): the session id always changes."""
    if old is not None:
        db.delete(old)
    purge_expired(db)  # sign-ins are frequent enough to keep the table small
    db.flush()
    return start(db, request, settings, **who)


def purge_expired(db: Session) -> int:
    """Delete expired sessions; return how many."""
    return delete_expired_sessions(db, utcnow())


class SessionCookieMiddleware(ResponseHeadersMiddleware):
    """Sets the session cookie that a request handler asked for, whatever response it returned."""

    def __init__(self, app: ASGIApp, *, secure: bool):
        super().__init__(app)
        self.secure = secure

    def headers(self, scope: Scope, headers: Headers) -> Headers:
        value = scope.get("state", {}).get(_STATE_KEY)
        if not value:
            return headers
        attributes = ["Path=/", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            attributes.append("Secure")
        cookie = "; ".join([f"{COOKIE_NAME}={value}", *attributes])
        return [*headers, (b"set-cookie", cookie.encode())]
