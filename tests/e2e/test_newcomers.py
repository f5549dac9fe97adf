"""A newcomer's conversation on the real servers: an opening that answers questions, answers in
the client's own words, digressions, and no dead end when the advisor does not understand.

Each reply is compared with the whole text of its response as the locale files word it
(tests/support/responses.py), and the dialogue state is read from Rasa's tracker.
"""

from __future__ import annotations

import httpx
import pytest
from support.responses import matches_reply, response_names

from harness.advisor import ONBOARDING

pytestmark = pytest.mark.slow


def slots(advisor, sender: str) -> dict:
    response = httpx.get(f"{advisor.url}/conversations/{sender}/tracker",
                         params={"token": advisor.token})
    response.raise_for_status()
    state = response.json()
    return {**state["slots"], "active_loop": (state.get("active_loop") or {}).get("name")}


def payloads(reply: list[dict]) -> list[str]:
    return [b["payload"] for m in reply for b in m.get("buttons") or []]


def test_an_unclear_first_message_is_welcomed_with_the_offer_to_start_and_a_person(advisor):
    reply = advisor.say("newcomer-first", "qwzx plorf vrrt")  # certain to be not understood
    assert response_names(reply) == ["utter_default_first"]
    assert {"/start_onboarding", "/request_human"} <= set(payloads(reply))


def test_an_opening_with_facts_prefills_the_form_and_says_them_back(advisor):
    sender = "newcomer-opening"
    reply = advisor.say(sender, "Hi, I'm 62 and I'll need the money in 3 years")
    assert response_names(reply)[-2:] == ["utter_opening_understood", "utter_ask_goal"]
    assert matches_reply(reply[-2:], "utter_opening_understood", "utter_ask_goal",
                         facts="you're 62 and you'll need it in about 3 years")
    state = slots(advisor, sender)
    assert (state["age"], state["horizon_years"], state["requested_slot"]) == (62, 3, "goal")


def test_not_understood_offers_buttons_never_twice_the_same_then_a_person(advisor):
    sender = "newcomer-fallback"
    advisor.say(sender, "hello")
    first = advisor.say(sender, "qwzx plorf vrrt")
    assert response_names(first) == ["utter_default"]
    assert {"/start_onboarding", "/request_human"} <= set(payloads(first))
    second = advisor.say(sender, "zzkq brrm tlop")
    assert response_names(second) == ["utter_default_rephrase"]
    third = advisor.say(sender, "vvxq mmpr kltz")
    assert response_names(third) == ["utter_default_offer_person"]
    assert "/request_human" in payloads(third)
    assert response_names(advisor.say(sender, "yes")) == ["utter_handoff"]


def test_yes_after_the_offer_of_a_recommendation_starts_it(advisor):
    sender = "newcomer-yes"
    advisor.say(sender, "hello")
    assert response_names(advisor.say(sender, "qwzx plorf vrrt")) == ["utter_default"]
    assert response_names(advisor.say(sender, "sure")) == ["utter_ask_age"]
    assert slots(advisor, sender)["active_loop"] == "onboarding_form"


@pytest.mark.parametrize(("opening", "yes", "language"), [
    ("I'd like to make an investment plan", "ok, let's start", "en"),
    ("你好，我想做个理财规划", "好的，开始吧", "zh")])
def test_a_yes_to_starting_after_the_form_has_started_gets_the_first_question_again(
        advisor, opening, yes, language):
    sender = f"newcomer-started-{language}"
    assert response_names(advisor.say(sender, opening), language) == ["utter_ask_age"]
    # No "I need your age as a number": the question again, and the answer after it counts.
    assert response_names(advisor.say(sender, yes), language) == ["utter_ask_age"]
    assert response_names(advisor.say(sender, "35"), language) == ["utter_ask_goal"]
    assert slots(advisor, sender)["age"] == 35


def test_a_question_about_fees_mid_form_is_answered_and_the_question_asked_again(advisor):
    sender = "newcomer-fees"
    assert response_names(advisor.say(sender, "help me invest")) == ["utter_ask_age"]
    reply = advisor.say(sender, "hang on, what do you charge for this?")
    assert response_names(reply) == ["utter_faq/fees", "utter_ask_age"]
    state = slots(advisor, sender)
    assert (state["active_loop"], state["requested_slot"]) == ("onboarding_form", "age")


def test_an_answer_the_classifier_takes_for_small_talk_still_answers_the_question(advisor):
    sender = "newcomer-answer"
    for text in ONBOARDING[:2]:  # up to the age question
        advisor.say(sender, text)
    reply = advisor.say(sender, "ha, turned 39 last week")
    assert response_names(reply) == ["utter_ask_goal"]
    assert slots(advisor, sender)["age"] == 39


def test_three_failed_tries_at_a_question_offer_a_person(advisor):
    sender = "newcomer-tries"
    advisor.say(sender, "help me invest")
    advisor.say(sender, "40")
    for _ in range(3):
        reply = advisor.say(sender, "hmm, let me think about it")
    assert response_names(reply) == ["utter_invalid_goal", "utter_offer_handoff", "utter_ask_goal"]
    assert "/request_human" in payloads(reply)


def test_a_correction_of_an_earlier_answer_keeps_the_open_question(advisor):
    sender = "newcomer-correction"
    for text in ONBOARDING[:6]:  # up to the monthly amount
        reply = advisor.say(sender, text)
    assert response_names(reply) == ["utter_ask_monthly_contribution"]
    reply = advisor.say(sender, "actually I meant it's for my kids' college")
    assert matches_reply(reply, "utter_noted_change", "utter_ask_monthly_contribution",
                         fact="it's for your education goal")
    assert slots(advisor, sender)["goal"] == "education"


def test_a_first_message_that_asks_a_question_is_answered_then_welcomed_and_yes_starts(advisor):
    sender = "newcomer-question-first"
    reply = advisor.say(sender, "what are your fees?")
    assert response_names(reply) == ["utter_faq/fees", "utter_greet_prospect"]
    assert "/start_onboarding" in payloads(reply)
    assert response_names(advisor.say(sender, "ok")) == ["utter_ask_age"]
    assert slots(advisor, sender)["active_loop"] == "onboarding_form"


def test_a_later_question_leads_back_to_the_recommendation_and_yes_starts(advisor):
    sender = "newcomer-question-later"
    advisor.say(sender, "hello")
    advisor.say(sender, "no thanks")
    reply = advisor.say(sender, "can I lose money?")
    assert response_names(reply) == ["utter_faq/losing_money", "utter_lead_back"]
    assert matches_reply(reply[-1:], "utter_lead_back")
    assert "/start_onboarding" in payloads(reply)
    assert response_names(advisor.say(sender, "yes please")) == ["utter_ask_age"]
