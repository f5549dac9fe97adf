"""Answers given on the way: a message typed at one question that also answers a later one ("I'm
45 and have about 200k" at the age) keeps both, and says back what it took beyond the open
question's answer; one that answers only a later question ("for a house deposit" at the age) is
no failed try: the later answer is kept and said back, and the open question asked again. An
answer given as approximate is said back with the figure it is taken as."""

import pytest
from action_harness import form_run, said

#: The answers of a form that has reached the horizon.
UP_TO_GOAL = {"age": 38, "goal": "education"}


def taken(events) -> dict:
    """The slots the run leaves set (their last values), without the bookkeeping ones."""
    values = {}
    for event in events:
        if event.get("event") == "slot" and event["name"] not in ("failed_attempts",
                                                                  "requested_slot"):
            values[event["name"]] = event["value"]
    return values


@pytest.mark.parametrize(("slot", "text", "slots", "expected", "facts"), [
    ("age", "I'm 45 and I have about 200k to invest", {},
     {"age": 45, "initial_amount": 200_000}, "you have about 200,000 to start with"),
    ("age", "31, saving for a house deposit", {}, {"age": 31, "goal": "major_purchase"},
     "it's for your home or major purchase goal"),
    ("horizon_years", "10 years, and I can add 500 a month", UP_TO_GOAL,
     {"horizon_years": 10, "monthly_contribution": 500}, "you can add 500 a month"),
])
def test_a_later_answer_given_on_the_way_is_kept_and_said_back(domain, slot, text, slots,
                                                               expected, facts):
    events, messages = form_run(domain, slot, text, slots=slots)
    assert {k: v for k, v in taken(events).items() if v is not None} == pytest.approx(expected)
    assert said(messages, domain) == ["utter_noted_facts"]
    assert messages[0]["facts"] == facts


@pytest.mark.parametrize(("slot", "text", "slots", "later"), [
    ("age", "saving up for a house deposit", {}, {"goal": "major_purchase"}),
    ("goal", "hopefully within 5 years or so", {"age": 31}, {"horizon_years": 5}),
    ("goal", "I've got maybe 40-50k saved", {"age": 31}, {"initial_amount": 45_000}),
    ("initial_amount", "about 1.5k a month", {**UP_TO_GOAL, "horizon_years": 12},
     {"monthly_contribution": 1_500}),
])
def test_a_message_that_answers_only_a_later_question_keeps_it_and_asks_again(
        domain, slot, text, slots, later):
    events, messages = form_run(domain, slot, text, slots=slots)
    values = taken(events)
    assert values.get(slot) is None
    assert {k: v for k, v in values.items() if k != slot and v is not None} == pytest.approx(later)
    # No complaint and no failed try: what it gave is said back, and the form asks again.
    assert said(messages, domain) == ["utter_noted_facts"]
    assert all(e.get("value") in (0, None) for e in events if e.get("name") == "failed_attempts")


def test_an_answer_in_words_and_a_later_figure_are_both_kept(domain):
    events, messages = form_run(domain, "initial_amount", "nothing to start with, but 300 a month",
                                slots={**UP_TO_GOAL, "horizon_years": 12})
    assert {k: v for k, v in taken(events).items() if v is not None} == {
        "initial_amount": 0, "monthly_contribution": 300}
    assert [m["facts"] for m in messages] == ["you can add 300 a month"]


@pytest.mark.parametrize(("slot", "text", "slots", "value"), [
    ("horizon_years", "10", UP_TO_GOAL, 10),
    ("initial_amount", "50k", {**UP_TO_GOAL, "horizon_years": 12}, 50_000),
    ("monthly_contribution", "3000", {**UP_TO_GOAL, "horizon_years": 12,
                                      "initial_amount": 50_000}, 3_000),
])
def test_a_figure_standing_alone_answers_the_open_question_only(domain, slot, text, slots,
                                                                 value):
    events, messages = form_run(domain, slot, text, slots=slots)
    assert {k: v for k, v in taken(events).items() if v is not None} == {slot: value}
    assert said(messages, domain) == []


def test_a_message_that_answers_nothing_is_still_a_failed_try(domain):
    events, messages = form_run(domain, "age", "no idea, what do you mean")
    assert said(messages, domain) == ["utter_invalid_age"]
    assert [e["value"] for e in events if e.get("name") == "failed_attempts"] == [1]


@pytest.mark.parametrize(("slot", "text", "slots", "value", "facts"), [
    ("initial_amount", "I've got maybe 40-50k", {**UP_TO_GOAL, "horizon_years": 12}, 45_000,
     "you have about 45,000 to start with"),
    ("monthly_contribution", "roughly 300", {**UP_TO_GOAL, "horizon_years": 12,
                                              "initial_amount": 50_000}, 300,
     "you can add about 300 a month"),
    ("horizon_years", "about 10 years I think", UP_TO_GOAL, 10,
     "you'll need it in about 10 years"),
])
def test_an_approximate_answer_is_said_back_with_the_figure_taken(domain, slot, text, slots,
                                                                   value, facts):
    events, messages = form_run(domain, slot, text, slots=slots)
    assert taken(events)[slot] == pytest.approx(value)
    assert said(messages, domain) == ["utter_noted_facts"]
    assert messages[0]["facts"] == facts


def test_an_exact_answer_is_not_said_back(domain):
    events, messages = form_run(domain, "initial_amount", "50,000",
                                slots={**UP_TO_GOAL, "horizon_years": 12})
    assert taken(events)["initial_amount"] == 50_000
    assert said(messages, domain) == []


@pytest.mark.parametrize(("slot", "text", "slots", "expected", "facts"), [
    # A range is taken at its middle and said back as approximate.
    ("monthly_contribution", "每个月能再放个四五千吧",
     {**UP_TO_GOAL, "horizon_years": 12, "initial_amount": 200_000},
     {"monthly_contribution": 4_500}, "每月约可追加4500元"),
    ("initial_amount", "现在手上有二十来万",
     {**UP_TO_GOAL, "horizon_years": 12}, {"initial_amount": 200_000}, "起始资金约为20万元"),
    ("age", "想买房，攒个首付", {}, {"goal": "major_purchase"}, "这笔钱用于购房或大额消费"),
    # "多" adds nothing to the figure (engine.chinese_numbers), but makes it approximate.
    ("age", "45岁，手上有五十多万", {}, {"age": 45, "initial_amount": 500_000},
     "起始资金约为50万元"),
])
def test_chinese_answers_on_the_way_and_approximate_ones_are_said_back(domain, slot, text, slots,
                                                                       expected, facts):
    events, messages = form_run(domain, slot, text, slots={**slots, "language": "zh"})
    values = {k: v for k, v in taken(events).items() if v is not None and k != "language"}
    assert values == pytest.approx(expected)
    assert said(messages, domain) == ["utter_noted_facts"]
    assert messages[0]["facts"] == facts
