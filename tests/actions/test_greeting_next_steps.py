"""Every stage's greeting ends with a next step the client can click, and the exit interview the
greeting of a declining client starts: its questions, its answers on record, the offer answered."""

from __future__ import annotations

import re

import pytest
from action_harness import CLIENT, SENDER, SIGNED_IN, add_client, rows, run, said, tracker
from support.responses import response_variations

from actions.conversation import Greet, Handoff
from actions.leaving import RecordExitSurvey, RetentionOffer, ValidateExitSurveyForm
from db.models import HandoffRequest, OfferRecord, SurveyAnswer


def greet(domain):
    return run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)


def payload_intents(name: str) -> list[str]:
    """The intent of every button of every variation of the response ``name``."""
    return [re.match(r"/(\w+)", button["payload"]).group(1)
            for variation in response_variations(name) for button in variation.get("buttons", [])]


@pytest.mark.parametrize(("stage", "action", "last", "intents"), [
    ("growth", None, "utter_stage_growth", {"affirm", "portfolio_review", "deny"}),
    ("mature", "priority_service", "utter_stage_mature", {"affirm", "portfolio_review", "deny"}),
    ("decline", "fee_waiver", "utter_retention_offer_fee_waiver", {"affirm", "deny"}),
    ("decline", "premium_extension", "utter_retention_offer_premium_extension", {"affirm", "deny"}),
    ("decline", "advisor_callback", "utter_retention_offer_advisor_callback", {"affirm", "deny"}),
    ("decline", None, "utter_offer_retention_review", {"affirm", "deny"}),
])
def test_the_greeting_ends_with_buttons_every_variation_of_its_last_message(
        domain, database, stage, action, last, intents):
    add_client(database, stage=stage, next_best_action=action)
    messages, _ = greet(domain)
    assert said(messages, domain)[-1] == last
    for variation in response_variations(last):
        assert variation.get("buttons"), (last, variation["text"])
    # Every button sends an intent the assistant knows.
    assert set(payload_intents(last)) == intents
    assert intents <= set(domain["intents"])


def test_the_fee_waiver_says_what_it_is_worth_on_the_clients_account(domain, database):
    add_client(database, stage="decline", next_best_action="fee_waiver", aum=365_250.0)
    messages, slots = greet(domain)
    worth, offer = messages[-2:]
    # 30 days of a 0.6 % yearly fee on 365,250: 365,250 x 0.006 x 30 / 365.25 = 180.
    assert worth["saving"] == "180" and worth["days"] == 30
    assert offer["response"] == "utter_retention_offer_fee_waiver"
    assert (slots["retention_outcome"], slots["retention_offer"]) == ("offered", "fee_waiver")


def test_an_exit_survey_client_is_greeted_into_the_interview(domain, database):
    add_client(database, stage="decline", next_best_action="exit_survey", churn_risk=0.8)
    messages, slots = greet(domain)
    assert said(messages, domain) == ["utter_greet_client", "utter_stage_decline",
                                      "utter_exit_interview_start"]
    assert messages[-1]["questions"] == 3  # the catalog's term for the survey
    assert slots["retention_outcome"] == "interview"  # the rules start exit_survey_form on it
    assert slots["leaving_reason"] is None and slots["exit_reason"] is None
    [made] = rows(database, OfferRecord)
    assert (made.offer, made.answer) == ("exit_survey", None)
    # The form's first question has a button per reason and one for a person.
    assert {"inform", "request_human"} == set(payload_intents("utter_ask_exit_reason"))


def survey_turn(domain, slot, text, choice=None, **slots):
    entities = [{"entity": "choice", "value": choice}] if choice else []
    state = tracker(slots={"requested_slot": slot, **slots}, text=text, entities=entities,
                    candidates={slot: text}, active_loop="exit_survey_form")
    return run(ValidateExitSurveyForm(), state, domain)


@pytest.mark.parametrize(("text", "choice", "reason"), [
    ('/inform{"choice": "service"}', "service", "service"),
    ("honestly the fees are too high", None, "fees"),
    ("my partner looks after our savings now", None, "other: my partner looks after our savings now"),
])
def test_the_interviews_reason_then_the_likelihood_without_asking_for_more_detail(
        domain, text, choice, reason):
    messages, slots = survey_turn(domain, "exit_reason", text, choice)
    assert messages == [] and slots["exit_reason"] == reason
    # No reason given earlier: the detail question is left out, three questions in all.
    assert slots["requested_slot"] == "exit_return_likelihood"


