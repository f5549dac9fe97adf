"""The leaving flow (reason, retention offer, exit survey, human contact) and the offers and
questions of the stage greetings for declining and new clients."""

from __future__ import annotations

import asyncio

import action_harness
import pytest
from action_harness import CLIENT, SENDER, SIGNED_IN, rows, run, said, tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import matches_reply, response_names, response_variations
from support.retention import BEST_OFFERS

from actions.conversation import Greet, Handoff, RecordRating
from actions.leaving import (
    AnswerRetentionOffer,
    RecordExitSurvey,
    RetentionOffer,
    StartLeaving,
    ValidateExitSurveyForm,
    ValidateLeavingForm,
)
from db.models import HandoffRequest, OfferRecord, SurveyAnswer
from db.session import make_engine, session_scope


def add_client(engine, *, stage="decline", **client):
    """Client 7, scored as declining unless ``stage`` says otherwise."""
    action_harness.add_client(engine, stage=stage, **client)


def reason_state(text, choice=None):
    entities = [{"entity": "choice", "value": choice}] if choice else []
    return tracker(slots={"requested_slot": "leaving_reason"}, text=text, entities=entities,
                   candidates={"leaving_reason": text}, active_loop="leaving_form")


@pytest.mark.parametrize(("text", "choice", "reason"), [
    ('/inform{"choice": "need_money"}', "need_money", "need_money"),
    ("your fees are way too high", None, "fees"),
    ("I'm moving everything to another provider because it's cheaper", None, "fees"),
    ("I'm switching to a competitor", None, "moving"),
    ("returns have been terrible, I lost 12% last year", None, "performance"),
    ("the app is slow and support never answers", None, "service"),
    ("I need the money for a house", None, "need_money"),
    ("Performance", None, "performance"),
    ("my partner manages our savings now", None, "other: my partner manages our savings now"),
])
def test_the_reason_from_a_button_a_typed_option_or_free_text(domain, text, choice, reason):
    messages, slots = run(ValidateLeavingForm(), reason_state(text, choice), domain)
    assert slots["leaving_reason"] == reason
    assert messages == []


@pytest.mark.parametrize("text", ["   ", '/inform{"choice": "nonsense"}'])
def test_an_empty_reason_is_asked_again(domain, text):
    messages, slots = run(ValidateLeavingForm(), reason_state(text), domain)
    assert slots["leaving_reason"] is None
    assert said(messages, domain) == ["utter_invalid_leaving_reason"]


@pytest.mark.parametrize(("text", "intent", "reason"), [
    ("honestly the fees, can I talk to someone about them", "request_human", "fees"),
    ("I need the cash for my daughter's wedding, put me through to a person", "request_human",
     "need_money"),
    ("stop, the returns are just bad", "stop", "performance"),
])
def test_a_reason_given_with_a_request_for_a_person_answers_the_question(domain, text, intent,
                                                                         reason):
    state = tracker(slots={"requested_slot": "leaving_reason"}, text=text, intent=intent,
                    candidates={"leaving_reason": text}, active_loop="leaving_form")
    events = asyncio.run(ValidateLeavingForm().run(CollectingDispatcher(), state, domain))
    assert not [e for e in events if e.get("event") == "action_execution_rejected"]
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}[
        "leaving_reason"] == reason


@pytest.mark.parametrize(("text", "intent"), [
    ("can I talk to a real person please", "request_human"),
    ("forget it, stop", "stop"),
])
def test_a_request_for_a_person_without_a_reason_leaves_the_question_to_the_rules(domain, text,
                                                                                  intent):
    state = tracker(slots={"requested_slot": "leaving_reason"}, text=text, intent=intent,
                    candidates={"leaving_reason": text}, active_loop="leaving_form")
    events = asyncio.run(ValidateLeavingForm().run(CollectingDispatcher(), state, domain))
    assert {"event": "action_execution_rejected", "name": "leaving_form"}.items() <= events[-1].items()
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"} == {
        "leaving_reason": None}


