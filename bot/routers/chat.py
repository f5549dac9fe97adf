"""The chat gateway: the widget's messages go to Rasa's REST channel under the session's
conversation id, with the signed-in client's id as metadata; nothing the browser sends picks them.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse

from bot import rasa_gateway, sessions
from bot.dependencies import DB, AppSettings, CurrentSession, require_json, signed_in_client
from bot.schemas import ChatReply, ChatRequest, ChatUnavailable, Restarted
from db.accounts import ClientAccount
from db.review import UndeliveredMessage

router = APIRouter(prefix="/api/chat", tags=["chat"])

UNAVAILABLE = (
    "The advisor is temporarily unavailable. Your message has been kept; please try again in a "
    "few minutes."
)


@router.post(
    "",
    summary="Send a message to the advisor and get its replies",
    response_model=ChatReply,
    response_model_exclude_none=True,
    dependencies=[Depends(require_json)],
    responses={
        429: {"description": "Too many messages from this session; see Retry-After."},
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
    retry_after = request.app.state.chat_limiter.hit(session.token_hash)
    if retry_after is not None:
        seconds = max(1, math.ceil(retry_after))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many messages: please wait {seconds} s before sending another.",
            headers={"Retry-After": str(seconds)},
        )
    client_id = client.client_id if client is not None else None
    metadata = {"client_id": client_id} if client_id is not None else {}
    try:
        replies = rasa_gateway.send(
            settings.rasa_url,
            session.conversation_id,
            body.text,
            metadata,
            timeout=settings.rasa_timeout_seconds,
            client=request.app.state.http_client,
        )
    except rasa_gateway.RasaUnavailable as exc:
        db.add(
            UndeliveredMessage(
                conversation_id=session.conversation_id,
                client_id=client_id,
                text=body.text,
                reason=exc.reason[:200],
                created_at=sessions.utcnow(),
            )
        )
        return JSONResponse(
            ChatUnavailable(detail=UNAVAILABLE, kept=True).model_dump(),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "60"},
        )
    return ChatReply(messages=rasa_gateway.translate(replies))


@router.post(
    "/restart",
    summary="Start a new conversation",
    response_model=Restarted,
    dependencies=[Depends(require_json)],
)
def restart(session: CurrentSession) -> Restarted:
    session.conversation_id = sessions.new_conversation_id()
    return Restarted()