def test_an_empty_reason_is_asked_again(domain):
    messages, slots = survey_turn(domain, "exit_reason", "   ")
    assert said(messages, domain) == ["utter_invalid_leaving_reason"]
    assert slots["exit_reason"] is None and slots["requested_slot"] == "exit_reason"


def test_a_client_who_gave_the_reason_when_leaving_is_asked_for_more_detail(domain):
    _, slots = survey_turn(domain, "exit_reason", "fees", leaving_reason="fees")
    assert slots["exit_reason"] == "fees"
    assert slots.get("requested_slot") in (None, "exit_detail")  # the domain's order: detail next


def test_the_nothing_button_answers_the_last_question(domain):
    messages, slots = survey_turn(domain, "exit_improvement", '/inform{"choice": "nothing"}',
                                  "nothing", exit_reason="fees", exit_return_likelihood=4)
    assert messages == [] and slots["exit_improvement"] == "nothing"


def test_the_interview_is_kept_and_the_greetings_offer_answered(domain, database):
    add_client(database, stage="decline", next_best_action="exit_survey", churn_risk=0.8)
    _, greeted = greet(domain)
    answers = {"exit_reason": "performance", "exit_return_likelihood": 6,
               "exit_improvement": "tell me when markets fall"}
    messages, slots = run(RecordExitSurvey(), tracker(slots={**greeted, **answers}), domain)
    assert said(messages, domain) == ["utter_exit_survey_thanks", "utter_offer_human_contact"]
    stored = [(a.survey, a.question, a.answer, a.client_id) for a in rows(database, SurveyAnswer)]
    assert stored == [("exit", "reason", "performance", CLIENT),
                      ("exit", "return_likelihood", "6", CLIENT),
                      ("exit", "improvement", "tell me when markets fall", CLIENT)]
    made, answered = rows(database, OfferRecord)
    assert (answered.offer, answered.answer, answered.answers_offer_id) == (
        "exit_survey", "accepted", made.id)
    assert all(slots[name] is None for name in answers)


def test_the_leaving_flows_reason_starts_the_interview_and_is_kept_once(domain, database):
    add_client(database, stage="decline", churn_risk=0.95)  # no retention offer: straight to the survey
    state = tracker(slots={"leaving_reason": "moving"}, metadata=SIGNED_IN)
    _, offered = run(RetentionOffer(), state, domain)
    assert offered["exit_reason"] == "moving" and offered["retention_outcome"] == "no_offer"
    answers = {"leaving_reason": "moving", "exit_reason": "moving", "exit_detail": "cheaper elsewhere",
               "exit_return_likelihood": 1, "exit_improvement": "nothing"}
    run(RecordExitSurvey(), tracker(slots={**offered, **answers}), domain)
    questions = [a.question for a in rows(database, SurveyAnswer) if a.conversation_id == SENDER]
    assert questions == ["reason", "detail", "return_likelihood", "improvement"]


def test_a_person_asked_for_mid_interview_keeps_the_answers_so_far(domain, database):
    add_client(database, stage="decline", next_best_action="exit_survey", churn_risk=0.8)
    _, greeted = greet(domain)
    state = tracker(slots={**greeted, "exit_reason": "service", "requested_slot":
                           "exit_return_likelihood"}, intent="request_human",
                    text="can I talk to someone", active_loop="exit_survey_form")
    messages, _ = run(Handoff(), state, domain)
    assert said(messages, domain) == ["utter_handoff"]
    [answer] = rows(database, SurveyAnswer)
    assert (answer.survey, answer.question, answer.answer) == ("exit", "reason", "service")
    [handoff] = rows(database, HandoffRequest)
    assert handoff.reason == "request_human"
    # Outside the interview a handoff keeps no survey answer.
    run(Handoff(), tracker(slots={**greeted, "exit_reason": "fees"}, intent="request_human",
                           text="a person please"), domain)
    assert len(rows(database, SurveyAnswer)) == 1
