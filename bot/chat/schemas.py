"""Request and response bodies of the chat gateway, ``/api/chat``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Longest chat message accepted, in characters.
MAX_CHAT_TEXT = 2_000
#: C0 control characters and DEL, but tab and line breaks, which a pasted text may carry.
_CONTROL = frozenset(chr(c) for c in [*range(0x20), 0x7F]) - {"\t", "\n", "\r"}


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"What the user typed, 1 to {MAX_CHAT_TEXT:,} characters.")

    @field_validator("text")
    @classmethod
    def _length(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be empty")
        if len(text) > MAX_CHAT_TEXT:
            raise ValueError(f"must be at most {MAX_CHAT_TEXT:,} characters, got {len(text):,}")
        # Control characters are never typed on purpose; NUL cannot even be stored in PostgreSQL.
        control = next((c for c in text if c in _CONTROL), None)
        if control is not None:
            raise ValueError(f"must not contain control characters (found U+{ord(control):04X})")
        return text


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


class ChatUnavailable(BaseModel):
    detail: str
    kept: bool = Field(description="True when the message was stored for staff to follow up.")


class Restarted(BaseModel):
    restarted: bool = True
