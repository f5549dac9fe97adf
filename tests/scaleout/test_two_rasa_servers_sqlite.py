"""Two Rasa servers on one SQLite file, without Redis: the default layout using both cores.

The web app sends every turn of a conversation to the same server (``RASA_ROUTING=conversation``),
so each server's in-memory lock store takes that conversation's turns one at a time. Both servers
write Rasa's ``events`` table in the one SQLite file at once; nothing may be lost or reordered.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.tracker_store import tracker_events

from bench.load import Conversation, converse, delivered_parts, lost_records, running_system
from bot.chat import rasa_gateway
from harness.advisor import ONBOARDING, ROOT

pytestmark = pytest.mark.slow

#: Visitors at once through the web app, and conversations driven on each server directly.
VISITORS = 12
PER_SERVER = 4


@pytest.fixture(scope="module")
def system(request, trained_model):
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="two-rasa-sqlite-", dir=ROOT / "var"))
    failed_before = request.session.testsfailed
    with running_system(f"sqlite:///{folder / 'advisor.db'}", folder, rasa_servers=2) as running:
        yield running
    if request.session.testsfailed == failed_before:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"logs of the servers: {folder}")


def test_both_servers_writing_one_sqlite_file_at_once_lose_nothing(system):
    """Each server runs whole onboardings of its own at the same time as the other."""
    def onboarding(url: str, sender: str) -> list[list[dict]]:
        return [rasa_gateway.send(url, sender, message, {}, timeout=120) for message in ONBOARDING]

    senders = {f"sqlite-{server}-{n}": url for server, url in enumerate(system.rasa_urls)
               for n in range(PER_SERVER)}
    with ThreadPoolExecutor(len(senders)) as pool:
        replies = dict(zip(senders, pool.map(onboarding, senders.values(), senders),
                           strict=True))
    for sender, turns in replies.items():
        assert any((m.get("custom") or {}).get("type") == "allocation" for m in turns[-1]), sender
        events = tracker_events(system.database_url, sender)
        assert [e.get("text") for kind, _, e in events if kind == "user"] == ONBOARDING, sender
        assert delivered_parts(e for kind, _, e in events if kind == "bot") == [
            m["text"] for turn in turns for m in turn if m.get("text")], sender


def test_visitors_through_the_web_app_lose_nothing(system):
    conversations = [Conversation(n) for n in range(VISITORS)]

    async def everyone() -> None:
        await asyncio.gather(*(converse(system, c, 0.0, random.Random(c.number))
                               for c in conversations))

    asyncio.run(everyone())
    assert [c.errors for c in conversations] == [[] for _ in conversations]
    assert [c.recommendations for c in conversations] == [1] * VISITORS
    assert lost_records(system.database_url, conversations) == []
