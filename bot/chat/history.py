"""The conversation so far as the widget shows it again when its page loads: the client's messages
as they were shown (a button's title rather than its payload) and the advisor's replies in the
shape of the chat's replies (bot.chat.rasa_gateway.translate)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from bot.chat.rasa_gateway import translate
from bot.chat.schemas import ChatHistory, PastMessage
from db.chat_history import LANGUAGE_SLOT, session_messages

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


@lru_cache(maxsize=4)
def initial_language(domain: Path = DOMAIN) -> str | None:
    """The language a conversation has before anything sets it: the slot's initial value."""
    slots = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("slots") or {}
    return (slots.get(LANGUAGE_SLOT) or {}).get("initial_value")


def _shown(text: str, buttons: dict[str, str]) -> str | None:
    """How the client's message was shown: as typed, or as the title of the button whose payload
    it is. A payload no button offered (the widget's own ``/switch_language``) was not shown."""
    if not text.startswith("/"):
        return text
    return buttons.get(text)


def chat_history(db: Session, conversation_id: str) -> ChatHistory:
    found = session_messages(db, conversation_id)
    messages: list[PastMessage] = []
    offered: dict[str, str] = {}  # payload -> title of the buttons shown so far
    for sender, data in found.messages:
        if sender == "user":
            text = _shown(str(data.get("text") or ""), offered)
            if text:
                messages.append(PastMessage(sender="user", text=text))
            continue
        reply = {"text": data.get("text"), **(data.get("data") or {})}
        for message in translate([reply]):
            offered.update({b.payload: b.title for b in message.buttons or []})
            messages.append(PastMessage(sender="bot", **message.model_dump()))
    language = found.language or (initial_language() if messages else None)
    return ChatHistory(language=language, messages=messages)
