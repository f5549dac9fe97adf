"""Error replies that name the problem: the field for invalid input, the cause for a bad body.

FastAPI's default 422 lists locations such as ``["body", "age"]`` and messages that do not say
which field they are about; here each message starts with the field's dotted name, and a body that
is not JSON at all gets a 400 that says so. A message raised with a msgid of the web catalogs in
its context (the chat's, bot.chat.schemas) is said in the request's language (bot.i18n). A database that cannot be reached (server down, file
gone) or is busy (a lock another transaction holds outlasted ``DATABASE_LOCK_TIMEOUT_SECONDS``, see
``db.session``) gets a 503 that says which; the request's transaction was rolled back whole, so
nothing of it was stored.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.i18n import request_language

_SOURCES = {"body", "query", "path", "header", "cookie"}
DATABASE_DOWN = (
    "The service is temporarily unavailable: its database cannot be reached. Nothing was saved; "
    "please try again in a few minutes."
)
DATABASE_BUSY = (
    "The service is temporarily unavailable: its database is busy. Nothing was saved; please try "
    "again in a moment."
)
#: Seconds a client is asked to wait before retrying when the database is down.
RETRY_AFTER_SECONDS = 30
#: Seconds a client is asked to wait before retrying when the database is busy (locked).
RETRY_AFTER_BUSY_SECONDS = 5
#: PostgreSQL's SQLSTATEs for a lock wait past lock_timeout and a statement past statement_timeout.
_POSTGRESQL_BUSY = {"55P03", "57014"}


def field_name(loc: tuple | list) -> str:
    """Dotted field name of a pydantic error location, without the request part it came from."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _readable(error: dict, gettext: Callable[[str], str] | None = None) -> dict:
    """An error as the reply lists it. One raised with a ``msgid`` in its context (a msgid of the
    web catalogs, see bot.chat.schemas) is said with ``gettext``, in the request's language."""
    field = field_name(error.get("loc", ()))
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    context = error.get("ctx") or {}
    if gettext is not None and isinstance(context.get("msgid"), str):
        message = gettext(context["msgid"]) % context
    return {"field": field, "loc": list(error.get("loc", ())), "msg": f"{field}: {message}",
            "type": error.get("type")}


def _gettext(request: Request) -> Callable[[str], str] | None:
    """The web catalogs' gettext in the request's language, once the app has compiled them."""
    translations = getattr(request.app.state, "translations", None)
    return translations[request_language(request)].gettext if translations else None


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "invalid JSON")
            return JSONResponse(
                {"detail": f"The request body is not valid JSON ({reason})."},
                status_code=status.HTTP_400_BAD_REQUEST,
            )
    gettext = _gettext(request)
    return JSONResponse(
        {"detail": [_readable(e, gettext) for e in errors]},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def database_busy(exc: Exception) -> bool:
    """Whether a database error is a wait for another transaction's lock that timed out."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _POSTGRESQL_BUSY:
        return True
    # sqlite3 names the result code (SQLITE_BUSY, SQLITE_LOCKED and their extended codes).
    return str(getattr(orig, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


async def database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    detail, retry = ((DATABASE_BUSY, RETRY_AFTER_BUSY_SECONDS) if database_busy(exc)
                     else (DATABASE_DOWN, RETRY_AFTER_SECONDS))
    return JSONResponse({"detail": detail}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(retry)})


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    # Failures to reach the database or to get a lock in time, not errors in a query (those stay
    # 500s, as bugs).
    for unreachable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unreachable, database_unavailable)
