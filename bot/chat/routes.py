"""The chat gateway: the widget's messages go to Rasa's REST channel under the session's
conversation id, with the signed-in client's id as metadata; nothing the browser sends picks them.

The metadata also carries the page's language (``page_language``: the ``lang`` cookie of the site's
switch, else ``Accept-Language``, else English; bot.i18n), a preference the browser may state: a
conversation starts in it, and its first message or a request may change that (engine/language.py,
applied by actions/language.py).
"""

from __future__ import annotations

import math
from typing import Annotated

from babel.support import NullTranslations
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse

from bot.auth import sessions
from bot.auth.dependencies import CurrentSession, signed_in_client
from bot.chat import rasa_gateway, rate_limit
from bot.chat.history import chat_history
from bot.chat.schemas import ChatHistory, ChatReply, ChatRequest, ChatUnavailable, Restarted
from bot.dependencies import DB, AppSettings, require_json
from bot.i18n import request_language
from bot.settings import Settings
from db.accounts import ClientAccount
from db.clients import record_activity
from db.clock import utcnow
from db.review import UndeliveredMessage

router = APIRouter(prefix="/api/chat", tags=["chat"])

_MARK = NullTranslations()
#: The chat's refusals, marked for `pybabel extract`: msgids of the web catalogs
#: (locales/<language>/LC_MESSAGES/web.po), said in the request's language (:func:`_said`).
UNAVAILABLE = _MARK.gettext(
    "The advisor is temporarily unavailable. Your message has been kept; please try again in a "
    "few minutes."
)
RATE_LIMITED = _MARK.gettext(
    "Too many messages: please wait %(seconds)s s before sending another.")


def _said(request: Request, msgid: str, **values) -> str:
    """``msgid`` in the request's language (bot.i18n), its placeholders filled with ``values``."""
    return request.app.state.translations[request_language(request)].gettext(msgid) % values


def _rasa_servers(request: Request, settings: Settings) -> rasa_gateway.RasaServers:
    """The app's Rasa servers (routed as ``settings.rasa_routing``), made on first use."""
    state = request.app.state
    if getattr(state, "rasa_servers", None) is None:
        state.rasa_servers = rasa_gateway.RasaServers(settings.rasa_servers,
                                                      settings.rasa_routing)
    return state.rasa_servers


def _limiter(request: Request, settings: Settings, name: str, limit: int,
             prefix: str) -> rate_limit.Limiter:
    """One of the chat's rate limits: the app's own ``state.<name>``, or with REDIS_URL set one
    shared in Redis under ``prefix``, made on first use."""
    state = request.app.state
    if not settings.redis_url:
        return getattr(state, name)
    shared = f"shared_{name}"
    if getattr(state, shared, None) is None:
        setattr(state, shared, rate_limit.chat_limiter(
            limit, settings.chat_rate_window_seconds, settings.redis_url, prefix=prefix))
    return getattr(state, shared)


def _wait(request: Request, settings: Settings, session_key: str) -> float | None:
    """Seconds to wait before the next message, or None: both limits are counted on every
    message, and the longer wait applies."""
    address = request.client.host if request.client is not None else "unknown"
    waits = [
        _limiter(request, settings, "chat_limiter", settings.chat_rate_limit,
                 "chat-rate:").hit(session_key),
        _limiter(request, settings, "chat_address_limiter", settings.chat_address_limit,
                 "chat-rate-address:").hit(address),
    ]
    return max((w for w in waits if w is not None), default=None)


@router.post(
    "",
    summary="Send a message to the advisor and get its replies",
    response_model=ChatReply,
    response_model_exclude_none=True,
    dependencies=[Depends(require_json)],
    responses={
        429: {"description": "Too many messages from this session or address; see Retry-After."},
        503: {"model": ChatUnavailable, "description": "Rasa is down; the message was kept."},
    },
)
def chat(
    body: ChatRequest,
    request: Request,
    db: DB,
    settings: AppSettings,
    session: CurrentSession,
    client: Annotated[ClientAccount | None, Depends(signed_in_client)],
):
    retry_after = _wait(request, settings, session.token_hash)
    if retry_after is not None:
        seconds = max(1, math.ceil(retry_after))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            _said(request, RATE_LIMITED, seconds=seconds),
            headers={"Retry-After": str(seconds)},
        )
    client_id = client.client_id if client is not None else None
    metadata = {"page_language": request_language(request)}
    if client_id is not None:
        metadata["client_id"] = client_id
    try:
        replies = _rasa_servers(request, settings).send(
            session.conversation_id,
            body.text,
            metadata,
            timeout=settings.rasa_timeout_seconds,
            client=request.app.state.http_client,
        )
    except rasa_gateway.RasaUnavailable as exc:
        _record_contact(db, client_id)
        db.add(
            UndeliveredMessage(
                conversation_id=session.conversation_id,
                client_id=client_id,
                text=body.text,
                reason=exc.reason[:200],
                created_at=utcnow(),
            )
        )
        return JSONResponse(
            ChatUnavailable(detail=_said(request, UNAVAILABLE), kept=True).model_dump(),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "60"},
        )
    _record_contact(db, client_id)
    return ChatReply(messages=rasa_gateway.translate(replies))


def _record_contact(db: DB, client_id: int | None) -> None:
    """A signed-in client's message is contact with the firm, kept as their activity. Written
    after Rasa answered: a write held open during the turn would block the action server's own
    writes on SQLite."""
    if client_id is not None:
        record_activity(db, client_id, "contact", utcnow())


@router.get(
    "/history",
    summary="The conversation so far, to show again when the page loads",
    response_model=ChatHistory,
    response_model_exclude_none=True,
)
def history(db: DB, session: CurrentSession) -> ChatHistory:
    return chat_history(db, session.conversation_id)


@router.post(
    "/restart",
    summary="Start a new conversation",
    response_model=Restarted,
    dependencies=[Depends(require_json)],
)
def restart(session: CurrentSession) -> Restarted:
    session.conversation_id = sessions.new_conversation_id()
    return Restarted()
