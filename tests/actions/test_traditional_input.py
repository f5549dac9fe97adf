"""Answers typed in traditional Chinese characters (繁體) are read as the simplified ones the
locale files list."""

from __future__ import annotations

import pytest
from action_harness import run, tracker

from actions.answers import holds_cue, put_as_question
from actions.conversation import asks_about_amount
from actions.form_answers import typed_text
from actions.onboarding import ValidateOnboardingForm
from actions.script import simplified


@pytest.mark.parametrize(("slot", "text", "value", "slots"), [
    ("income_stability", "收入很穩定", "stable", {}),
    ("income_stability", "收入不太穩定", "unstable", {}),
    ("goal", "給孩子存教育經費", "education", {}),
    ("q_loss_reaction", "全部賣掉", "sell_all", {}),
    ("q_loss_reaction", "繼續持有", "hold", {}),
    ("age", "我今年三十五歲", 35, {}),
    ("initial_amount", "五萬塊錢", 50_000, {}),
    ("monthly_contribution", "每個月兩千", 2_000, {}),
    ("horizon_years", "退休的時候", 25, {"age": 40, "goal": "retirement"}),
])
def test_a_traditional_answer_fills_its_question(domain, slot, text, value, slots):
    state = tracker(slots={"requested_slot": slot, "language": "zh", **slots}, text=text,
                    candidates={slot: text}, active_loop="onboarding_form")
    messages, filled = run(ValidateOnboardingForm(), state, domain)
    assert filled[slot] == value
    assert messages == []


def test_the_typed_text_is_simplified_and_other_scripts_are_left_alone():
    assert typed_text(tracker(text="收入很穩定，手續費太貴")) == "收入很稳定，手续费太贵"
    assert typed_text(tracker(text="I'm 35, ＥＴＦ")) == "I'm 35, ＥＴＦ"
    assert simplified("头发") == "头发"  # already simplified: unchanged


@pytest.mark.parametrize(("check", "text", "expected"), [
    (lambda t: asks_about_amount(t, "zh"), "為什麼這麼多債券", True),
    (lambda t: asks_about_amount(t, "zh"), "債券是什麼", False),
    (lambda t: put_as_question(t, "zh"), "能不能告訴我債券是什麼", True),
    (lambda t: holds_cue(t, "leaving_cost_questions", "zh"), "註銷賬戶要收費嗎", True),
    # A cue of letters is a whole word beside Chinese characters too.
    (lambda t: holds_cue(t, "leaving_cost_questions", "en"), "closing要fee吗", True),
    (lambda t: holds_cue(t, "leaving_cost_questions", "en"), "feeling fine", False),
])
def test_the_cues_of_questions_read_traditional_characters(check, text, expected):
    assert check(text) is expected
