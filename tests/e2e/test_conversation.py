"""A complete onboarding through the REST channel: Rasa server, action server, engine, database.

The Rasa model is trained first by scripts/train_model.sh, which reuses the model when config.yml,
the domain and data/ are unchanged. Every reply is compared with the whole text of the response it
should be, as the locale files word it (tests/support/responses.py), so a reply that merely shares
words with the right one fails.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, inspect, select
from support.responses import (
    matches_reply,
    matches_response,
    reply_text,
    response_names,
    response_pattern,
    response_texts,
)

from db.models import HandoffRequest, SuitabilityRecord
from db.session import session_scope
from engine.explanation import format_value
from harness.advisor import ONBOARDING

pytestmark = pytest.mark.slow


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


def tracker(advisor, sender: str) -> dict:
    response = httpx.get(f"{advisor.url}/conversations/{sender}/tracker",
                         params={"token": advisor.token})
    response.raise_for_status()
    return response.json()


def phrase(name: str) -> str:
    [text] = response_texts(name)
    return text


def test_onboarding_to_a_recommendation_with_its_payload(advisor):
    sender = "e2e-onboarding"
    replies = [advisor.say(sender, text) for text in ONBOARDING]
    assert response_names(replies[0]) == ["utter_greet_prospect"]
    assert response_names(replies[1]) == ["utter_ask_age"]
    final = replies[-1]
    [payload] = [m["custom"] for m in final if "custom" in m]
    assert payload["type"] == "allocation"
    assert set(payload["groups"]) == {"equity", "bonds", "cash", "alternatives"}
    assert sum(payload["weights"].values()) == pytest.approx(1.0, abs=0.002)
    assert payload["projection"]["years"] == 30
    assert 0 < payload["probability_of_target"] < 1
    assert payload["bad_year"] < 0 < payload["volatility"]

    # Rasa's REST channel sends each paragraph of the recommendation as a message of its own.
    assert matches_reply(
        final, "utter_recommendation", "utter_projection", "utter_probability_of_target",
        "utter_what_if_hint",
        expected_return=format_value(payload["expected_return"], "percent.1"),
        volatility=format_value(payload["volatility"], "percent.1"),
        bad_year=format_value(-payload["bad_year"], "percent.1"),
        years=30, target="1,000,000",
        probability=format_value(payload["probability_of_target"], "percent"))
    recommendation = reply_text(final)
    for label, weight in payload["weights"].items():
        line = response_pattern("allocation_line",
                                asset_class=phrase(f"asset_class_{label}"),
                                weight=format_value(weight, "percent.1"))
        assert line.search(recommendation), f"no allocation line for {label}"
    summary = response_pattern("reason_summary", goal=phrase("goal_retirement"),
                               horizon=30)
    assert summary.search(recommendation)
    assert phrase("disclosure_no_guarantee") in recommendation.split("\n")

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
    refused = advisor.say(sender, "I'm 200")
    assert matches_reply(refused, "utter_invalid_age", "utter_ask_age", min=18, max=100)
    assert response_names(advisor.say(sender, "42")) == ["utter_ask_goal"]
    corrected = advisor.say(sender, "actually I'm 45")
    assert matches_reply(corrected, "utter_noted_age", "utter_ask_goal", age=45)


def assert_answered_then_asked_again(reply: list[dict], answer: str, question: str) -> None:
    """The question was answered, then the form asked its pending question again, word for word."""
    said = texts(reply)
    assert len(said) >= 2 and matches_response(said[-1], question), (
        f"{question} was not asked again after the answer: {said}")
    assert any(matches_response(text, answer) for text in said[:-1]), (
        f"no {answer} before the question: {said}")


def test_a_question_mid_form_is_answered_then_the_form_resumes(advisor):
    sender = "e2e-question"
    assert response_names(advisor.say(sender, "help me invest")) == ["utter_ask_age"]
    reply = advisor.say(sender, "what is a bond?")
    assert_answered_then_asked_again(reply, "utter_explain_bonds", "utter_ask_age")
    state = tracker(advisor, sender)
    assert state["active_loop"]["name"] == "onboarding_form"
    assert state["slots"]["requested_slot"] == "age"


def test_a_question_mid_risk_questions_resumes_that_question(advisor):
    sender = "e2e-risk-question"
    for text in ONBOARDING[:8]:  # up to the first risk question
        reply = advisor.say(sender, text)
    assert response_names(reply) == ["utter_risk_question_loss_reaction"]
    reply = advisor.say(sender, "what is a bond?")
    assert_answered_then_asked_again(reply, "utter_explain_bonds", "utter_risk_question_loss_reaction")
    assert tracker(advisor, sender)["slots"]["requested_slot"] == "q_loss_reaction"


def test_after_stopping_the_form_a_question_is_answered_and_nothing_is_asked(advisor):
    # The check above fails when the form does not resume: here the client stopped it first.
    sender = "e2e-stopped"
    advisor.say(sender, "help me invest")
    assert response_names(advisor.say(sender, "stop")) == ["utter_stopped"]
    reply = advisor.say(sender, "what is a bond?")
    assert response_names(reply) == ["utter_explain_bonds"]
    with pytest.raises(AssertionError, match="utter_ask_age was not asked again"):
        assert_answered_then_asked_again(reply, "utter_explain_bonds", "utter_ask_age")
    assert tracker(advisor, sender)["active_loop"].get("name") is None


def test_handoff_is_recorded(advisor):
    sender = "e2e-handoff"
    reply = advisor.say(sender, "I want to talk to a person")
    with session_scope(create_engine(advisor.database_url)) as session:
        [handoff] = session.scalars(
            select(HandoffRequest).where(HandoffRequest.conversation_id == sender)).all()
    [said] = texts(reply)
    assert matches_response(said, "utter_handoff", reference=handoff.id)


def test_the_http_api_needs_the_token(advisor):
    url = f"{advisor.url}/conversations/e2e-onboarding/tracker"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, params={"token": advisor.token}).status_code == 200
