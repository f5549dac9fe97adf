"""recommend(): the allocation, its figures, explanation, disclosures and record."""

import json

import numpy as np
import pytest
import yaml

from engine import InvestorProfile, Recommendation, load_assumptions, recommend
from engine.assumptions import DEFAULT_FILE
from engine.policy import EQUITY_SLEEVE
from engine.questionnaire import middle_answers, questionnaire
from engine.recommendation import ENGINE_VERSION, round_weights

MODERATE = middle_answers()
BOLD = {"loss_reaction": "buy_more", "max_loss": "loss_30", "return_priority": "strong_growth",
        "risk_self_view": "risk_taker", "gamble_choice": "quarter_8000", "outcome_range": "wide",
        "experience": "extensive"}


def saver(**overrides) -> InvestorProfile:
    data = {"age": 35, "goal": "retirement", "risk_answers": MODERATE, "initial_amount": 20_000,
            "monthly_contribution": 500, "target_amount": 800_000}
    return InvestorProfile(**(data | overrides))


@pytest.fixture(scope="module")
def rec() -> Recommendation:
    return recommend(saver())


def test_weights_are_a_fully_invested_long_only_mix_in_tenths_of_a_percent(rec):
    weights = np.array(list(rec.weights.values()))
    assert weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert (weights > 0).all()
    assert np.allclose(weights * 1000, np.round(weights * 1000), atol=1e-6)
    assert set(rec.weights) <= set(load_assumptions().labels)
    assert sum(rec.groups.values()) == pytest.approx(1.0, abs=1e-9)
    assert set(rec.groups) == {"equity", "bonds", "cash", "alternatives"}


def test_equity_share_is_the_policy_share_and_the_optimizer_mixes_within_it(rec):
    assert rec.groups["equity"] == pytest.approx(rec.policy.equity, abs=0.001)
    equity = rec.groups["equity"]
    for name, (low, high) in EQUITY_SLEEVE.items():
        assert low * equity - 0.002 <= rec.weights.get(name, 0) <= high * equity + 0.002


def test_figures_agree_with_the_assumptions(rec):
    cma = load_assumptions()
    w = np.array([rec.weights.get(name, 0.0) for name in cma.labels])
    assert rec.expected_return == pytest.approx(w @ cma.arithmetic_returns.to_numpy(), abs=1e-6)
    assert rec.volatility == pytest.approx(np.sqrt(w @ cma.covariance.to_numpy() @ w), abs=1e-6)
    assert -0.5 < rec.bad_year < 0


def test_recommendation_round_trips_through_json(rec):
    text = rec.model_dump_json()
    data = json.loads(text)
    assert data["weights"] == rec.weights
    assert Recommendation.model_validate_json(text) == rec


def test_record_carries_the_versions(rec):
    assert rec.engine_version == ENGINE_VERSION
    assert rec.assumptions_version == load_assumptions().version
    assert rec.questionnaire_version == questionnaire().version


def test_projection_uses_the_profile(rec):
    assert rec.projection.years == 30
    assert rec.projection.paths >= 10_000
    assert rec.projection.contributions == 20_000 + 500 * 12 * 30
    assert 0 < rec.projection.probability_of_target < 1
    assert rec.projection.p10 < rec.projection.median < rec.projection.p90
    assert recommend(saver(target_amount=None)).projection.probability_of_target is None


def test_seed_reproduces_the_projection():
    assert recommend(saver(), seed=3).projection == recommend(saver(), seed=3).projection
    assert recommend(saver(), seed=3).projection.median != recommend(saver(), seed=4).projection.median


def test_disclosures_cover_what_the_regulators_ask(rec):
    codes = [d.code for d in rec.disclosures]
    for code in ("algorithm", "assumptions", "limits", "no_guarantee", "human_review"):
        assert code in codes
    texts = {d.code: d.text for d in rec.disclosures}
    assert load_assumptions().version in texts["assumptions"]
    assert "Vanguard" in texts["assumptions"]
    assert rec.objective == "max_sharpe" and "Sharpe ratio" in texts["algorithm"]
    assert "outlook_tilt" not in codes  # no market view, no tilt


