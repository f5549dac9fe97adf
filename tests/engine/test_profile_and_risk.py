"""The investor profile, the risk questions, risk scoring and the capital market assumptions."""

import math

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from engine.assumptions import DEFAULT_FILE, REQUIRED_CLASSES, AssumptionsError, load_assumptions
from engine.profile import Goal, InvestorProfile
from engine.questionnaire import middle_answers, questionnaire, questions
from engine.risk import INCONSISTENCY_PENALTY, MAX_UPSIDE, UPSIDE_WEIGHT, assess, willingness

FORM = questionnaire()
LOWEST = {q.id: min(q.options, key=lambda o: o.score).id for q in FORM.questions}
HIGHEST = {q.id: max(q.options, key=lambda o: o.score).id for q in FORM.questions}
MODERATE = middle_answers()


def profile(**overrides) -> InvestorProfile:
    data = {"age": 40, "goal": "wealth_building", "horizon_years": 20, "risk_answers": MODERATE}
    return InvestorProfile(**(data | overrides))


# --- the questionnaire -------------------------------------------------------------------------

def test_questionnaire_has_five_to_eight_questions_with_scored_options():
    listed = questions()
    assert 5 <= len(listed) <= 8
    assert len({q["id"] for q in listed}) == len(listed)
    for question in listed:
        assert question["text"]
        assert len(question["options"]) >= 3
        scores = [o["score"] for o in question["options"]]
        assert scores == sorted(scores), f"{question['id']} options should go from cautious to bold"


def test_questions_in_a_language_without_texts_fall_back_to_english():
    assert questions("xx") == questions("en")


# --- willingness, capacity and the score ---------------------------------------------------------

def test_willingness_spans_one_to_ten():
    assert willingness(LOWEST) == pytest.approx(1.0)
    assert willingness(HIGHEST) == pytest.approx(10.0)
    assert 1.0 < willingness(MODERATE) < 10.0


def test_the_more_risk_averse_of_willingness_and_capacity_dominates():
    for answers, kwargs in [(HIGHEST, {"horizon_years": 3}), (LOWEST, {"horizon_years": 40})]:
        risk = assess(profile(risk_answers=answers, **kwargs))
        low, high = sorted((risk.willingness, risk.capacity))
        upside = min(UPSIDE_WEIGHT * (high - low), MAX_UPSIDE)
        assert risk.score == pytest.approx(low + upside, abs=0.01)
        assert risk.score - low < high - risk.score
    # A small gap counts in full proportion; a large one adds at most MAX_UPSIDE points.
    near = assess(profile(risk_answers=MODERATE, horizon_years=12))
    low, high = sorted((near.willingness, near.capacity))
    assert UPSIDE_WEIGHT * (high - low) < MAX_UPSIDE
    assert near.score == pytest.approx(low + UPSIDE_WEIGHT * (high - low), abs=0.01)


def test_capacity_falls_with_short_horizon_unstable_income_liquidity_and_age():
    base = assess(profile()).capacity
    assert assess(profile(horizon_years=5)).capacity < base
    assert assess(profile(income_stability="unstable")).capacity < base
    assert assess(profile(liquidity_needs="high")).capacity < base
    assert assess(profile(age=60)).capacity < base
    components = assess(profile(age=60, income_stability="unstable")).capacity_components
    assert components["age"] < 0 and components["income_stability"] < 0


def test_score_stays_between_one_and_ten():
    assert assess(profile(risk_answers=LOWEST, horizon_years=0, age=90)).score >= 1.0
    assert assess(profile(risk_answers=HIGHEST, horizon_years=60, age=18)).score <= 10.0


# --- inconsistent answers -----------------------------------------------------------------------

def codes(p: InvestorProfile) -> set[str]:
    return {flag.code for flag in assess(p).flags}


def test_consistent_moderate_answers_raise_no_flags():
    assert codes(profile()) == set()


def test_short_horizon_with_aggressive_answers_is_flagged():
    assert "short_horizon_aggressive" in codes(profile(risk_answers=HIGHEST, horizon_years=2))
    assert "short_horizon_aggressive" not in codes(profile(risk_answers=HIGHEST, horizon_years=20))


def test_selling_after_a_drop_while_wanting_maximum_growth_is_flagged():
    answers = MODERATE | {"loss_reaction": "sell_all", "return_priority": "maximum_growth"}
    flags = assess(profile(risk_answers=answers)).flags
    flag = next(f for f in flags if f.code == "sell_on_drop_wants_growth")
    assert flag.severity == "inconsistent"
    assert set(flag.questions) == {"loss_reaction", "return_priority"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"max_loss": "loss_5", "outcome_range": "widest"}, "small_loss_limit_wide_range"),
     ({"experience": "none", "risk_self_view": "risk_taker", "max_loss": "loss_over_30"},
      "no_experience_large_losses")],
)
def test_other_contradictions_are_flagged(changes, code):
    assert code in codes(profile(risk_answers=MODERATE | changes))


def test_each_inconsistency_lowers_willingness():
    answers = MODERATE | {"loss_reaction": "sell_some", "return_priority": "maximum_growth"}
    risk = assess(profile(risk_answers=answers))
    assert risk.willingness == pytest.approx(willingness(answers) - INCONSISTENCY_PENALTY, abs=0.01)