def test_a_reason_cleared_at_the_start_is_not_an_invalid_answer(domain):
    state = tracker(intent="close_account", text="I want to leave",
                    candidates={"leaving_reason": None}, active_loop="leaving_form")
    messages, slots = run(ValidateLeavingForm(), state, domain)
    assert messages == [] and slots["leaving_reason"] is None


def test_leaving_starts_with_an_acknowledgement_and_a_clean_slate(domain):
    messages, slots = run(StartLeaving(), tracker(slots={"retention_outcome": "surveyed"},
                                                  intent="close_account"), domain)
    assert said(messages, domain) == ["utter_leaving_ack"]
    assert slots["retention_outcome"] is None and slots["leaving_reason"] is None
    assert "buttons" in response_variations("utter_ask_leaving_reason")[0]


@pytest.mark.parametrize(("text", "reason"), [
    ("your fees are too high", "fees"),
    ("your fees are too high, I'm moving my money elsewhere", "fees"),
    ("I'm moving my money elsewhere", "moving"),
    ("I'm switching to another advisor", "moving"),
    ("I'm unhappy with the performance and want out", "performance"),
    ("I need the money, close my account", "need_money"),
    ("your support never answers, I'm leaving", "service"),
])
def test_a_reason_named_when_leaving_is_not_asked_again(domain, text, reason):
    messages, slots = run(StartLeaving(), tracker(intent="close_account", text=text), domain)
    assert said(messages, domain) == ["utter_leaving_ack"]
    assert slots["leaving_reason"] == reason
    # The form validates the reason it finds filled when it starts, as if typed.
    state = tracker(intent="close_account", text=text, candidates={"leaving_reason": reason},
                    active_loop="leaving_form")
    messages, slots = run(ValidateLeavingForm(), state, domain)
    assert messages == [] and slots["leaving_reason"] == reason


@pytest.mark.parametrize("text", [
    "I want to close my account",
    "delete my account and return my money",
    "I'm leaving your firm",
    "/close_account",
])
def test_leaving_without_a_reason_still_asks_for_it(domain, text):
    messages, slots = run(StartLeaving(), tracker(intent="close_account", text=text), domain)
    assert said(messages, domain) == ["utter_leaving_ack"]
    assert slots["leaving_reason"] is None


def test_the_named_reason_leads_to_its_acknowledgement_and_offer(domain, database):
    add_client(database, churn_risk=0.6)
    _, started = run(StartLeaving(), tracker(intent="close_account",
                                             text="you charge too much"), domain)
    messages, slots = offer_for(domain, started["leaving_reason"])
    assert said(messages, domain) == ["utter_leaving_heard_fees",
                                      "utter_retention_worth_fee_waiver",
                                      "utter_retention_offer_fee_waiver"]
    assert slots["retention_outcome"] == "offered"


def test_an_open_offer_that_answers_the_reason_is_made_again_not_lost_to_its_cooldown(
        domain, database):
    # The greeting offered a fee waiver; without answering it the client says the fees are too
    # high. The waiver is in its cooldown now, but it is still open: it is made again, under the
    # record the greeting made, and nothing new is recorded.
    add_client(database, stage="decline", next_best_action="fee_waiver")
    _, greeted = run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)
    assert greeted["retention_outcome"] == "offered"
    messages, slots = leave_after(domain, greeted, "your fees are too high, I'm thinking of leaving")
    assert said(messages, domain) == ["utter_leaving_heard_fees",
                                      "utter_retention_worth_fee_waiver",
                                      "utter_retention_offer_fee_waiver"]
    assert slots["retention_outcome"] == "offered"
    assert slots["offer_record_id"] == greeted["offer_record_id"]
    assert [r.offer for r in rows(database, OfferRecord)] == ["fee_waiver"]