def test_explanation_names_the_score_and_the_goal(rec):
    assert "retirement" in rec.explanation.summary
    assert f"{round(rec.groups['equity'] * 100)}% in shares" in rec.explanation.summary
    codes = [r.code for r in rec.explanation.reasons]
    assert codes[0] == "risk_score"
    assert "glide_path" in codes and "probability_of_target" in codes
    assert f"{rec.risk.score:.1f}" in rec.explanation.reasons[0].text


def test_short_horizon_explains_the_cap_and_flags_inconsistent_answers():
    rec = recommend(InvestorProfile(age=40, goal="home", horizon_years=2, risk_answers=BOLD,
                                    initial_amount=50_000))
    codes = [r.code for r in rec.explanation.reasons]
    assert "horizon_cap" in rec.policy.binding and "horizon_cap" in codes
    assert "flags" in codes
    assert "short_horizon_aggressive" in {f.code for f in rec.risk.flags}
    flags = rec.explanation.reasons[codes.index("flags")]
    assert "within 2 years" in flags.text
    [conflict] = flags.params["flags"]
    assert (conflict.code, conflict.params) == ("short_horizon_aggressive", {"horizon": 2.0})


def test_market_view_tilt_is_disclosed():
    neutral = recommend(saver(age=45))
    bullish = recommend(saver(age=45, market_outlook="bullish"))
    assert bullish.policy.outlook_tilt > 0
    assert bullish.groups["equity"] > neutral.groups["equity"]
    assert "outlook_tilt" in [d.code for d in bullish.disclosures]
    assert "outlook_tilt" in [r.code for r in bullish.explanation.reasons]


def test_custom_assumptions_change_the_mix(tmp_path):
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["version"] = "emerging-boom"
    data["asset_classes"]["emerging_equity"]["expected_return"] = 0.15
    path = tmp_path / "cma.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    base = recommend(saver())
    boom = recommend(saver(), assumptions=str(path))
    assert boom.assumptions_version == "emerging-boom"
    assert boom.weights["emerging_equity"] > base.weights["emerging_equity"]
    assert boom.groups["equity"] == pytest.approx(base.groups["equity"], abs=0.002)


def test_when_nothing_beats_cash_the_optimizer_falls_back_to_minimum_volatility(tmp_path):
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    for name, spec in data["asset_classes"].items():
        if name != "cash":
            spec["expected_return"] = 0.0
    path = tmp_path / "gloom.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rec = recommend(saver(), assumptions=path)
    assert rec.objective == "min_volatility"
    assert "minimum volatility" in rec.disclosures[0].text
    assert sum(rec.weights.values()) == pytest.approx(1.0, abs=1e-9)


def test_untranslated_language_falls_back_to_english():
    rec = recommend(saver(), language="fr")
    assert rec.explanation.language == "fr"
    assert rec.explanation.summary == recommend(saver()).explanation.summary


def test_rounding_keeps_the_sum_at_one_and_drops_solver_dust():
    rounded = round_weights(np.array([0.33333, 0.33333, 0.33334, -1e-12]))
    assert rounded.sum() == pytest.approx(1.0, abs=1e-12)
    assert (rounded >= 0).all()
    assert list(rounded) == [0.333, 0.333, 0.334, 0.0]


def test_rounding_by_group_keeps_each_group_total():
    # three equity classes holding exactly 38.8 %, two bond classes holding the rest
    weights = np.array([0.1096, 0.0775, 0.2009, 0.4245, 0.1875])
    plain = round_weights(weights)
    assert plain[:3].sum() == pytest.approx(0.389)  # rounded alone, equity would show 38.9 %
    grouped = round_weights(weights, groups=[np.array([0, 1, 2]), np.array([3, 4])])
    assert grouped[:3].sum() == pytest.approx(0.388)
    assert grouped.sum() == pytest.approx(1.0, abs=1e-12)
