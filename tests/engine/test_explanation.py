"""The explanation's statements carry codes and numbers; render() writes them from any phrases."""

import re

import pytest

from engine import InvestorProfile, recommend
from engine.explanation import MissingText, Statement, format_value, render

BOLD = {
    "loss_reaction": "buy_more", "max_loss": "loss_over_30", "return_priority": "maximum_growth",
    "risk_self_view": "risk_taker", "gamble_choice": "quarter_8000", "outcome_range": "widest",
    "experience": "extensive",
}
#: Values a statement may carry as words: codes ("retirement", "max_sharpe"), versions and dates.
CODE = re.compile(r"^[a-z0-9_.+-]+$")


@pytest.mark.parametrize(("value", "spec", "shown"), [
    (0.054, "percent", "5%"), (0.0543, "percent.1", "5.4%"), (1, "percent", "100%"),
    (0.03, "signed_points", "+3"), (-0.03, "signed_points", "-3"), (0.05, "points", "5"),
    (1_234_567.6, "money", "1,234,568"), (30.0, "number", "30"), (2.5, "number", "2.5"),
    (10_000, "number", "10,000"), (5.0, "number.1", "5.0"),
])
def test_numbers_are_shown_as_the_placeholder_says(value, spec, shown):
    assert format_value(value, spec) == shown


def test_an_unknown_number_format_is_named():
    with pytest.raises(ValueError, match="'percentage'"):
        format_value(0.5, "percentage")


PHRASES = {
    "list_separator": " / ",
    "reason_capacity_limited": "Held down by: {drivers:reason_driver}.",
    "reason_driver_age": "age {age:number}",
    "reason_driver_income_stability": "income {value:income_stability}",
    "income_stability_unstable": "irregular",
    "reason_summary": "{goal:goal}: {equity:percent} shares",
    "goal_education": "studies",
}


def test_render_writes_codes_and_lists_with_the_phrases_it_is_given():
    drivers = [Statement(code="age", params={"age": 61}, text=""),
               Statement(code="income_stability", params={"value": "unstable"}, text="")]
    text = render("reason_capacity_limited", {"drivers": drivers}, PHRASES.__getitem__)
    assert text == "Held down by: age 61 / income irregular."
    summary = render("reason_summary", {"goal": "education", "equity": 0.456}, PHRASES.__getitem__)
    assert summary == "studies: 46% shares"


def missing_is_named(name):
    raise MissingText(name)


def test_a_missing_phrase_is_named_not_dropped():
    def texts(name):
        return PHRASES[name] if name != "goal_education" else missing_is_named(name)

    with pytest.raises(MissingText, match="goal_education"):
        render("reason_summary", {"goal": "education", "equity": 0.5}, texts)


def test_bad_templates_get_clear_messages():
    with pytest.raises(ValueError, match="needs a format"):
        render("x", {"equity": 0.5}, {"x": "{equity} shares"}.__getitem__)
    with pytest.raises(ValueError, match="'x' uses 'bonds'"):
        render("x", {"equity": 0.5}, {"x": "{bonds:percent}"}.__getitem__)


def words_in(statements):
    for statement in statements:
        for name, value in statement.params.items():
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, Statement):
                    yield from words_in([item])
                elif isinstance(item, str) and name != "sources":
                    yield item


def test_statement_values_are_numbers_and_codes_never_english_words():
    # Capacity held down by age, income and liquidity, a market view, conflicting answers.
    rec = recommend(InvestorProfile(
        age=68, goal="retirement", horizon_years=2, risk_answers={**BOLD, "experience": "none"},
        initial_amount=80_000, monthly_contribution=300, target_amount=120_000,
        income_stability="unstable", liquidity_needs="high", market_outlook="bullish",
    ), paths=1_000)
    statements = [rec.explanation.summary_statement, *rec.explanation.reasons, *rec.disclosures]
    codes = {s.code for s in statements}
    assert {"capacity_limited", "outlook_tilt", "flags"} <= codes
    words = list(words_in(statements))
    assert {"retirement", "unstable", "high", "bullish", "max_sharpe"} <= set(words)
    assert [w for w in words if not CODE.match(w)] == []


def test_the_english_text_stays_for_the_api():
    rec = recommend(InvestorProfile(age=30, goal="education", horizon_years=12, risk_answers=BOLD),
                    paths=1_000)
    assert rec.explanation.summary.startswith("For your education goal, with the money needed in 12")
    assert rec.explanation.summary == rec.explanation.summary_statement.text
    assert rec.explanation.summary_statement.params["goal"] == "education"