def leave_after(domain, greeted, text):
    """Start leaving with ``text`` after the greeting's slots ``greeted``, then make the offer."""
    state = tracker(slots=greeted, intent="close_account", text=text, metadata=SIGNED_IN)
    _, started = run(StartLeaving(), state, domain)
    assert started["retention_offer"] is None  # the open offer is kept aside, not as the offer
    return offer_for(domain, started["leaving_reason"], **{**greeted, **started})


def test_an_open_offer_that_does_not_answer_the_reason_gives_way_to_one_that_does(domain,
                                                                                database):
    add_client(database, stage="decline", next_best_action="fee_waiver", churn_risk=0.6)
    _, greeted = run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)
    messages, slots = leave_after(domain, greeted, "your returns have been terrible, I'm leaving")
    assert said(messages, domain)[0] == "utter_leaving_heard_performance"
    assert "utter_retention_offer_fee_waiver" not in said(messages, domain)
    assert slots["open_offer"] is None


def offer_for(domain, reason, **slots):
    state = tracker(slots={"leaving_reason": reason, **slots}, metadata=SIGNED_IN)
    return run(RetentionOffer(), state, domain)


@BEST_OFFERS
def test_the_offer_fits_the_reason_and_the_client_and_is_recorded(domain, database, client,
                                                                  reason, best):
    add_client(database, **client)
    messages, slots = offer_for(domain, reason)
    heard = "utter_leaving_heard_" + ("other" if reason.startswith("other") else reason)
    worth = ["utter_retention_worth_fee_waiver"] if best == "fee_waiver" else []
    assert said(messages, domain) == [heard, *worth, f"utter_retention_offer_{best}"]
    assert (slots["retention_offer"], slots["retention_outcome"]) == (best, "offered")
    made = [r for r in rows(database, OfferRecord) if r.conversation_id == SENDER]
    assert [(r.offer, r.answer, r.client_id) for r in made] == [(best, None, CLIENT)]
    assert slots["offer_record_id"] == made[0].id
    [answer] = rows(database, SurveyAnswer)
    assert (answer.survey, answer.question, answer.answer) == ("exit", "reason", reason)


@pytest.mark.parametrize(("client", "reason"), [
    # The call-back, the one offer for needing the money, is not worth its cost for a small
    # account (10% x 150 - 25 < 0).
    ({"aum": 20_000.0}, "need_money"),
    ({"churn_risk": 0.95}, "fees"),  # the catalog makes no retention offer above 70 % churn risk
    ({"do_not_contact": True}, "fees"),
])
def test_without_a_worthwhile_offer_the_client_goes_to_the_exit_survey(domain, database, client,
                                                                       reason):
    add_client(database, **client)
    messages, slots = offer_for(domain, reason)
    assert said(messages, domain) == [f"utter_leaving_heard_{reason}", "utter_leaving_no_offer"]
    assert slots["retention_outcome"] == "no_offer"
    assert rows(database, OfferRecord) == []


def test_a_prospect_gets_a_general_answer_and_the_reason_is_kept(domain, database):
    state = tracker(slots={"leaving_reason": "moving"}, text="I'm client 7")
    messages, slots = run(RetentionOffer(), state, domain)
    assert said(messages, domain) == ["utter_leaving_heard_moving", "utter_leaving_prospect"]
    assert slots["retention_outcome"] == "prospect"
    [answer] = rows(database, SurveyAnswer)
    assert (answer.client_id, answer.answer) == (None, "moving")
    assert rows(database, OfferRecord) == []


def test_an_accepted_offer_is_recorded_and_queued_for_an_adviser(domain, database):
    add_client(database)
    _, slots = offer_for(domain, "fees")
    messages, after = run(AnswerRetentionOffer(), tracker(slots=slots, intent="affirm",
                                                          text="yes apply it"), domain)
    made, answer = rows(database, OfferRecord)
    assert (answer.offer, answer.answer, answer.answers_offer_id) == ("fee_waiver", "accepted",
                                                                      made.id)
    [handoff] = rows(database, HandoffRequest)
    assert handoff.reason == "retention_accepted:fee_waiver"
    assert said(messages, domain) == ["utter_retention_accepted"]
    assert messages[0]["reference"] == handoff.id
    assert after["retention_outcome"] == "accepted"


