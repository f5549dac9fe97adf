"""Request and response bodies of the chat gateway, ``/api/chat``."""

from __future__ import annotations

from typing import Any, Literal

from babel.support import NullTranslations
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

#: Longest chat message accepted, in characters.
MAX_CHAT_TEXT = 2_000
_MARK = NullTranslations()
#: What is wrong with a chat text, marked for `pybabel extract`: each message is a msgid of the web
#: catalogs (locales/<language>/LC_MESSAGES/web.po), said in the request's language (bot.errors).
EMPTY = _MARK.gettext("must not be empty")
TOO_LONG = _MARK.gettext("must be at most %(limit)s characters, got %(length)s")
CONTROL = _MARK.gettext("must not contain control characters (found %(character)s)")
#: C0 control characters and DEL, but tab and line breaks, which a pasted text may carry.
_CONTROL = frozenset(chr(c) for c in [*range(0x20), 0x7F]) - {"\t", "\n", "\r"}


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"What the user typed, 1 to {MAX_CHAT_TEXT:,} characters.")

    @field_validator("text")
    @classmethod
    def _length(cls, text: str) -> str:
        if not text.strip():
            raise _refusal("chat_text_empty", EMPTY)
        if len(text) > MAX_CHAT_TEXT:
            raise _refusal("chat_text_too_long", TOO_LONG, limit=f"{MAX_CHAT_TEXT:,}",
                           length=f"{len(text):,}")
        # Control characters are never typed on purpose; NUL cannot even be stored in PostgreSQL.
        control = next((c for c in text if c in _CONTROL), None)
        if control is not None:
            raise _refusal("chat_text_control", CONTROL, character=f"U+{ord(control):04X}")
        return text


def _refusal(kind: str, msgid: str, **values: str) -> PydanticCustomError:
    """A validation error whose message is the catalogs' ``msgid`` filled with ``values``: English
    as raised, and in the request's language once bot.errors answers (it reads ``msgid`` from the
    error's context)."""
    return PydanticCustomError(kind, (msgid % values).replace("{", "{{").replace("}", "}}"),
                               {"msgid": msgid, **values})


class Button(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    """One bot message; fields that do not apply are left out of the JSON."""

    text: str | None = None
    buttons: list[Button] | None = None
    image: str | None = None
    custom: dict[str, Any] | None = None


class ChatReply(BaseModel):
    messages: list[ChatMessage]


class PastMessage(ChatMessage):
    """A message of the conversation so far: the client's (its text as shown, a button's title
    for a button) or the advisor's."""

    sender: Literal["user", "bot"]


class ChatHistory(BaseModel):
    language: str | None = Field(
        description="The conversation's language (en, zh); absent before it was set.")
    messages: list[PastMessage] = Field(
        description="The session's messages so far, oldest first; empty for a new conversation.")


class ChatUnavailable(BaseModel):
    detail: str
    kept: bool = Field(description="True when the message was stored for staff to follow up.")


class Restarted(BaseModel):
    restarted: bool = True
