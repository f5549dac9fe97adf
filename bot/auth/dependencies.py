"""FastAPI dependencies for who is asking: the web session, the signed-in client or member of
staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from bot.auth import sessions
from bot.dependencies import DB, AppSettings
from db.accounts import ClientAccount, StaffRole, StaffUser, WebSession


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