def test_a_declined_offer_is_recorded_and_leads_to_the_survey(domain, database):
    add_client(database)
    _, slots = offer_for(domain, "fees")
    messages, after = run(AnswerRetentionOffer(), tracker(slots=slots, intent="deny",
                                                          text="no thanks"), domain)
    assert [r.answer for r in rows(database, OfferRecord)] == [None, "declined"]
    assert rows(database, HandoffRequest) == []
    assert said(messages, domain) == ["utter_retention_declined"]
    assert after["retention_outcome"] == "declined"


@pytest.mark.parametrize(("slot", "text", "value"), [
    ("exit_return_likelihood", "7", 7),
    ("exit_return_likelihood", "seven", 7),
    ("exit_return_likelihood", "0", 0),
    ("exit_return_likelihood", "11", None),
    ("exit_return_likelihood", "maybe", None),
    ("exit_detail", "fees ate my returns", "fees ate my returns"),
    ("exit_improvement", "nothing", "nothing"),
    ("exit_improvement", "", None),
])
def test_exit_survey_answers(domain, slot, text, value):
    # A client who gave the reason when leaving: every question but the reason is asked.
    state = tracker(slots={"requested_slot": slot, "leaving_reason": "fees"}, text=text,
                    candidates={slot: text}, active_loop="exit_survey_form")
    messages, slots = run(ValidateExitSurveyForm(), state, domain)
    assert slots[slot] == value
    assert (messages == []) == (value is not None)
    said(messages, domain)


def test_the_survey_is_recorded_and_a_human_contact_is_offered(domain, database):
    add_client(database)
    answers = {"exit_detail": "too expensive for what I get", "exit_return_likelihood": 3,
               "exit_improvement": "lower fees"}
    state = {"client_id": CLIENT, "lifecycle_stage": "decline", **answers}
    messages, slots = run(RecordExitSurvey(), tracker(slots=state), domain)
    assert said(messages, domain) == ["utter_exit_survey_thanks", "utter_offer_human_contact"]
    stored = {(a.survey, a.question): a.answer for a in rows(database, SurveyAnswer)}
    assert stored == {("exit", "detail"): "too expensive for what I get",
                      ("exit", "return_likelihood"): "3", ("exit", "improvement"): "lower fees"}
    assert slots["retention_outcome"] == "surveyed"
    assert all(slots[name] is None for name in answers)
    run(Handoff(), tracker(slots={**state, **slots}, intent="affirm", text="yes"), domain)
    [handoff] = rows(database, HandoffRequest)
    assert (handoff.reason, handoff.client_id) == ("leaving", CLIENT)
    assert rows(database, OfferRecord) == []  # a yes to contact is not a yes to a stage offer


def test_a_declining_client_is_greeted_with_the_next_best_offer(domain, database):
    add_client(database, next_best_action="advisor_callback")
    messages, slots = run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)
    assert said(messages, domain) == ["utter_greet_client", "utter_stage_decline",
                                      "utter_retention_offer_advisor_callback"]
    assert slots["retention_outcome"] == "offered"  # a yes goes to action_answer_retention_offer
    run(AnswerRetentionOffer(), tracker(slots=slots, intent="affirm", text="yes"), domain)
    made, answer = rows(database, OfferRecord)
    assert (made.offer, made.answer) == ("advisor_callback", None)
    assert (answer.offer, answer.answer, answer.answers_offer_id) == ("advisor_callback",
                                                                      "accepted", made.id)
    [follow_up] = rows(database, HandoffRequest)  # the staff's follow-up, in their queue
    assert (follow_up.reason, follow_up.client_id) == ("retention_accepted:advisor_callback", CLIENT)


