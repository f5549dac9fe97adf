"""The latest session of a conversation as its client saw it: the messages sent and the replies, and
the conversation's language, read from Rasa's events table (db.tracker_events).

The chat widget shows them again when its page loads (after the site's language switch, or a visit
to another page), so a conversation under way is not lost from view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.tracker_events import conversation_events, event_data

#: Events that start the conversation afresh: what came before is another session.
_STARTS = {"session_started", "restart"}
#: The slot that holds the conversation's language (domain.yml).
LANGUAGE_SLOT = "language"


@dataclass
class SessionMessages:
    """What a client has seen of the session: each message as (sender, Rasa's event data), in
    order, and the conversation's language (None before it was set)."""

    messages: list[tuple[str, dict]] = field(default_factory=list)
    language: str | None = None


def session_messages(db: Session, conversation_id: str) -> SessionMessages:
    """The user and bot messages of the conversation's latest session, and its language."""
    events = conversation_events(db, conversation_id, {"user", "bot", "slot", *_STARTS})
    starts = [i for i, (kind, *_rest) in enumerate(events) if kind in _STARTS]
    found = SessionMessages()
    for kind, _timestamp, _intent, _action, raw in events[starts[-1] + 1 if starts else 0:]:
        data = event_data(raw)
        if kind in ("user", "bot"):
            found.messages.append((kind, data))
        elif data.get("name") == LANGUAGE_SLOT:
            value = data.get("value")
            found.language = value if isinstance(value, str) else None
    return found
