"""The public website: the landing page with the chat widget, and client sign-in and sign-out."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.auth import sessions, sign_ins
from bot.auth.dependencies import CurrentSession, signed_in_client
from bot.auth.sign_ins import Lockout
from bot.dependencies import DB, AppSettings
from bot.security import check_csrf
from db.accounts import ClientAccount, SignInRealm, client_account_named
from db.clients import record_activity
from db.clock import utcnow
from engine.assumptions import load_assumptions

router = APIRouter(tags=["website"], include_in_schema=False)
Client = Annotated[ClientAccount | None, Depends(signed_in_client)]


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


def locked_out(request: Request, name: str, context: dict, lockout: Lockout) -> HTMLResponse:
    """A sign-in page refusing a locked user name (429), with the wait in Retry-After."""
    response = render(request, name, {**context, "error": None, "locked_minutes": lockout.minutes},
                      status.HTTP_429_TOO_MANY_REQUESTS)
    response.headers["Retry-After"] = str(lockout.seconds)
    return response


@lru_cache(maxsize=1)
def asset_class_names() -> dict[str, str]:
    """Display names of the asset classes, for the widget's chart legend."""
    return {str(k): str(v) for k, v in load_assumptions().classes["name"].to_dict().items()}


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, session: CurrentSession, client: Client) -> HTMLResponse:
    return render(request, "index.html", {"session": session, "client": client,
                                          "asset_names": asset_class_names()})


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, session: CurrentSession, client: Client) -> HTMLResponse:
    return render(request, "signin.html", {"session": session, "client": client, "error": None})


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    db: DB,
    settings: AppSettings,
    session: CurrentSession,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
):
    check_csrf(session.csrf_token, csrf_token)
    account = client_account_named(db, sign_ins.typed_name(username))
    # An unknown name is checked against a dummy hash: the same work as a wrong password.
    password_hash = account.password_hash if account is not None and account.active else None
    verdict = sign_ins.attempt(db, settings, SignInRealm.client, username,
                               account.id if account is not None else None, password_hash,
                               password)
    if verdict.lockout is not None:
        return locked_out(request, "signin.html", {"session": session, "client": None},
                          verdict.lockout)
    if not verdict.succeeded:
        return render(
            request,
            "signin.html",
            {"session": session, "client": None, "error": "Wrong user name or password."},
            status.HTTP_401_UNAUTHORIZED,
        )
    sessions.replace(db, request, settings, session, client_account_id=account.id)
    # Signing in is the client's own activity: the lifecycle's "last login" counts from it.
    record_activity(db, account.client_id, "login", utcnow())
    return RedirectResponse("/", status.HTTP_303_SEE_OTHER)


@router.post("/signout")
def signout(
    request: Request,
    db: DB,
    settings: AppSettings,
    session: CurrentSession,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
):
    check_csrf(session.csrf_token, csrf_token)
    sessions.replace(db, request, settings, session)
    return RedirectResponse("/", status.HTTP_303_SEE_OTHER)
