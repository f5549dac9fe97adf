"""FastAPI dependencies: settings, the web session, the signed-in client or staff member, JSON only."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from bot import sessions
from bot.database import get_db
from bot.settings import Settings
from db.accounts import ClientAccount, StaffRole, StaffUser, WebSession


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# "function" scope: commit before the response leaves, so a redirect that follows at once (after
# sign-in, say) already sees the new session.
DB = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]


def web_session(request: Request, db: DB, settings: AppSettings) -> WebSession:
    """The browser's live session, or a new one (anonymous visitors are prospects)."""
    session = sessions.load(db, request, settings) or sessions.start(db, request, settings)
    # Commit the session's own writes at once: on SQLite a pending write holds the database's
    # write lock, and while the chat waits for Rasa, Rasa's tracker store (same database) could
    # not save the turn.
    db.commit()
    return session


CurrentSession = Annotated[WebSession, Depends(web_session)]


def signed_in_client(session: CurrentSession, db: DB) -> ClientAccount | None:
    if session.client_account_id is None:
        return None
    account = db.get(ClientAccount, session.client_account_id)
    return account if account is not None and account.active else None


def signed_in_staff(session: CurrentSession, db: DB) -> StaffUser | None:
    if session.staff_user_id is None:
        return None
    user = db.get(StaffUser, session.staff_user_id)
    return user if user is not None and user.active else None


def require_staff(user: Annotated[StaffUser | None, Depends(signed_in_staff)]) -> StaffUser:
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Staff sign-in required.")
    return user


def require_admin(user: Annotated[StaffUser, Depends(require_staff)]) -> StaffUser:
    if user.role != StaffRole.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This needs the admin role.")
    return user


def require_json(request: Request) -> None:
    """Refuse a body that is not declared as JSON, with 415 rather than a confusing 422.

    Requiring ``application/json`` also keeps cross-site HTML forms, which cannot send that type
    without a CORS preflight, from posting chat messages with the visitor's cookie.
    """
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type must be application/json, got {content_type or 'none'}.",
        )
