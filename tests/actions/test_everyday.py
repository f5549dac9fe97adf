"""Everyday questions and boundaries: the answer by topic, then outside the questionnaire the
offer of a mix that a yes accepts; inside it, the form's question comes back instead."""

import pytest
from action_harness import run, said, tracker
from support.responses import response_variations

from actions.everyday import BOUNDARIES, TOPICS, EverydayAnswer, answer_of


@pytest.mark.parametrize("topic", TOPICS)
def test_each_everyday_question_gets_its_answer_and_the_offer_of_a_mix(domain, topic):
    messages, slots = run(EverydayAnswer(), tracker(intent=f"faq_{topic}"), domain)
    assert said(messages, domain) == [f"utter_faq_{topic}", "utter_offer_mix"]
    assert slots == {"last_offer": "onboarding"}


@pytest.mark.parametrize("kind", BOUNDARIES)
def test_each_boundary_is_said_with_what_the_advisor_can_do(domain, kind):
    messages, _ = run(EverydayAnswer(), tracker(intent=f"ask_{kind}"), domain)
    assert said(messages, domain) == [f"utter_boundary_{kind}", "utter_offer_mix"]


def test_in_the_questionnaire_the_answer_comes_without_an_offer(domain):
    state = tracker(intent="faq_fees", slots={"requested_slot": "age"}, active_loop="onboarding_form")
    messages, slots = run(EverydayAnswer(), state, domain)
    assert said(messages, domain) == ["utter_faq_fees"]
    assert slots == {}


def test_an_intent_without_an_answer_is_named(domain):
    assert answer_of("faq_weather") is None
    with pytest.raises(ValueError, match="'greet'"):
        run(EverydayAnswer(), tracker(intent="greet"), domain)


def test_every_topic_and_boundary_has_an_intent_and_every_intent_an_answer(domain):
    everyday = {i for i in domain["intents"] if i.startswith("faq_")
                or i in {f"ask_{k}" for k in BOUNDARIES}}
    assert everyday == {f"faq_{t}" for t in TOPICS} | {f"ask_{k}" for k in BOUNDARIES}
    assert all(answer_of(i) in domain["responses"] for i in everyday)


def test_the_offer_of_a_mix_has_the_button_to_start():
    [variation] = response_variations("utter_offer_mix")
    assert [b["payload"] for b in variation["buttons"]] == ["/start_onboarding", "/request_human"]
