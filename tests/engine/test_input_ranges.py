"""The valid range of every numeric profile input, defined once, and the default horizon."""

import math

import pytest
from pydantic import ValidationError

from engine.profile import (
    AGE_RANGE,
    DEFAULT_HORIZON,
    INPUT_RANGES,
    TARGET_AMOUNT_RANGE,
    Goal,
    InvestorProfile,
    Range,
    default_horizon,
    input_range,
)
from engine.questionnaire import middle_answers

BASE = {"age": 40, "goal": "retirement", "risk_answers": middle_answers()}


def accepts(field: str, value: float) -> bool:
    try:
        InvestorProfile.model_validate(BASE | {field: value})
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("field", sorted(INPUT_RANGES))
def test_the_profile_accepts_exactly_the_values_its_range_contains(field):
    valid = input_range(field)
    step = 1 if valid.high <= 100 else valid.high * 1e-6
    for value in (valid.low - step, valid.low, valid.low + step, valid.high - step, valid.high,
                  valid.high + step):
        assert accepts(field, value) == valid.contains(value), (field, value)
    assert accepts(field, valid.high) and not accepts(field, valid.high + step)


def test_a_target_amount_must_be_above_zero():
    assert not TARGET_AMOUNT_RANGE.contains(0) and TARGET_AMOUNT_RANGE.contains(0.01)
    assert TARGET_AMOUNT_RANGE.bounds() == {"gt": 0, "le": 1e12}


def test_missing_and_not_a_number_are_never_in_range():
    assert not AGE_RANGE.contains(None)
    assert not AGE_RANGE.contains(math.nan)


@pytest.mark.parametrize(("field", "words"), [
    ("age", "Age in years, 18 to 100."),
    ("horizon_years", "Years until the money is needed, 0 to 60."),
    ("retirement_age", "Planned retirement age, 40 to 80 (retirement goal)."),
    ("initial_amount", "Amount invested now, 0 to 100 billion."),
    ("monthly_contribution", "Monthly contribution, 0 to 1 billion."),
    ("target_amount", "Target amount, above 0 and at most 1 trillion."),
])
def test_each_field_describes_its_range_in_words(field, words):
    # The command line and the API show these descriptions with a validation error.
    assert InvestorProfile.model_fields[field].description == words


def test_numbers_in_words():
    assert Range(0, 2.5e6).words() == "0 to 2,500,000"  # not a whole number of millions
    assert Range(1, 5).words() == "1 to 5"
    assert Range(0, 3e9).words() == "0 to 3 billion"


def test_an_unknown_input_names_the_valid_ones():
    with pytest.raises(KeyError, match="'goal' is not a numeric profile input .*age, horizon_years"):
        input_range("goal")


@pytest.mark.parametrize(("age", "retirement_age", "years"), [
    (40, None, 25.0),  # retirement at 65
    (30, 60, 30.0),
    (70, None, 0.0),  # past the retirement age: the money is needed now
    (18, 80, 60.0),  # 62 years away, capped at the longest horizon
])
def test_default_horizon_of_retirement_runs_to_the_retirement_age(age, retirement_age, years):
    assert default_horizon(Goal.retirement, age, retirement_age) == years


@pytest.mark.parametrize(("goal", "years"), [
    ("major_purchase", 5.0), ("education", 10.0), ("wealth_building", 15.0), ("income", 5.0),
    ("capital_preservation", 5.0), ("home", 5.0), ("Wealth", 15.0),
])
def test_default_horizon_of_other_goals_does_not_depend_on_age(goal, years):
    assert default_horizon(goal, 25) == default_horizon(goal, 75) == years


def test_the_profile_uses_the_default_horizon_when_none_is_given():
    for goal in Goal:
        given = InvestorProfile.model_validate(BASE | {"goal": goal, "age": 52})
        assert given.horizon == default_horizon(goal, 52)
    assert set(DEFAULT_HORIZON) == set(Goal) - {Goal.retirement}


def test_an_unknown_goal_has_no_default_horizon():
    with pytest.raises(ValueError, match="'lottery' is not a valid Goal"):
        default_horizon("lottery", 40)
