"""A complete onboarding through the REST channel: Rasa server, action server, engine, database.

The Rasa model is trained first by scripts/train_model.sh, which reuses the model when config.yml,
the domain and data/ are unchanged.
"""

from __future__ import annotations

import subprocess

import httpx
import pytest
from sqlalchemy import create_engine, inspect, select

from bench.turn_latency import MODEL, ONBOARDING, ROOT, running_advisor
from db.models import HandoffRequest, SuitabilityRecord
from db.session import session_scope

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def advisor(tmp_path_factory):
    # Trains only when config.yml, the domain or data/ changed since the last training.
    subprocess.run([str(ROOT / "scripts" / "train_model.sh")], cwd=ROOT, check=False)
    assert MODEL.exists(), "no trained model: run scripts/train_model.sh"
    with running_advisor(tmp_path_factory.mktemp("e2e")) as running:
        yield running


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def test_onboarding_to_a_recommendation_with_its_payload(advisor):
    sender = "e2e-onboarding"
    replies = [advisor.say(sender, text) for text in ONBOARDING]
    assert "Shall we start" in texts(replies[0]) or "recommendation" in texts(replies[0])
    assert "How old" in texts(replies[1]) or "age" in texts(replies[1])
    final = replies[-1]
    text = texts(final)
    for expected in ("Here is the mix I recommend", "US equities", "Expected return",
                     "Volatility", "bad year", "Projection in 30 years",
                     "chance of reaching your target of 1,000,000", "not promises"):
        assert expected in text
    [payload] = [m["custom"] for m in final if "custom" in m]
    assert payload["type"] == "allocation"
    assert set(payload["groups"]) == {"equity", "bonds", "cash", "alternatives"}
    assert sum(payload["weights"].values()) == pytest.approx(1.0, abs=0.002)
    assert payload["projection"]["years"] == 30
    assert 0 < payload["probability_of_target"] < 1
    assert payload["bad_year"] < 0 < payload["volatility"]

    engine = create_engine(advisor.database_url)
    with session_scope(engine) as session:
        [record] = session.scalars(
            select(SuitabilityRecord).where(SuitabilityRecord.conversation_id == sender)).all()
        assert record.weights == payload["weights"]
        assert record.inputs["initial_amount"] == 50_000
    # Rasa's tracker store shares the project's database.
    assert "events" in inspect(engine).get_table_names()


def test_bad_answers_are_reasked_and_corrections_accepted(advisor):
    sender = "e2e-corrections"
    advisor.say(sender, "I want investment advice")
    assert "between 18 and 100" in texts(advisor.say(sender, "I'm 200"))
    assert "What is this money for" in texts(advisor.say(sender, "42"))
    reply = texts(advisor.say(sender, "actually I'm 45"))
    assert "45" in reply and "What is this money for" in reply


def test_a_question_mid_form_is_answered_then_the_form_resumes(advisor):
    sender = "e2e-question"
    advisor.say(sender, "help me invest")
    reply = texts(advisor.say(sender, "what is a bond?"))
    assert "loan" in reply
    assert "old" in reply or "age" in reply


def test_handoff_is_recorded(advisor):
    sender = "e2e-handoff"
    reply = texts(advisor.say(sender, "I want to talk to a person"))
    assert "adviser" in reply
    with session_scope(create_engine(advisor.database_url)) as session:
        [handoff] = session.scalars(
            select(HandoffRequest).where(HandoffRequest.conversation_id == sender)).all()
        assert str(handoff.id) in reply


def test_the_http_api_needs_the_token(advisor):
    url = f"{advisor.url}/conversations/e2e-onboarding/tracker"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, params={"token": advisor.token}).status_code == 200
