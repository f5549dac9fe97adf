"""The gateway to Rasa's REST channel: send one user message, translate the bot's replies.

Rasa answers ``POST /webhooks/rest/webhook`` with a list of ``{"recipient_id", "text", "buttons",
"image", "custom"}``; the widget gets the same messages without the recipient and without fields
that do not apply. Any failure to get a reply (refused connection, timeout, an error status, a
reply that is not a list, or no reply at all, which is what Rasa sends when the action server is
down) raises :class:`RasaUnavailable`.

Several Rasa servers can share the work (:class:`RasaServers`): they share the tracker store and a
Redis lock store, so any of them can take any turn of any conversation. Messages go to them in turn;
a server that refuses the connection is skipped, since the message never reached it.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import httpx

from bot.chat.schemas import Button, ChatMessage

WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa gave no usable reply; ``reason`` says why (kept with the undelivered message)."""

    def __init__(self, reason: str, *, unreached: bool = False):
        super().__init__(reason)
        self.reason = reason
        #: True when the message surely never reached Rasa (the connection was refused), so
        #: another server may take it without the risk of handling it twice.
        self.unreached = unreached


def send(
    rasa_url: str,
    conversation_id: str,
    text: str,
    metadata: dict[str, Any],
    *,
    timeout: float,
    client: httpx.Client | None = None,
) -> list[dict[str, Any]]:
    """Post ``text`` to Rasa as ``conversation_id`` and return its raw replies."""
    body = {"sender": conversation_id, "message": text, "metadata": metadata}
    url = rasa_url.rstrip("/") + WEBHOOK_PATH
    try:
        if client is None:
            response = httpx.post(url, json=body, timeout=timeout)
        else:
            response = client.post(url, json=body, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise RasaUnavailable(f"no reply within {timeout:g} s") from exc
    except httpx.ConnectError as exc:
        raise RasaUnavailable(f"cannot reach Rasa: {type(exc).__name__}", unreached=True) from exc
    except httpx.TransportError as exc:
        raise RasaUnavailable(f"cannot reach Rasa: {type(exc).__name__}") from exc
    if response.status_code >= 400:
        raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
    try:
        replies = response.json()
    except ValueError as exc:
        raise RasaUnavailable("Rasa's reply is not JSON") from exc
    if not isinstance(replies, list) or not all(isinstance(r, dict) for r in replies):
        raise RasaUnavailable("Rasa's reply is not a list of messages")
    if not replies:
        raise RasaUnavailable("Rasa sent no reply (is the action server running?)")
    return replies


class RasaServers:
    """Rasa servers that share one tracker store and lock store, taken in turn.

    Parameters
    ----------
    urls : list of str
        Base URLs of the servers (at least one).
    """

    def __init__(self, urls: list[str]):
        if not urls:
            raise ValueError("RasaServers needs at least one Rasa URL")
        self.urls = list(urls)
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def order(self) -> list[str]:
        """All servers, starting with the next one in turn."""
        with self._lock:
            start = next(self._turn) % len(self.urls)
        return self.urls[start:] + self.urls[:start]

    def send(self, conversation_id: str, text: str, metadata: dict[str, Any],
             **options: Any) -> list[dict[str, Any]]:
        """:func:`send` (``options``: its ``timeout`` and ``client``) to the next server; on a
        refused connection, to the one after it."""
        failure: RasaUnavailable | None = None
        for url in self.order():
            try:
                return send(url, conversation_id, text, metadata, **options)
            except RasaUnavailable as exc:
                if not exc.unreached:
                    raise
                failure = exc
        assert failure is not None
        raise RasaUnavailable(f"no Rasa server reachable ({failure.reason})", unreached=True)


def translate(replies: list[dict[str, Any]]) -> list[ChatMessage]:
    """Rasa's messages as the widget's: text, buttons, image and custom payload when present."""
    messages = []
    for reply in replies:
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in reply.get("buttons") or []
            if isinstance(b, dict)
        ]
        custom = reply.get("custom")
        message = ChatMessage(
            text=reply.get("text") if isinstance(reply.get("text"), str) else None,
            buttons=buttons or None,
            image=reply.get("image") if isinstance(reply.get("image"), str) else None,
            custom=custom if isinstance(custom, dict) else None,
        )
        if message.model_dump(exclude_none=True):
            messages.append(message)
    return messages
