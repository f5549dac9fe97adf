"""The load bench's capacity mode, at a tiny scale, on the real servers of the default layout.

Its figures depend on the machine; what must hold anywhere is the report's shape, that no turn
failed and nothing any conversation sent or received is missing from the database, and that the
loss check it relies on notices a reply or a recommendation missing there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text

from bench.load import Conversation, converse, lost_records, running_system
from bench.load_capacity import CapacityOptions, load_row, measure, step_row
from db.models import SuitabilityRecord
from harness.advisor import MODEL, ONBOARDING, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model(request) -> Path:
    """The model named by ADVISOR_MODEL as it is, else the trained one (trained if stale)."""
    return MODEL if os.environ.get("ADVISOR_MODEL") else request.getfixturevalue("trained_model")


@pytest.fixture(scope="module")
def system(request, model):
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="load-capacity-", dir=ROOT / "var"))
    failed_before = request.session.testsfailed
    with running_system(f"sqlite:///{folder / 'advisor.db'}", folder) as running:
        yield running
    if request.session.testsfailed == failed_before:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"logs of the servers: {folder}")


def test_capacity_search_then_latency_at_fractions_of_it_losing_nothing(system):
    report = measure(system, CapacityOptions(max_concurrency=2, step_seconds=2, rate_seconds=3,
                                             fractions=(0.5, 1.0), seed=3))
    # Searched 1 then 2 visitors unless 1 already showed no gain (it cannot: it is the first).
    assert [step["concurrency"] for step in report["steps"]][0] == 1
    assert len(report["steps"]) == 2
    for step in report["steps"]:
        assert step["turns"] > 0 and step["turns_per_s"] > 0
        assert 0 < step["p50"] <= step["p95"] <= step["p99"]
        assert step["conversations"] >= step["concurrency"]
    assert report["capacity_turns_per_s"] == max(s["turns_per_s"] for s in report["steps"])
    assert isinstance(report["saturated"], bool)
    assert [load["fraction"] for load in report["loads"]] == [0.5, 1.0]
    for load in report["loads"]:
        assert load["offered_turns_per_s"] == pytest.approx(
            load["fraction"] * report["capacity_turns_per_s"])
        assert load["turns"] > 0 and load["conversations"] > 0
        assert 0 < load["p50"] <= load["p95"] <= load["p99"]
        assert load["max_lag_ms"] >= 0
    assert report["errors"] == 0
    assert report["lost"] == 0
    assert all(part["errors"] == 0 and part["lost"] == 0
               for part in report["steps"] + report["loads"])
    json.dumps(report)  # the command line writes it as JSON
    assert step_row(report["steps"][0]).startswith("| 1 | ")
    assert load_row(report["loads"][0]).startswith("| 50% | ")


def test_a_known_capacity_skips_the_search(system):
    report = measure(system, CapacityOptions(capacity=4.0, rate_seconds=2, fractions=(0.5,)))
    assert report["steps"] == [] and report["saturated"] is None
    assert report["loads"][0]["offered_turns_per_s"] == 2.0
    assert report["errors"] == 0 and report["lost"] == 0


def test_the_loss_check_notices_a_missing_reply_or_recommendation(system):
    conversation = Conversation(10_000)
    asyncio.run(converse(system, conversation, 0.0, random.Random(0)))
    assert conversation.errors == [] and conversation.sent == ONBOARDING
    assert lost_records(system.database_url, [conversation]) == []
    token = conversation.cookie.rsplit(".", 1)[0]
    engine = create_engine(system.database_url)
    try:
        with engine.begin() as connection:
            sender = connection.execute(
                text("SELECT conversation_id FROM web_sessions WHERE token_hash = :h"),
                {"h": hashlib.sha256(token.encode()).hexdigest()}).scalar_one()
            connection.execute(text(
                "DELETE FROM events WHERE id = (SELECT MAX(id) FROM events WHERE sender_id = :s "
                "AND type_name = 'bot')"), {"s": sender})
            connection.execute(delete(SuitabilityRecord).where(
                SuitabilityRecord.conversation_id == sender))
    finally:
        engine.dispose()
    lost = lost_records(system.database_url, [conversation])
    assert any("replies received" in line for line in lost)
    assert any("suitability records" in line for line in lost)
