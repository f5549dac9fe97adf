"""Two Rasa servers sharing the PostgreSQL tracker store and a Redis lock store, behind the gateway.

One conversation's turns go to the servers alternately: the dialogue must carry over from one to
the other, and messages must keep their order, even when they arrive at both servers at once.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from support.tracker_store import tracker_events

from bench.load import (
    Conversation,
    converse,
    delivered_parts,
    lost_records,
    postgresql_database,
    running_system,
)
from bot.chat import rasa_gateway
from harness.advisor import ONBOARDING, ROOT, TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def system(request, redis_url, trained_model):
    # The servers' logs stay under var/ when a test fails, and go when every test passed.
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="scaleout-", dir=ROOT / "var"))
    failed_before = request.session.testsfailed
    with postgresql_database() as database_url, running_system(
        database_url, folder, rasa_servers=2, redis_url=redis_url
    ) as running:
        yield running
    if request.session.testsfailed == failed_before:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"logs of the servers: {folder}")


def said(events) -> list[str]:
    return [data["text"] for kind, _, data in events if kind == "user"]


def slots_seen_by(rasa_url: str, sender: str) -> dict:
    response = httpx.get(f"{rasa_url}/conversations/{sender}/tracker",
                         params={"token": TOKEN}, timeout=60)
    response.raise_for_status()
    return response.json()["slots"]


def test_turns_alternating_between_servers_carry_the_dialogue(system):
    sender = "scaleout-alternating"
    first, second = system.rasa_urls
    replies = []
    for n, message in enumerate(ONBOARDING):
        replies.append(rasa_gateway.send(system.rasa_urls[n % 2], sender, message, {},
                                         timeout=60))
        if message == "thirty-five":
            # Told to the first server, known to the second.
            assert slots_seen_by(second, sender)["age"] == 35
    [payload] = [m["custom"] for m in replies[-1] if m.get("custom")]
    assert payload["type"] == "allocation"
    assert sum(payload["weights"].values()) == pytest.approx(1.0, abs=0.002)
    assert slots_seen_by(first, sender)["income_stability"] is not None
    events = tracker_events(system.database_url, sender)
    assert said(events) == ONBOARDING
    assert delivered_parts(data for kind, _, data in events if kind == "bot") == [
        m["text"] for turn in replies for m in turn if m.get("text")]


def test_an_onboarding_through_the_web_app_loses_nothing(system):
    conversation = Conversation(0)
    asyncio.run(converse(system, conversation, 0.0, random.Random(0)))
    assert conversation.errors == []
    assert conversation.recommendations == 1
    assert lost_records(system.database_url, [conversation]) == []


def test_messages_arriving_at_both_servers_at_once_keep_their_order(system):
    sender = "scaleout-concurrent"
    rasa_gateway.send(system.rasa_urls[0], sender, "hello", {}, timeout=60)
    messages = ["what is a bond?", "what is diversification?", "what is rebalancing?",
                "what are stocks?", "what is gold?", "what is cash?"]
    replies: dict[str, list] = {}

    def say(n: int, message: str) -> None:
        time.sleep(0.2 * n)  # arrive in this order, each while the ones before are in progress
        replies[message] = rasa_gateway.send(system.rasa_urls[n % 2], sender, message, {},
                                             timeout=60)

    threads = [threading.Thread(target=say, args=(n, m)) for n, m in enumerate(messages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(replies[m] for m in messages)
    events = tracker_events(system.database_url, sender)
    assert said(events) == ["hello", *messages]
    # Turns never interleave: each message's replies come before the next message is read.
    turns = [n for n, (kind, _, _) in enumerate(events) if kind == "user"]
    for start, end in zip(turns, turns[1:], strict=False):
        between = events[start + 1:end]
        assert any(kind == "bot" for kind, _, _ in between)
        assert between[-1][:2] == ("action", "action_listen")
