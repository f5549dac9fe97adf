"""Not understanding: buttons every time, never the same reply twice running, a person offered
on the third misunderstood turn in a row, and what a yes then accepts."""

import asyncio

import pytest
from action_harness import SENDER, said
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_variations

from actions.fallback import Fallback, misunderstood_in_a_row

MENU = ["/start_onboarding", "/ask_topics", "/portfolio_review", "/request_human"]


def user(intent: str, text: str = "blah") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(name: str) -> dict:
    return {"event": "bot", "metadata": {"utter_action": name}}


def after(*events: dict) -> Tracker:
    last = [e for e in events if e["event"] == "user"][-1]
    return Tracker(sender_id=SENDER, slots={}, latest_message={**last["parse_data"], "text": last["text"]},
                   events=list(events), paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def fallback(tracker: Tracker, domain: dict) -> tuple[list[str], dict]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(Fallback().run(dispatcher, tracker, domain))
    return said(dispatcher.messages, domain), {e["name"]: e["value"] for e in events}


def test_turns_in_a_row_count_back_to_the_last_understood_one():
    events = [user("greet"), user("nlu_fallback"), user("inform"), user("out_of_scope"),
              bot("utter_out_of_scope"), user("nlu_fallback")]
    assert misunderstood_in_a_row(events) == 2
    assert misunderstood_in_a_row([user("greet")]) == 0


@pytest.mark.parametrize(("intents", "reply", "offer"), [
    (["greet", "nlu_fallback"], "utter_default", "onboarding"),
    (["greet", "out_of_scope"], "utter_out_of_scope", "onboarding"),
    (["nlu_fallback", "nlu_fallback"], "utter_default_rephrase", "onboarding"),
    (["out_of_scope", "nlu_fallback"], "utter_default_rephrase", "onboarding"),
    (["nlu_fallback"] * 3, "utter_default_offer_person", "handoff"),
    (["nlu_fallback"] * 4, "utter_default_rephrase", "onboarding"),
    (["nlu_fallback"] * 5, "utter_default_offer_person", "handoff"),
])
def test_each_misunderstood_turn_in_a_row_gets_its_reply_and_offer(domain, intents, reply, offer):
    replies, slots = fallback(after(*(user(i) for i in intents)), domain)
    assert replies == [reply]
    assert slots == {"last_offer": offer}


@pytest.mark.parametrize(("text", "reply"), [
    ("rg rg rg", "utter_offer_person_named"), ("能不能转接一下坐席", "utter_offer_person_named"),
    ("can I get a human??", "utter_offer_person_named"),
    ("你們的客服在哪", "utter_offer_person_named"),  # 繁體
    # No person named: the usual first reply.
    ("blah", "utter_default"), ("hire me", "utter_default"), ("agenda?", "utter_default"),
])
def test_a_message_not_understood_that_names_a_person_is_offered_one(domain, text, reply):
    replies, slots = fallback(after(user("greet"), user("nlu_fallback", text)), domain)
    assert replies == [reply]
    assert slots == {"last_offer": "handoff" if reply == "utter_offer_person_named"
                     else "onboarding"}


def test_a_first_message_naming_a_person_is_offered_one_rather_than_welcomed(domain):
    replies, slots = fallback(after(user("nlu_fallback", "转人工转人工")), domain)
    assert replies == ["utter_offer_person_named"] and slots == {"last_offer": "handoff"}


@pytest.mark.parametrize("name", ["utter_default", "utter_out_of_scope", "utter_default_rephrase",
                                  "utter_default_offer_person", "utter_offer_person_named"])
def test_every_fallback_reply_offers_what_the_advisor_can_do(name):
    for variation in response_variations(name):
        assert sorted(b["payload"] for b in variation["buttons"]) == sorted(MENU)


@pytest.mark.parametrize("name", ["utter_default_offer_person", "utter_offer_person_named"])
def test_the_offer_of_a_person_comes_first_with_its_button(name):
    [variation] = response_variations(name)
    assert variation["buttons"][0]["payload"] == "/request_human"


def test_the_topics_are_every_concept_action_explain_explains():
    from actions.conversation import CONCEPTS
    [variation] = response_variations("utter_topics")
    assert [b["payload"] for b in variation["buttons"]] == [
        f'/explain{{"concept": "{c}"}}' for c in CONCEPTS]


def test_an_unclear_first_message_is_greeted_with_the_offer_to_start(domain):
    replies, slots = fallback(after(user("nlu_fallback", "hi, first time doing this")), domain)
    assert replies == ["utter_default_first"]
    assert slots == {"last_offer": "onboarding"}
    # A newcomer has no portfolio to review: start, learn, or a person.
    for variation in response_variations("utter_default_first"):
        assert sorted(b["payload"] for b in variation["buttons"]) == sorted(
            ["/start_onboarding", "/ask_topics", "/request_human"])


def test_a_first_message_that_answers_questions_starts_the_form_with_them(domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(Fallback().run(dispatcher, after(user("nlu_fallback", "62, need it in 3 "
                                                                "years, have 40k")), domain))
    assert events[-1] == {"event": "followup", "name": "onboarding_form", "timestamp": None}
    assert dispatcher.messages == []


@pytest.mark.parametrize(("intent", "text"), [("deny", "不知道从哪开始"), ("affirm", "ok")])
def test_a_yes_or_no_as_the_first_message_is_welcomed(domain, intent, text):
    replies, slots = fallback(after(user(intent, text)), domain)
    assert replies == ["utter_default_first"]
    assert slots == {"last_offer": "onboarding"}


def test_a_no_later_in_the_conversation_is_not_a_welcome(domain):
    replies, _ = fallback(after(user("greet", "hi"), bot("utter_greet_prospect"),
                                user("deny", "no")), domain)
    assert replies == ["utter_default"]
