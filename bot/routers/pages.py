"""The public website: the landing page with the chat widget, and client sign-in and sign-out."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from bot import sessions
from bot.dependencies import DB, AppSettings, CurrentSession, signed_in_client
from bot.passwords import verify_password
from bot.security import check_csrf
from db.accounts import ClientAccount
from engine.assumptions import load_assumptions

router = APIRouter(tags=["website"], include_in_schema=False)
Client = Annotated[ClientAccount | None, Depends(signed_in_client)]


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


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
    account = db.scalar(select(ClientAccount).where(ClientAccount.username == username.strip()))
    # An unknown name is checked against a dummy hash: the same work as a wrong password.
    password_hash = account.password_hash if account is not None and account.active else None
    if not verify_password(password_hash, password):
        return render(
            request,
            "signin.html",
            {"session": session, "client": None, "error": "Wrong user name or password."},
            status.HTTP_401_UNAUTHORIZED,
        )
    sessions.replace(db, request, settings, session, client_account_id=account.id)
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
