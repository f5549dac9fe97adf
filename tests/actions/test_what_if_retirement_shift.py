"""A what-if that moves the retirement date ("晚5年退休", "推迟三年退休", "早两年退休", "retire 5
years later", "retire two years earlier") moves the retirement age the profile implies (its age
plus its horizon) by those years; it is never read as "retire at 5". A move outside the ages that
can be planned, or an age named outside them, is answered with the age it would be and the range,
asking for an age."""

import pytest
from action_harness import responses, run, tracker
from support.responses import response_texts

from actions.advice import WhatIf, retirement_asked, what_if_of
from engine.profile import InvestorProfile
from engine.questionnaire import middle_answers
from engine.what_if import NOT_RETIREMENT, WhatIfRefused, current_retirement_age, retire_later

ANSWERS = {f"q_{q}": option for q, option in middle_answers().items()}
#: 35 years old, retiring in 25 years: at 60.
PROFILE = {
    "age": 35, "goal": "retirement", "horizon_years": 25.0, "initial_amount": 200_000.0,
    "monthly_contribution": 3_000.0, "target_amount": 2_000_000.0, "income_stability": "stable",
    "language": "zh", **ANSWERS,
}


def profile(**changes) -> InvestorProfile:
    data = {k: v for k, v in {**PROFILE, **changes}.items()
            if not k.startswith("q_") and k != "language"}
    return InvestorProfile(**data, risk_answers=dict(middle_answers()))


@pytest.mark.parametrize(("text", "horizon"), [
    ("晚5年退休", 30),
    ("如果我晚5年退休呢", 30),
    ("推迟三年退休", 28),
    ("退休推迟三年会怎样", 28),
    ("早两年退休", 23),
    ("要是提前三年退休呢", 22),
    ("延迟退休半年", 25.5),
    ("我多工作五年呢", 30),
    ("晚兩年退休呢", 27),  # traditional characters
    ("what if I retire 5 years later", 30),
    ("retire two years earlier", 23),
    ("what if I work 3 more years", 28),
    ("delay my retirement by a year", 26),
    # A retirement age named is the age itself, as before.
    ("如果我60岁退休呢", 25),
    ("what if I retire at 62", 27),
])
def test_a_retirement_what_if_moves_the_age_the_profile_implies(text, horizon):
    assert what_if_of(text) == "what_if_retire_at"
    assert retirement_asked(profile(), text).horizon_years == pytest.approx(horizon)


def test_the_move_starts_from_the_goals_default_horizon_when_none_was_given():
    # No horizon given: a retirement goal retires at the default retirement age (65).
    moved = retire_later(profile(horizon_years=None), 5)
    assert current_retirement_age(profile(horizon_years=None)) == 65
    assert moved.horizon_years == 35


def test_a_move_of_the_retirement_date_does_not_apply_to_another_goal():
    with pytest.raises(WhatIfRefused) as refused:
        retire_later(profile(goal="education", horizon_years=10), 5)
    assert refused.value.code == NOT_RETIREMENT


@pytest.mark.parametrize(("text", "intent"), [
    ("晚5年退休", "nlu_fallback"),  # typed after the recommendation, no what-if intent
    ("推迟三年退休", "what_if_retire_at"),  # the classifier's what-if intent
    ("retire 5 years later", "what_if_retire_at"),
])
def test_the_what_if_action_moves_the_retirement_date(domain, database, text, intent):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent=intent, text=text), domain)
    expected = 30 if "5" in text else 28
    assert slots["horizon_years"] == expected
    assert responses(messages)[:2] == ["utter_what_if_applied", "utter_recommendation"]


def test_an_earlier_retirement_shortens_the_horizon(domain, database):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent="what_if_retire_at",
                                            text="早两年退休"), domain)
    assert slots["horizon_years"] == 23
    assert "utter_recommendation" in responses(messages)


@pytest.mark.parametrize(("text", "age"), [
    ("晚30年退休", "90"),  # 60 + 30: past the oldest retirement age that can be planned
    ("提前二十二年退休", "38"),  # 60 - 22: below the youngest
    ("retire 25 years earlier", "35"),
    ("如果我5岁退休呢", "5"),  # an age named, out of range
])
def test_a_retirement_age_outside_the_range_says_it_and_asks_for_an_age(domain, database, text,
                                                                         age):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent="what_if_retire_at",
                                            text=text), domain)
    assert slots == {}
    assert responses(messages) == ["utter_what_if_retire_out_of_range"]
    reply = messages[0]
    assert (reply["age"], reply["min"], reply["max"]) == (age, "40", "80")
    for language, words in (("zh", f"{age}岁退休"), ("en", f"retiring at {age}")):
        [sentence] = response_texts("utter_what_if_retire_out_of_range", language)
        written = sentence.format(age=reply["age"], min=reply["min"], max=reply["max"])
        assert words in written and "40" in written and "80" in written


def test_a_move_for_another_goal_gets_the_not_retirement_reply(domain, database):
    slots = {**PROFILE, "goal": "education", "horizon_years": 10.0, "target_amount": 0.0}
    messages, changed = run(WhatIf(), tracker(slots=slots, intent="nlu_fallback",
                                              text="晚5年退休"), domain)
    assert responses(messages) == ["utter_what_if_retire_not_retirement"]
    assert changed == {}
