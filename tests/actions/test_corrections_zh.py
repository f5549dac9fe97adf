"""Changing an earlier answer in Chinese (simplified or traditional) while the form asks
something else, read by the locale files' cues."""

import pytest
from action_harness import form_run, said

from actions.corrections import changes_last_answer, correction, names_previous_question

ANSWERED = {"age": 38, "goal": "retirement", "horizon_years": 10, "initial_amount": 1_000,
            "monthly_contribution": 100, "target_amount": 0}


@pytest.mark.parametrize(("text", "open_question", "changed"), [
    ("不好意思，我是48岁不是38岁", "q_max_loss", ("age", 48)),
    ("不好意思，是四十八岁，不是三十八", "goal", ("age", 48)),
    ("我年龄写错了，应该是45", "goal", ("age", 45)),
    ("其实是为了买房", "initial_amount", ("goal", "major_purchase")),
    ("说错了，应该是20年", "q_experience", ("horizon_years", 20)),
    ("其实本金是5万", "monthly_contribution", ("initial_amount", 50_000)),
    ("更正一下，每月3000", "target_amount", ("monthly_contribution", 3_000)),
    ("其实目标金额是100万", "q_loss_reaction", ("target_amount", 1_000_000)),
    ("其實每個月是兩千", "target_amount", ("monthly_contribution", 2_000)),
    # The goal named as the investment's aim; the target named as its sum.
    ("投资目标改一下，是孩子教育", "monthly_contribution", ("goal", "education")),
    ("我刚才选错了，目标应该是子女教育", "monthly_contribution", ("goal", "education")),
    ("目标金额改成100万", "monthly_contribution", ("target_amount", 1_000_000)),
    # "钱是" names the goal only with what the money is for.
    ("一开始投的钱是5000不是1000", "monthly_contribution", ("initial_amount", 5_000)),
    ("说错了，刚开始那笔钱是五千", "monthly_contribution", ("initial_amount", 5_000)),
    ("其实钱是给孩子读书用的", "monthly_contribution", ("goal", "education")),
])
def test_a_chinese_correction_names_its_question_and_gives_the_new_value(text, open_question,
                                                                          changed):
    assert correction(text, open_question, ANSWERED) == changed


@pytest.mark.parametrize(("text", "open_question"), [
    ("我不是很确定", "goal"),                 # says no question
    ("其实20", "q_max_loss"),                 # a figure, but for which question?
    ("说错了，10年，本金5万", "goal"),        # two questions at once
    ("其实是20年", "horizon_years"),          # the open question: an answer, not a change
])
def test_what_names_no_single_earlier_question_is_not_a_correction(text, open_question):
    assert correction(text, open_question, ANSWERED) is None


def test_the_form_changes_the_goal_from_chinese_words(domain):
    events, messages = form_run(domain, "q_loss_reaction", "其实是给孩子上学用的",
                                slots={**ANSWERED, "language": "zh"})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["goal"], slots["q_loss_reaction"]) == ("education", None)
    assert said(messages, domain) == ["utter_noted_change"]


def test_a_typo_in_the_answer_just_given_is_changed_without_naming_it(domain):
    assert changes_last_answer("打错了，应该是24") and not changes_last_answer("24岁")
    events, messages = form_run(domain, "goal", "打错了，应该是24",
                                slots={"age": 42, "language": "zh"})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["age"], slots["goal"]) == (24, None)
    assert said(messages, domain) == ["utter_noted_age"]


def test_going_back_to_the_last_question_in_chinese(domain):
    assert names_previous_question("回到上一题") and names_previous_question("回到上一題")
    events, messages = form_run(domain, "q_max_loss", "回到上一题，我会卖掉一部分",
                                slots={**ANSWERED, "q_loss_reaction": "hold", "language": "zh"})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["q_loss_reaction"], slots["q_max_loss"]) == ("sell_some", None)
    assert said(messages, domain) == ["utter_noted_change"]
