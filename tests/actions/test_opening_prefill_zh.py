"""A Chinese opening message prefills the onboarding form and its facts are said back in Chinese."""

import asyncio

import pytest
from action_harness import said, tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.onboarding import ValidateOnboardingForm


def opening(domain, text):
    state = tracker(slots={"requested_slot": None, "language": "zh"}, text=text,
                    intent="start_onboarding", active_loop="onboarding_form")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return {k: v for k, v in slots.items() if k != "failed_attempts"}, dispatcher.messages


@pytest.mark.parametrize(("text", "slots", "facts"), [
    ("我35岁，想给退休存点钱，手头有20万，每个月能投三千",
     {"age": 35, "goal": "retirement", "initial_amount": 200_000, "monthly_contribution": 3_000},
     "您今年35岁，这笔钱用于养老，起始资金为20万元，每月可追加3000元"),
    # Traditional characters; an approximate sum at its documented point (八十多万 is 80万, what
    # was said for certain),
    # said back as approximate.
    ("還有三年退休，有八十多萬",
     {"goal": "retirement", "horizon_years": 3, "initial_amount": 800_000},
     "这笔钱用于养老，大约3年后要用，起始资金约为80万元"),
    ("我40岁，有二三十万，每个月大概能存三五千",
     {"age": 40, "initial_amount": 250_000, "monthly_contribution": 4_000},
     "您今年40岁，起始资金约为25万元，每月约可追加4000元"),
    ("快四十了，想攒到一百万左右",
     {"age": 39, "target_amount": 1_000_000}, "您今年39岁左右，目标金额约为100万元"),
    # 手上 is where the money is, not "over" 15万: an exact sum, said back as exact.
    ("我32，手上有15万，想给退休存钱",
     {"age": 32, "goal": "retirement", "initial_amount": 150_000},
     "您今年32岁，这笔钱用于养老，起始资金为15万元"),
    # Both scripts in one message: the English age and the Chinese sum, each read once.
    ("I'm 35, 手头有20万",
     {"age": 35, "initial_amount": 200_000}, "您今年35岁，起始资金为20万元"),
])
def test_a_chinese_opening_fills_its_answers_and_says_them_back(domain, text, slots, facts):
    taken, messages = opening(domain, text)
    assert taken == pytest.approx(slots)
    assert said(messages, domain) == ["utter_opening_understood"]
    assert messages[0]["facts"] == facts


def test_a_chinese_opening_without_facts_fills_nothing(domain):
    taken, messages = opening(domain, "你好，我想了解一下怎么理财")
    assert all(value is None for value in taken.values())
    assert messages == []
