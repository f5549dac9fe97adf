"""The public website: the landing page with the chat widget, and client sign-in and sign-out."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from bot import i18n
from bot.auth import sessions, sign_ins
from bot.auth.dependencies import CurrentSession, signed_in_client
from bot.auth.sign_ins import Lockout
from bot.dependencies import DB, AppSettings
from bot.security import check_csrf
from db.accounts import ClientAccount, SignInRealm, client_account_named
from db.clients import record_activity
from db.clock import utcnow
from engine.assumptions import DEFAULT_MARKET, load_assumptions
from engine.wording import MissingText, texts

router = APIRouter(tags=["website"], include_in_schema=False)
Client = Annotated[ClientAccount | None, Depends(signed_in_client)]


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """A page in the request's language (see bot.i18n)."""
    return request.app.state.templates.TemplateResponse(
        request, name, {**i18n.template_context(request), **context}, status_code=status_code
    )


def locked_out(request: Request, name: str, context: dict, lockout: Lockout) -> HTMLResponse:
    """A sign-in page refusing a locked user name or address (429), with the wait in Retry-After."""
    response = render(request, name, {**context, "error": None, "locked_minutes": lockout.minutes,
                                      "locked_address": lockout.by_address},
                      status.HTTP_429_TOO_MANY_REQUESTS)
    response.headers["Retry-After"] = str(lockout.seconds)
    return response


@lru_cache(maxsize=8)
def asset_class_names(language: str = i18n.DEFAULT_LANGUAGE,
                      market: str = DEFAULT_MARKET) -> dict[str, str]:
    """Display names of the asset classes of ``market`` in ``language``, for the widget's chart
    legend and the algorithm statement.

    The names are the locale files' phrases ``asset_class_<key>`` (locales/<language>/advice.yml),
    the same words the chat's allocation lines use, so the legend and the chat never name a class
    two ways; a class no locale file names keeps the assumptions file's name.
    """
    words = texts(language)
    names = {}
    for key, name in load_assumptions(market=market).classes["name"].to_dict().items():
        try:
            names[str(key)] = words(f"asset_class_{key}")
        except MissingText:
            names[str(key)] = str(name)
    return names


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, session: CurrentSession, client: Client,
            settings: AppSettings) -> HTMLResponse:
    names = asset_class_names(i18n.request_language(request), settings.market)
    return render(request, "index.html", {"session": session, "client": client,
                                          "asset_names": names})


@router.get("/language/{code}")
def choose_language(request: Request, code: str,
                    back: Annotated[str, Query(alias="next", max_length=2000)] = "/"):
    """The language switch: keep the choice in the ``lang`` cookie and go back to the page."""
    try:
        language = i18n.checked_language(code)
    except i18n.UnknownLanguage:
        return render(request, "language_unknown.html", {"code": code, "client": None},
                      status.HTTP_400_BAD_REQUEST)
    # Only a path of this site: "//host" or "http://..." would make the switch an open redirect.
    back = back if back.startswith("/") and not back.startswith(("//", "/\\")) else "/"
    response = RedirectResponse(back, status.HTTP_303_SEE_OTHER)
    response.set_cookie(i18n.COOKIE, language, max_age=i18n.COOKIE_MAX_AGE, httponly=True,
                         samesite="lax", secure=request.app.state.settings.production)
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, session: CurrentSession, client: Client) -> HTMLResponse:
    return render(request, "signin.html", {"session": session, "client": client})


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
                               password, address=request.client.host if request.client else None)
    if verdict.lockout is not None:
        return locked_out(request, "signin.html", {"session": session, "client": None},
                          verdict.lockout)
    if not verdict.succeeded:
        return render(
            request,
            "signin.html",
            {"session": session, "client": None, "wrong_credentials": True},
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