def test_willingness_far_above_capacity_is_noted_for_staff():
    flags = assess(profile(risk_answers=HIGHEST, horizon_years=4, liquidity_needs="high")).flags
    note = next(f for f in flags if f.code == "capacity_below_willingness")
    assert note.severity == "note"


# --- the profile and bad input ------------------------------------------------------------------

def test_retirement_horizon_defaults_to_retirement_at_65_or_the_age_given():
    assert profile(goal="retirement", horizon_years=None, age=30).horizon == 35
    assert profile(goal="retirement", horizon_years=None, age=30, retirement_age=60).horizon == 30
    assert profile(goal="retirement", horizon_years=None, age=70).horizon == 0


def test_goal_aliases_are_understood():
    assert profile(goal="home").goal is Goal.major_purchase
    assert profile(goal="Capital preservation").goal is Goal.capital_preservation


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [("age", 17, ["age", "18"]), ("age", 101, ["age", "100"]),
     ("horizon_years", 61, ["horizon_years", "60"]), ("horizon_years", -1, ["horizon_years", "0"]),
     ("initial_amount", -5, ["initial_amount", "0"]),
     ("monthly_contribution", -1, ["monthly_contribution", "0"]),
     ("target_amount", 0, ["target_amount", "0"]), ("horizon_years", math.nan, ["horizon_years"]),
     ("goal", "lottery", ["goal", "retirement"]), ("income_stability", "great", ["income_stability"])],
)
def test_bad_values_name_the_field_and_the_valid_range(field, value, expected):
    with pytest.raises(ValidationError) as caught:
        profile(**{field: value})
    message = str(caught.value)
    for word in expected:
        assert word in message


def test_answers_must_cover_every_question_with_valid_options():
    with pytest.raises(ValidationError, match="missing answers to risk questions: experience"):
        profile(risk_answers={k: v for k, v in MODERATE.items() if k != "experience"})
    with pytest.raises(ValidationError, match="unknown risk questions: favourite_colour"):
        profile(risk_answers=MODERATE | {"favourite_colour": "blue"})
    with pytest.raises(ValidationError, match="'yolo' is not an option of question 'max_loss'.*loss_5"):
        profile(risk_answers=MODERATE | {"max_loss": "yolo"})


def test_retirement_age_only_applies_to_retirement():
    with pytest.raises(ValidationError, match="retirement_age applies only to the retirement goal"):
        profile(goal="education", retirement_age=60)


# --- capital market assumptions -----------------------------------------------------------------

def test_default_assumptions_cover_every_required_class_and_are_a_valid_risk_model():
    cma = load_assumptions()
    assert set(REQUIRED_CLASSES) <= set(cma.labels)
    assert np.linalg.eigvalsh(cma.covariance.to_numpy()).min() > 0
    # arithmetic means exceed the published geometric medians by half the variance
    assert (cma.arithmetic_returns > cma.classes["expected_return"]).all()
    assert cma.version and cma.as_of
    for source in cma.sources.values():
        assert source["date"]


def write_assumptions(tmp_path, change) -> str:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "cma.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_a_valid_custom_file_is_used(tmp_path):
    def lower_us_equity(data):
        data["version"] = "custom-1"
        data["asset_classes"]["us_equity"]["expected_return"] = 0.02

    cma = load_assumptions(write_assumptions(tmp_path, lower_us_equity))
    assert cma.version == "custom-1"
    assert cma.classes.loc["us_equity", "expected_return"] == 0.02


def _not_psd(data):
    matrix = data["correlations"]["matrix"]
    order = data["correlations"]["order"]
    i, j, k = (order.index(n) for n in ("us_equity", "intl_developed_equity", "aggregate_bonds"))
    # equities move together, each moves with bonds, yet the two equities move against bonds:
    # no set of returns can do that
    for a, b, value in [(i, j, 0.95), (i, k, 0.95), (j, k, -0.95)]:
        matrix[a][b] = matrix[b][a] = value


def _drop_cash(data):
    del data["asset_classes"]["cash"]


def _bad_number(data):
    data["asset_classes"]["us_equity"]["volatility"] = "high"


def _negative_volatility(data):
    data["asset_classes"]["us_equity"]["volatility"] = -0.1


def _asymmetric(data):
    data["correlations"]["matrix"][0][1] = 0.5


def _correlation_above_one(data):
    data["correlations"]["matrix"][0][1] = data["correlations"]["matrix"][1][0] = 1.2


@pytest.mark.parametrize(
    ("change", "expected"),
    [(_not_psd, "not positive semi-definite"), (_drop_cash, "missing asset classes: cash"),
     (_bad_number, "asset_classes.us_equity.volatility"),
     (_negative_volatility, "asset_classes.us_equity.volatility"),
     (_asymmetric, "not symmetric"), (_correlation_above_one, r"\[-1, 1\]")],
)
def test_malformed_assumptions_files_are_refused_with_the_reason(tmp_path, change, expected):
    with pytest.raises(AssumptionsError, match=expected):
        load_assumptions(write_assumptions(tmp_path, change))


def test_missing_or_unparsable_file_is_refused(tmp_path):
    with pytest.raises(AssumptionsError, match="cannot read"):
        load_assumptions(tmp_path / "absent.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("version: [unclosed", encoding="utf-8")
    with pytest.raises(AssumptionsError, match="not valid YAML"):
        load_assumptions(broken)
