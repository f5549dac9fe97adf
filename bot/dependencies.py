"""FastAPI dependencies of every route: the settings, the request's database session, JSON only."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from bot.database import get_db
from bot.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# "function" scope: commit before the response leaves, so a redirect that follows at once (after
# sign-in, say) already sees the new session.
DB = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]


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
