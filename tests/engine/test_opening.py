"""The facts of an opening message: each figure read by the words around it, none guessed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.opening import Opening, read_opening


@pytest.mark.parametrize(("text", "facts"), [
    ("I'm 62 and need the money in 3 years", {"age": 62, "horizon_years": 3}),
    ("I have 20k and can add 500 a month", {"initial_amount": 20_000, "monthly_contribution": 500}),
    ("saving for a house, 10 years from now, got £15,000",
     {"horizon_years": 10, "initial_amount": 15_000}),
    ("im 30 with 2 kids, want to retire at 60", {"age": 30, "horizon_years": 30}),
    ("hi, I'm 45 and have about fifty thousand saved", {"age": 45, "initial_amount": 50_000}),
    ("I can put away 200 a week", {"monthly_contribution": 200 * 52 / 12}),
    ("my budget is 5000 dollars", {"initial_amount": 5_000}),
    ("35 years old, investing for two decades", {"age": 35, "horizon_years": 20}),
])
def test_each_fact_is_read_from_the_words_around_its_figure(text, facts):
    assert read_opening(text).stated() == pytest.approx(facts)


@pytest.mark.parametrize("text", [
    "I want to invest for buying a house",  # a goal, but no figure
    "around 30 I think",                    # a figure that nothing says is an age or an amount
    "I have 2 kids and a dog",              # a count, not money
    "can I lose 20% in a bad year?",        # a percentage is never an amount
    "",
])
def test_a_figure_no_words_explain_is_left_for_the_form_to_ask(text):
    assert read_opening(text) == Opening()


def test_an_age_to_reach_below_the_age_given_is_not_a_horizon():
    assert read_opening("I'm 70 and want to retire at 65").stated() == {"age": 70}


@given(st.integers(min_value=18, max_value=99), st.integers(min_value=1, max_value=40))
def test_any_age_and_horizon_said_plainly_are_both_read(age, years):
    opening = read_opening(f"I'm {age} and need the money in {years} years")
    assert (opening.age, opening.horizon_years) == (age, years)


@pytest.mark.parametrize(("text", "facts"), [
    ("Need somewhere safe for 100,000, I'm 67", {"age": 67, "initial_amount": 100_000}),
    ("I'd like to have 80k by then", {"target_amount": 80_000}),
    ("I want to have it all by 2030", {}),  # a date, not a sum
])
def test_large_sums_and_targets_are_read_but_not_dates(text, facts):
    assert read_opening(text).stated() == pytest.approx(facts)


@pytest.mark.parametrize(("text", "rough"), [
    ("I have about 50k and can add 500 a month", {"initial_amount"}),
    ("I have 40-60k", {"initial_amount"}),
    ("I can save roughly 300 a month", {"monthly_contribution"}),
    ("aiming for around 200k", {"target_amount"}),
    ("I have 50k and can add 500 a month", set()),
    ("I'm 62 and need the money in 3 years", set()),
])
def test_a_fact_given_as_approximate_is_named_rough(text, rough):
    assert read_opening(text).rough == rough


@pytest.mark.parametrize(("text", "shift"), [
    ("what if I retire 5 years later", 5),
    ("retire two years earlier", -2),
    ("retire 3 years sooner", -3),
    ("what if I retire a year later", 1),
    ("work 3 more years", 3),
    ("what if I work 2 fewer years", -2),
    ("delay my retirement by five years", 5),
    ("push my retirement back 2 years", 2),
    ("bring my retirement forward by 3 years", -3),
    ("I'm 62 and need the money in 3 years", None),  # a horizon, not a move
    ("I'll need it 5 years later", None),  # no retirement or work spoken of
    ("retire at 60", None),
])
def test_a_move_of_the_retirement_date_is_a_shift_not_a_horizon_or_an_age(text, shift):
    opening = read_opening(text)
    assert opening.retirement_shift == shift
    if shift is not None:
        assert opening.stated() == {}


@pytest.mark.parametrize(("text", "facts"), [
    ("I'm 35, 20万", {"age": 35, "initial_amount": 200_000}),
    ("I am 35 and have 20 万", {"age": 35, "initial_amount": 200_000}),
    ("35岁, saving 2000 a month for 10 years",
     {"age": 35, "monthly_contribution": 2_000, "horizon_years": 10}),
    ("手头有20万 I'm 35 years old", {"age": 35, "initial_amount": 200_000}),
])
def test_a_message_in_both_scripts_reads_each_figure_once_by_its_own_words(text, facts):
    assert read_opening(text).stated() == pytest.approx(facts)
