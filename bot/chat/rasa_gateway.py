"""The gateway to Rasa's REST channel: send one user message, translate the bot's replies.

Rasa answers ``POST /webhooks/rest/webhook`` with a list of ``{"recipient_id", "text", "buttons",
"image", "custom"}``; the widget gets the same messages without the recipient and without fields
that do not apply. Any failure to get a reply (refused connection, timeout, an error status, a
reply that is not a list, or no reply at all, which is what Rasa sends when the action server is
down) raises :class:`RasaUnavailable`.

Several Rasa servers can share the work (:class:`RasaServers`), all writing one tracker store. By
default each conversation always goes to the same server (``conversation`` routing), so a server's
own in-memory lock store is enough to take a conversation's turns one at a time: two servers use
both cores of a machine without Redis. With a Redis lock store shared by the servers, ``turns``
routing sends messages to the servers in turn. Either way a server that refuses the connection is
skipped, since the message never reached it.
"""

from __future__ import annotations

import hashlib
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


#: How messages are spread over several servers (``RASA_ROUTING``).
ROUTINGS = ("conversation", "turns")


def _rank(conversation_id: str, url: str) -> bytes:
    return hashlib.sha256(f"{url}\n{conversation_id}".encode()).digest()


class RasaServers:
    """Rasa servers that share one tracker store.

    Parameters
    ----------
    urls : list of str
        Base URLs of the servers (at least one).
    routing : {"conversation", "turns"}
        ``conversation``: every turn of a conversation goes to the same server, chosen by
        rendezvous hashing of the conversation ID (the server whose SHA-256 of URL and ID is
        highest), so the servers may keep their conversation locks in memory, and adding a server
        moves only the conversations it now ranks first. ``turns``: the servers in turn, which
        needs a lock store they share (Redis).
    """

    def __init__(self, urls: list[str], routing: str = "conversation"):
        if not urls:
            raise ValueError("RasaServers needs at least one Rasa URL")
        if routing not in ROUTINGS:
            raise ValueError(f"routing must be one of {ROUTINGS}, not {routing!r}")
        self.urls = list(urls)
        self.routing = routing
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def order(self, conversation_id: str = "") -> list[str]:
        """All servers, the one to try first first: the conversation's own, or the next in turn."""
        if self.routing == "conversation":
            return sorted(self.urls, key=lambda url: _rank(conversation_id, url), reverse=True)
        with self._lock:
            start = next(self._turn) % len(self.urls)
        return self.urls[start:] + self.urls[:start]

    def send(self, conversation_id: str, text: str, metadata: dict[str, Any],
             **options: Any) -> list[dict[str, Any]]:
        """:func:`send` (``options``: its ``timeout`` and ``client``) to the conversation's server
        (or the next in turn); on a refused connection, to the one after it."""
        failure: RasaUnavailable | None = None
        for url in self.order(conversation_id):
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
