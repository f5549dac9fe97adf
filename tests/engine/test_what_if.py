"""What-ifs: one change to a profile, validated, or refused with a code the chat can word."""

import pytest
from pydantic import ValidationError

from engine import what_if
from engine.profile import InvestorProfile
from engine.questionnaire import middle_answers, questionnaire
from engine.what_if import WhatIfRefused, monthly_contribution, retire_at, shift_risk, with_changes

FORM = questionnaire()
HIGHEST = {q.id: max(q.options, key=lambda o: o.score).id for q in FORM.questions}
LOWEST = {q.id: min(q.options, key=lambda o: o.score).id for q in FORM.questions}


def profile(**fields) -> InvestorProfile:
    data = {"age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 50_000.0,
            "monthly_contribution": 500.0, "risk_answers": middle_answers()} | fields
    return InvestorProfile.model_validate(data)


def test_more_risk_moves_every_answer_one_option_up_the_scores():
    bolder = shift_risk(profile(), +1)
    assert bolder.risk_answers == {
        "loss_reaction": "buy_more", "max_loss": "loss_30", "return_priority": "strong_growth",
        "risk_self_view": "risk_taker", "gamble_choice": "quarter_8000", "outcome_range": "wide",
        "experience": "extensive"}
    # Only the answers changed.
    assert bolder.model_dump(exclude={"risk_answers"}) == profile().model_dump(exclude={"risk_answers"})


def test_less_risk_moves_every_answer_one_option_down_the_scores():
    assert shift_risk(profile(), -1).risk_answers == {
        "loss_reaction": "sell_some", "max_loss": "loss_10", "return_priority": "steady_income",
        "risk_self_view": "cautious", "gamble_choice": "sure_1000", "outcome_range": "narrow",
        "experience": "none"}


def test_an_answer_at_the_end_of_its_question_stays_while_the_others_move():
    answers = middle_answers() | {"max_loss": "loss_over_30"}
    bolder = shift_risk(profile(risk_answers=answers), +1)
    assert bolder.risk_answers["max_loss"] == "loss_over_30"
    assert bolder.risk_answers["experience"] == "extensive"


@pytest.mark.parametrize(("answers", "step", "code"), [(HIGHEST, +1, what_if.AT_HIGHEST_RISK),
                                                       (LOWEST, -1, what_if.AT_LOWEST_RISK)])
def test_no_shift_past_the_ends_of_the_scale(answers, step, code):
    with pytest.raises(WhatIfRefused) as refused:
        shift_risk(profile(risk_answers=answers), step)
    assert refused.value.code == code


def test_the_profile_given_is_left_unchanged():
    before = profile()
    shift_risk(before, +1)
    retire_at(before, 60)
    monthly_contribution(before, 900)
    assert before == profile()


def test_a_shift_is_one_step_either_way():
    with pytest.raises(ValueError, match=r"step must be \+1 \(more risk\) or -1"):
        shift_risk(profile(), 2)


def test_retiring_at_an_age_sets_the_years_until_then():
    assert retire_at(profile(age=35), 60).horizon_years == 25.0
    assert retire_at(profile(age=45, horizon_years=20), 45).horizon_years == 0.0  # retiring now


@pytest.mark.parametrize("age", [
    30,  # before now
    39,  # below the youngest retirement age (40), even for a person of 35
    81,  # above the oldest (80)
    None,  # no age understood
])
def test_a_retirement_age_outside_the_valid_range_is_refused(age):
    with pytest.raises(WhatIfRefused) as refused:
        retire_at(profile(age=35), age)
    assert refused.value.code == what_if.OUT_OF_RANGE


def test_a_retirement_age_further_than_the_longest_horizon_is_refused():
    # 18 + 61 = 79 is a valid retirement age, but 61 years exceeds the 60-year horizon: the profile
    # could not be built.
    with pytest.raises(WhatIfRefused) as refused:
        retire_at(profile(age=18, horizon_years=40), 79)
    assert refused.value.code == what_if.OUT_OF_RANGE
    assert retire_at(profile(age=18, horizon_years=40), 78).horizon_years == 60.0


def test_a_retirement_age_applies_only_to_a_retirement_goal():
    with pytest.raises(WhatIfRefused) as refused:
        retire_at(profile(goal="education", horizon_years=10), 60)
    assert refused.value.code == what_if.NOT_RETIREMENT


def test_a_monthly_contribution_replaces_the_current_one():
    assert monthly_contribution(profile(), 1_500).monthly_contribution == 1_500.0
    assert monthly_contribution(profile(), 0).monthly_contribution == 0.0


@pytest.mark.parametrize("amount", [-1, 1e9 + 1, float("nan"), None])
def test_a_monthly_contribution_outside_the_valid_range_is_refused(amount):
    with pytest.raises(WhatIfRefused) as refused:
        monthly_contribution(profile(), amount)
    assert refused.value.code == what_if.OUT_OF_RANGE


def test_changes_are_validated_as_a_new_profile():
    with pytest.raises(ValidationError, match="horizon_years"):
        with_changes(profile(), horizon_years=61)
