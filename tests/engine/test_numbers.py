"""How the chat reads numbers typed by people."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.numbers import (
    parse_age,
    parse_amount,
    parse_horizon,
    parse_monthly,
    parse_number,
    parse_yearly,
    parse_years,
    stated_age,
    target_age,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("35", 35), ("thirty-five", 35), ("35 years old", 35), ("I'm forty two", 42),
     ("sixty", 60), ("I am 200", 200), ("no idea", None), ("35.5", None)],
)
def test_ages_in_words_and_digits(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$50k", 50_000), ("1.5 million", 1_500_000), ("5,000", 5_000), ("about $250,000", 250_000),
     ("two hundred thousand", 200_000), ("2 grand", 2_000), ("1.2m", 1_200_000),
     ("nothing yet", 0), ("none", 0), ("lots", None)],
)
def test_amounts_in_the_usual_forms(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("500 a month", 500), ("6,000 a year", 500), ("$300 monthly", 300), ("1200 per year", 100),
     ("no", 0)],
)
def test_yearly_contributions_become_monthly(text, expected):
    assert parse_monthly(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("200k", 200_000), ("200k a year", 200_000), ("$85,000 annually", 85_000),
     ("15k a month", 180_000), ("800 a week", 41_600), ("2,000 every fortnight", 52_000),
     ("none", 0), ("about 1.2 million", 1_200_000)],
)
def test_an_income_given_for_a_shorter_period_becomes_a_year(text, expected):
    assert parse_yearly(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("actually I'm 42", 42), ("I am 35 years old", 35), ("my age is fifty", 50),
     ("42", None), ("I'm saving 500 a month", None), ("I'm not sure", None)],
)
def test_corrections_need_an_explicit_age(text, expected):
    assert stated_age(text) == expected


def test_years_and_months():
    assert parse_years("ten years") == 10
    assert parse_years("18 months") == pytest.approx(1.5)
    assert parse_years("whenever") is None


# -- numbers as people type them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("one point five million", 1_500_000), ("two point two five", 2.25),
     ("two and a half thousand", 2_500), ("half a million", 500_000), ("a half", 0.5),
     ("a couple of grand", 2_000), ("a couple hundred", 200), ("ten k", 10_000),
     ("fifteen grand", 15_000), ("twenty-five k", 25_000), ("three hundred and twenty", 320),
     ("a hundred", 100), ("a dozen", 12), ("a grand", 1_000), ("a cool mil", 1_000_000),
     ("a quarter of a million", 250_000), ("one whole million", 1_000_000)],
)
def test_number_words_with_fractions_and_multipliers(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("maybe 40 000", 40_000), ("40\u2009000", 40_000), ("40\u202f000", 40_000),
     ("40\u00a0000", 40_000), ("1'250'000", 1_250_000), ("1’000", 1_000), ("40.000", 40_000),
     ("1.250.000", 1_250_000), ("1.5", 1.5), ("1.500", 1.5), ("12 345 678", 12_345_678)],
)
def test_thousands_separators(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20ish", 20), ("30-ish", 30), ("40 ish", 40), ("about 35", 35), ("around 50", 50),
     ("roughly 28", 28), ("give or take 45", 45), ("~60", 60), ("nearly 30, 29 atm", 29),
     ("about 30, exactly 31", 31), ("30ish, well 32 actually", 32)],
)
def test_rough_figures_and_the_exact_one_winning(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("between 10 and 15k", 12_500), ("10-15k", 12_500), ("10k-20k", 15_000),
     ("10 to 15 thousand", 12_500), ("between 200 and 300", 250), ("£1,000 – £2,000", 1_500)],
)
def test_a_range_counts_as_its_middle(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("about 10% of my salary, so 450", 450), ("15 percent, which is 600", 600),
     ("5 per cent of 2000", 2_000), ("10%", 10)],
)
def test_a_percentage_is_an_amount_only_when_nothing_else_is_given(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("about 50 quid a week", 50 * 52 / 12), ("120 weekly", 120 * 52 / 12),
     ("200 a fortnight", 200 * 26 / 12), ("100 every two weeks", 100 * 26 / 12),
     ("300 fortnightly", 300 * 26 / 12), ("5 a day", 5 * 365 / 12), ("£10 per day", 10 * 365 / 12),
     ("ten k a year", 10_000 / 12), ("two hundred a month", 200), ("250 per month", 250)],
)
def test_weekly_fortnightly_and_daily_sums_become_monthly(text, expected):
    assert parse_monthly(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    ["a few", "some", "a month", "not sure", "depends", "a lot", "half", "point", "and",
     "lots and lots", "finish", "whatever you think"],
)
def test_text_without_a_trustworthy_number_is_refused(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["a few hundred", "loads", "quite a bit"])
def test_amounts_without_a_figure_are_refused(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("in two and a half years", 2.5), ("roughly a decade", 10), ("two decades", 20),
     ("next year", 1), ("in a year and a half", 1.5), ("a year", 1), ("about 20ish years", 20), ("eighteen months", 1.5)],
)
def test_years_in_words(text, expected):
    assert parse_years(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "age", "expected"),
    [("when i hit 60", 40, 20), ("until I'm 65", 40, 25), ("by 60", 45, 15), ("at 60", 30, 30),
     ("retire at sixty five", 40, 25), ("when I turn 67.", 50, 17), ("at age 55", 35, 20),
     ("till 70 or so", 50, 20), ("in 10 years", 40, 10), ("at 10 years", 40, 10),
     ("ten years", None, 10), ("when I'm 30", 40, None), ("when i hit 60", None, None),
     ("by 2040", 40, 2040), ("by the time I'm 55", 40, 15)],
)
def test_horizons_given_as_an_age_to_reach(text, age, expected):
    horizon = parse_horizon(text, age)
    assert horizon == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("until I'm 60", 60), ("when I hit sixty", 60), ("by 60,", 60), ("in 5 years", None),
     ("by 2040", None), ("at 60-65", None), ("60", None)],
)
def test_target_ages(text, expected):
    assert target_age(text) == expected


_SEPARATORS = st.sampled_from([",", " ", "\u2009", "\u202f", "\u00a0", "'", "’", "."])
_PREFIXES = st.sampled_from(["", "$", "£", "€", "about ", "around ", "roughly ", "~"])
_SUFFIXES = st.sampled_from(["", "ish", "-ish", " or so", " give or take"])


def _grouped(value: int, separator: str) -> str:
    groups = []
    while value >= 1000:
        value, rest = divmod(value, 1000)
        groups.append(f"{rest:03d}")
    groups.append(str(value))
    return separator.join(reversed(groups))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1_000, max_value=999_999_999), _SEPARATORS, _PREFIXES, _SUFFIXES)
def test_digits_with_separators_and_suffixes_read_back(value, separator, prefix, suffix):
    text = f"{prefix}{_grouped(value, separator)}{suffix}"
    if separator == "." and text.count(".") == 1 and not text.split(".")[1].startswith("000"):
        return  # "1.500" stays one and a half: a single dot group is a decimal point.
    assert parse_amount(text) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["k", " k", " thousand", " grand"]))
def test_thousands_written_with_a_multiplier_read_back(value, multiplier):
    assert parse_amount(f"{value}{multiplier}") == value * 1_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [("when I'm 60", None), ("by the time I'm 55", None), ("until I'm 65, I'm 40 now", 40),
     ("I'm 40, retiring at 60", 40)],
)
def test_an_age_to_reach_is_not_the_age_the_person_is(text, expected):
    assert stated_age(text) == expected


@pytest.mark.parametrize(
    "text", ["zilch", "nada", "can't really add anything", "I cannot spare a penny",
             "won't be able to... no, I can't save anything"],
)
def test_nothing_in_other_words_is_zero(text):
    assert parse_monthly(text) == 0
