"""How the chat reads numbers typed by people."""

import pytest

from engine.numbers import parse_age, parse_amount, parse_monthly, parse_years, stated_age


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
    [("actually I'm 42", 42), ("I am 35 years old", 35), ("my age is fifty", 50),
     ("42", None), ("I'm saving 500 a month", None), ("I'm not sure", None)],
)
def test_corrections_need_an_explicit_age(text, expected):
    assert stated_age(text) == expected


def test_years_and_months():
    assert parse_years("ten years") == 10
    assert parse_years("18 months") == pytest.approx(1.5)
    assert parse_years("whenever") is None
