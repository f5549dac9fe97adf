"""Write conversations into an SQLite file through Rasa's own SQL tracker store.

Run with the Rasa environment: ``.venv-rasa/bin/python tests/bot/rasa_tracker_writer.py DB SPEC``,
where DB is an SQLite file or a ``postgresql://user[:password]@host:port/database`` URL and SPEC is a JSON file listing conversations as ``{"sender": ..., "turns": [...]}`` and each turn
is ``["user", timestamp, text, intent, confidence, metadata]``, ``["bot", timestamp, text, buttons,
custom]``, ``["action", timestamp, name]`` or ``["slot", timestamp, name, value]``. The staff
console's tests read the resulting ``events`` table exactly as Rasa wrote it.
"""

import asyncio
import json
import sys
from urllib.parse import urlsplit

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def event(turn):
    kind, timestamp, *rest = turn
    if kind == "user":
        text, intent, confidence, metadata = rest
        parse = {"text": text, "intent": {"name": intent, "confidence": confidence},
                 "entities": []}
        return UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=timestamp,
                           input_channel="rest", metadata=metadata or {})
    if kind == "bot":
        text, buttons, custom = rest
        data = {"buttons": buttons, "custom": custom}
        return BotUttered(text, data={k: v for k, v in data.items() if v}, timestamp=timestamp)
    if kind == "action":
        return ActionExecuted(rest[0], timestamp=timestamp)
    if kind == "slot":
        return SlotSet(rest[0], rest[1], timestamp=timestamp)
    raise ValueError(f"unknown turn kind {kind!r}")


def tracker_store(db):
    if not db.startswith("postgresql://"):
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db)
    url = urlsplit(db)
    return SQLTrackerStore(Domain.empty(), dialect="postgresql", host=url.hostname,
                           port=url.port or 5432, db=url.path.lstrip("/"),
                           username=url.username, password=url.password)


async def write(db, conversations):
    store = tracker_store(db)
    for conversation in conversations:
        events = [event(turn) for turn in conversation["turns"]]
        tracker = DialogueStateTracker.from_events(conversation["sender"], events)
        await store.save(tracker)


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as spec:
        asyncio.run(write(sys.argv[1], json.load(spec)))
