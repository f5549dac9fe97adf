"""An opening fact given as approximate is said back as approximate: "about 50k" is "about 50,000",
not 50,000 as if it were exact; an exact one is said back without "about"."""

import asyncio

import pytest
from action_harness import said, tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.onboarding import ValidateOnboardingForm


def opening(domain, text, language="en"):
    state = tracker(slots={"requested_slot": None, "language": language}, text=text,
                    intent="start_onboarding", active_loop="onboarding_form")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    slots = {e["name"]: e["value"] for e in events
             if e.get("event") == "slot" and e["name"] != "failed_attempts"}
    return slots, dispatcher.messages


@pytest.mark.parametrize(("text", "slots", "facts"), [
    ("I'm 40 and have about 50k", {"age": 40, "initial_amount": 50_000},
     "you're 40 and you have about 50,000 to start with"),
    ("I'm 40 and have 50k", {"age": 40, "initial_amount": 50_000},
     "you're 40 and you have 50,000 to start with"),
    ("I'm 40, I have 40-60k and can add roughly 300 a month",
     {"age": 40, "initial_amount": 50_000, "monthly_contribution": 300},
     "you're 40, you have about 50,000 to start with and you can add about 300 a month"),
    ("I'm 30, aiming for around 200k", {"age": 30, "target_amount": 200_000},
     "you're 30 and you're aiming for about 200,000"),
])
def test_an_english_opening_says_an_approximate_fact_back_as_approximate(domain, text, slots,
                                                                          facts):
    taken, messages = opening(domain, text)
    assert {k: v for k, v in taken.items() if v is not None} == pytest.approx(slots)
    assert said(messages, domain) == ["utter_opening_understood"]
    assert messages[0]["facts"] == facts


def test_a_range_said_in_chinese_is_said_back_as_its_point_and_as_approximate(domain):
    taken, messages = opening(domain, "有二三十万，想放五年", language="zh")
    assert (taken["initial_amount"], taken["horizon_years"]) == (250_000, 5)
    assert messages[0]["facts"] == "大约5年后要用，起始资金约为25万元"
