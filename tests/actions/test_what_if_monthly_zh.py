"""Chinese what-ifs after a recommendation: a monthly sum named ("月投2000会怎样") replaces the
contribution, one said as more or less than today's ("每月多投500", "每个月再加500", "每月少投300")
changes it by that sum, as "500 more a month" does in English, and a retirement age
("如果我60岁退休呢") moves the horizon."""

import pytest
from action_harness import responses, run, tracker

from actions.advice import WhatIf, monthly_asked, what_if_of
from engine.questionnaire import middle_answers

PROFILE = {
    "age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 200_000.0,
    "monthly_contribution": 3_000.0, "target_amount": 2_000_000.0, "income_stability": "stable",
    "language": "zh", **{f"q_{q}": option for q, option in middle_answers().items()},
}


@pytest.mark.parametrize(("text", "what_if"), [
    ("每月多投500", "what_if_monthly"),
    ("每个月再加500", "what_if_monthly"),
    ("月投2000会怎样", "what_if_monthly"),
    ("如果每个月投五千呢", "what_if_monthly"),
    ("要是一个月定投1000呢", "what_if_monthly"),
    ("每月能多存一千的话", "what_if_monthly"),
    ("每年投六万会怎么样", "what_if_monthly"),
    ("每個月再加五百呢", "what_if_monthly"),
    ("月投兩千會怎樣", "what_if_monthly"),
    ("3000一个月呢", "what_if_monthly"),
    ("如果我60岁退休呢", "what_if_retire_at"),
    ("那我五十五岁退休会怎样", "what_if_retire_at"),
    ("如果我60歲退休呢", "what_if_retire_at"),
    ("月薪两万呢", None),  # pay, not a sum to invest
    ("我今年35岁", None),  # a figure, but no change the advisor can try
    ("这个组合不错", None),
    ("收益有百分之五吗", None),
])
def test_a_chinese_figure_after_a_recommendation_names_its_what_if(text, what_if):
    assert what_if_of(text) == what_if


@pytest.mark.parametrize(("text", "asked"), [
    ("每月多投500", 3_500),
    ("每个月再加500", 3_500),
    ("每月再多投一千", 4_000),
    ("每个月追加两千", 5_000),
    ("每月增加800", 3_800),
    ("每月额外投500块", 3_500),
    ("每周多存100", 3_000 + 100 * 52 / 12),
    ("多投500一个月", 3_500),
    ("要是我每个月能多拿出两千呢", 5_000),
    ("如果每周投500呢", 500 * 52 / 12),
    ("一年投五万呢", 50_000 / 12),
    ("月投2000会怎样", 2_000),  # a sum named: the new contribution itself
    ("每月加到5000", 5_000),  # raised to, not by
    ("每月投500", 500),
    ("一个月一千五", 1_500),
    ("500 more a month", 3_500),
    ("an extra 500 a month", 3_500),
    ("what if I put in 500 more each month", 3_500),
    ("say 800 a month", 800),
    # Less than today's: the sum is taken off.
    ("每月少投300", 2_700),
    ("每个月减少500", 2_500),
    ("100 less a month", 2_900),
    ("每月减到2000", 2_000),  # lowered to, not by
    ("每月投入调到2500", 2_500),
    # "最多" and "至少" bound the sum; they ask for no change by it.
    ("每月最多投1000", 1_000),
    ("每月至少投4000", 4_000),
])
def test_a_monthly_what_if_names_the_new_sum_or_raises_the_current_one(text, asked):
    assert monthly_asked(text, 3_000.0) == pytest.approx(asked)


def test_a_raise_with_no_contribution_yet_is_the_raise_itself():
    assert monthly_asked("每月多投500", 0.0) == 500


def test_a_cut_below_nothing_is_refused_as_out_of_range(domain, database):
    state = tracker(slots={**PROFILE, "monthly_contribution": 200.0}, intent="what_if_monthly",
                    text="每月少投500")
    messages, slots = run(WhatIf(), state, domain)
    assert responses(messages) == ["utter_what_if_not_understood"]
    assert slots == {}


@pytest.mark.parametrize(("text", "intent", "monthly"), [
    ("每月多投500", "nlu_fallback", 3_500),  # typed after the recommendation, no what-if intent
    ("每个月再加500", "what_if_monthly", 3_500),  # the classifier's what-if intent
    ("月投2000会怎样", "what_if_monthly", 2_000),
    ("每月少投一千呢", "nlu_fallback", 2_000),
])
def test_the_what_if_action_applies_a_chinese_monthly_sum(domain, database, text, intent,
                                                           monthly):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent=intent, text=text), domain)
    assert slots["monthly_contribution"] == pytest.approx(monthly)
    assert responses(messages)[:2] == ["utter_what_if_applied", "utter_recommendation"]
    applied = next(m for m in messages if m.get("response") == "utter_what_if_applied")
    assert applied["change"] == text


def test_the_what_if_action_applies_a_chinese_retirement_age(domain, database):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent="nlu_fallback",
                                            text="如果我60岁退休呢"), domain)
    assert slots["horizon_years"] == 25
    assert "monthly_contribution" not in slots
    assert "utter_recommendation" in responses(messages)


def test_a_chinese_figure_with_no_what_if_gets_the_hint(domain, database):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent="nlu_fallback",
                                            text="我今年35岁"), domain)
    assert responses(messages) == ["utter_what_if_hint"]
    assert slots == {}
