"""Greeting by lifecycle stage, explanations, handoff requests and the satisfaction rating."""

import pytest
from action_harness import SENDER, add_client, responses, rows, run, said, tracker

from actions.conversation import Explain, Greet, Handoff, RecordRating, ValidateSatisfactionForm
from db.models import HandoffRequest, OfferRecord, SurveyAnswer


def test_a_prospect_is_offered_onboarding(domain, database):
    messages, slots = run(Greet(), tracker(intent="greet", text="hi"), domain)
    assert responses(messages) == ["utter_greet_prospect"]
    assert slots["lifecycle_stage"] == "prospect"


def test_a_typed_id_is_not_trusted_only_metadata_is(domain, database):
    add_client(database, stage="growth")
    _, slots = run(Greet(), tracker(intent="greet", text="hi, I'm client 7"), domain)
    assert slots["lifecycle_stage"] == "prospect"
    messages, slots = run(Greet(), tracker(intent="greet", text="hi", metadata={"client_id": 7}),
                          domain)
    assert messages[0] == {**messages[0], "response": "utter_greet_client", "client_name": "Ada"}
    assert responses(messages)[1] == "utter_stage_growth"
    assert slots["client_id"] == 7


def test_a_declining_client_gets_the_retention_offer_recorded(domain, database):
    add_client(database, stage="decline", next_best_action="fee_review")
    messages, slots = run(Greet(), tracker(intent="greet", text="hi", metadata={"client_id": 7}),
                          domain)
    assert "utter_stage_decline" in responses(messages)
    [offer] = rows(database, OfferRecord)
    assert (offer.offer, offer.answer, offer.client_id) == ("fee_review", None, 7)
    run(Handoff(), tracker(slots=slots, intent="affirm", text="yes"), domain)
    assert [o.answer for o in rows(database, OfferRecord)] == [None, "accepted"]
    [handoff] = rows(database, HandoffRequest)
    assert handoff.reason == "retention_review_accepted"


@pytest.mark.parametrize(("offer", "terms"), [
    ("fee_waiver", {"days": 30}),
    ("premium_extension", {"months": 6}),
    ("advisor_callback", {"minutes": 30, "working_days": 2}),
])
def test_the_greetings_retention_offer_states_its_terms(domain, database, offer, terms):
    add_client(database, stage="decline", next_best_action=offer)
    messages, slots = run(Greet(), tracker(intent="greet", text="hi", metadata={"client_id": 7}),
                          domain)
    # said() also checks that every placeholder of the offer's text gets a value.
    # The fee waiver first says what it is worth on the client's account (the waived fees).
    worth = ["utter_retention_worth_fee_waiver"] if offer == "fee_waiver" else []
    assert said(messages, domain)[1:] == ["utter_stage_decline", *worth,
                                          f"utter_retention_offer_{offer}"]
    assert messages[-1] == {**messages[-1], **terms}
    assert slots["retention_offer"] == offer


@pytest.mark.parametrize(("aum", "worth_said"), [(752.85, False), (200_000.0, True)])
def test_a_fee_waiver_worth_less_than_one_unit_is_offered_without_its_worth(domain, database, aum,
                                                                          worth_said):
    # 30 days of fees on 752.85 come to about 0.15: "about 0 every 30 days" is no reason to stay.
    add_client(database, aum=aum, stage="decline", next_best_action="fee_waiver")
    messages, _ = run(Greet(), tracker(intent="greet", text="hi", metadata={"client_id": 7}),
                      domain)
    worth = ["utter_retention_worth_fee_waiver"] if worth_said else []
    assert said(messages, domain)[1:] == ["utter_stage_decline", *worth,
                                          "utter_retention_offer_fee_waiver"]


@pytest.mark.parametrize(("entity", "response"), [
    ("bonds", "utter_explain_bonds"), ("alternatives", "utter_explain_alternatives"),
    (None, "utter_explain_unknown"), ("why_allocation", "utter_explain_why_no_allocation"),
])
def test_explanations(domain, database, entity, response):
    entities = [{"entity": "concept", "value": entity}] if entity else []
    messages, _ = run(Explain(), tracker(intent="explain", entities=entities), domain)
    assert responses(messages) == [response]
    assert response in domain["responses"]


def test_handoff_request_is_recorded_for_staff(domain, database):
    messages, _ = run(Handoff(), tracker(intent="request_human", text="get me a human"), domain)
    [handoff] = rows(database, HandoffRequest)
    assert (handoff.conversation_id, handoff.reason) == (SENDER, "request_human")
    assert handoff.last_message == "get me a human"
    assert messages[0]["reference"] == handoff.id


@pytest.mark.parametrize(("text", "rating"), [("4", 4), ("five", 5), ("9", None), ("meh", None)])
def test_ratings_from_1_to_5(domain, text, rating):
    state = tracker(slots={"requested_slot": "rating"}, text=text, candidates={"rating": text},
                    active_loop="satisfaction_form")
    messages, slots = run(ValidateSatisfactionForm(), state, domain)
    assert slots["rating"] == rating
    assert (messages == []) == (rating is not None)


def test_a_rating_is_recorded_once(domain, database):
    messages, slots = run(RecordRating(), tracker(slots={"rating": 4}), domain)
    [answer] = rows(database, SurveyAnswer)
    assert (answer.survey, answer.answer) == ("satisfaction", "4")
    assert slots["recommended"] is False
    assert responses(messages) == ["utter_thanks_for_rating"]


def test_a_why_naming_no_idea_after_a_recommendation_asks_why_this_mix(domain, database):
    state = tracker(intent="explain", text="how come you picked that?", slots={"recommended": True})
    messages, _ = run(Explain(), state, domain)
    # No profile in this tracker: the reply that explains what the mix would follow from.
    assert responses(messages) == ["utter_explain_why_no_allocation"]