def test_a_new_clients_first_weeks_rating_is_kept_as_first_experience(domain, database):
    add_client(database, stage="onboarding")
    _, slots = run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)
    run(RecordRating(), tracker(slots={**slots, "rating": 5}), domain)
    run(RecordRating(), tracker(slots={**slots, "rating": 4, "recommended": True}), domain)
    stored = [(a.survey, a.question, a.answer) for a in rows(database, SurveyAnswer)]
    assert stored == [("first_experience", "rating", "5"), ("satisfaction", "rating", "4")]


@pytest.mark.slow
def test_a_client_leaves_and_reviews_through_the_rasa_server(advisor):
    engine = make_engine(advisor.database_url)
    add_client(engine, stage="growth",
               holdings={"us_equity": 140_000.0, "aggregate_bonds": 60_000.0},
               target={"us_equity": 0.5, "aggregate_bonds": 0.5})
    sender = "live-leaving"

    def say(text):
        return advisor.say(sender, text, SIGNED_IN)

    # Each reply is checked against the whole text of the responses it should be.
    assert matches_reply(say("can you review my portfolio?"),
                         "utter_review_drifted", "utter_review_trades", "utter_review_ask_adviser",
                         total="200,000", drift="20.0%", threshold="3.0%",
                         sells="- US equities: 40,000", buys="- US aggregate bonds: 40,000")
    rebalancing_handoff = say("yes please")
    # The fees are named in the opening message: no question, straight to the fitting offer.
    assert response_names(say("your fees are too high, I want to close my account")) == [
        "utter_leaving_ack", "utter_leaving_heard_fees", "utter_retention_worth_fee_waiver",
        "utter_retention_offer_fee_waiver"]
    assert response_names(say("no thanks")) == ["utter_retention_declined", "utter_ask_exit_detail"]
    assert response_names(say("they charge half as much")) == ["utter_ask_exit_return_likelihood"]
    assert response_names(say("eleven")) == ["utter_invalid_return_likelihood",
                                             "utter_ask_exit_return_likelihood"]
    assert response_names(say("2")) == ["utter_ask_exit_improvement"]
    assert response_names(say("nothing really")) == ["utter_exit_survey_thanks",
                                                     "utter_offer_human_contact"]
    leaving_handoff = say("yes")
    with session_scope(engine) as session:
        offers = session.query(OfferRecord).order_by(OfferRecord.id).all()
        survey = {a.question: a.answer for a in session.query(SurveyAnswer)}
        handoffs = session.query(HandoffRequest).order_by(HandoffRequest.id).all()
    assert [(o.offer, o.answer) for o in offers] == [("fee_waiver", None),
                                                     ("fee_waiver", "declined")]
    assert survey == {"reason": "fees", "detail": "they charge half as much",
                      "return_likelihood": "2", "improvement": "nothing really"}
    assert [h.reason for h in handoffs] == ["rebalancing", "leaving"]
    assert matches_reply(rebalancing_handoff, "utter_handoff", reference=handoffs[0].id)
    assert matches_reply(leaving_handoff, "utter_handoff", reference=handoffs[1].id)
    engine.dispose()


@pytest.mark.parametrize(("text", "language"), [
    ("is there a fee to close my account?", "en"),
    ("what would it cost me to move my money elsewhere", "en"),
    ("注销账户要收手续费吗", "zh"),
])
def test_a_question_about_what_leaving_costs_is_answered_as_a_question_about_fees(domain, text,
                                                                                   language):
    state = tracker(slots={"language": language}, intent="close_account", text=text)
    messages, slots = run(StartLeaving(), state, domain)
    assert said(messages, domain) == ["utter_faq/fees"]
    assert slots == {}


@pytest.mark.parametrize(("text", "language"), [
    ("I want to close my account, your fees are too high", "en"),
    ("how do I close my account", "en"),
    ("我要销户", "zh"),
])
def test_leaving_in_earnest_starts_the_leaving_flow(domain, text, language):
    state = tracker(slots={"language": language}, intent="close_account", text=text)
    messages, _ = run(StartLeaving(), state, domain)
    assert said(messages, domain) == ["utter_leaving_ack"]
