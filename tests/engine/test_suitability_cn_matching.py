"""Matching in the China market, checked with hypothesis: a recommendation never exceeds the
client's class, the lowest category never gets more than R1, and a mix above the class is shown
only after the special risk warning and the client's confirmation, never to the lowest category.
Every one of the 25 class x grade pairs is checked, with and without the lowest category."""

from itertools import product

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import InvestorProfile, recommend
from engine.assumptions import CN_CLASSES, load_assumptions
from engine.profile import AGE_RANGE, Goal, IncomeStability, InvestmentKnowledge, LiquidityNeeds
from engine.questionnaire import middle_answers, questionnaire
from engine.recommendation import Recommendation
from engine.suitability.advice import (
    BEYOND_CLASS,
    WARNING_BEYOND_CLASS,
    SuitableRecommendation,
    allowed_grade,
    recommend_suitable,
)
from engine.suitability.classes import ClassPoints, InvestorClassification, classify
from engine.suitability.grades import limits, portfolio_grade, product_grade
from engine.suitability.rules import CLASSES, GRADES, grade_of, level
from engine.suitability.what_if import Outcome, decide, more_risk
from engine.what_if import WhatIfRefused
from engine.wording import render, texts

PATHS = 1_000  # the rules concern the allocation; fewer paths keep the run short
SETTINGS = settings(max_examples=40, deadline=None)
FORM = questionnaire()
NO_LOSS = {"loss_reaction": "sell_all", "return_priority": "protect_capital", "max_loss": "loss_5"}
PAIRS = list(product(CLASSES, GRADES))
CN = load_assumptions(market="cn")


def client(investor_class: str, lowest: bool = False) -> InvestorClassification:
    return InvestorClassification(
        investor_class=investor_class, lowest_category=lowest, risk_score=5.0,
        points=ClassPoints(risk_score=30.0, investable_assets=None, household_income=None,
                           investment_knowledge=None),
        total_points=30.0, rules_version="test")


answers = st.fixed_dictionaries(
    {q.id: st.sampled_from([o.id for o in q.options]) for q in FORM.questions})
amounts = st.one_of(st.none(), st.sampled_from([0, 80_000, 100_000, 600_000, 3e6, 5e6, 2e7]))
profiles = st.builds(
    lambda age, goal, horizon, answers, stability, liquidity, assets, income, knowledge:
        InvestorProfile(age=age, goal=goal, horizon_years=horizon, risk_answers=answers,
                        income_stability=stability, liquidity_needs=liquidity,
                        investable_assets=assets, household_income=income,
                        investment_knowledge=knowledge, initial_amount=100_000),
    st.integers(AGE_RANGE.low, 85), st.sampled_from(list(Goal)),
    st.one_of(st.none(), st.sampled_from([0.0, 1.0, 3.0, 8.0, 20.0, 40.0])), answers,
    st.sampled_from(list(IncomeStability)), st.sampled_from(list(LiquidityNeeds)), amounts,
    amounts, st.one_of(st.none(), st.sampled_from(list(InvestmentKnowledge))),
)


# -- the 25 class x grade pairs -------------------------------------------------------------------

@pytest.mark.parametrize(("investor_class", "grade"), PAIRS)
def test_each_class_may_be_recommended_its_own_grade_and_below_and_nothing_above(
        investor_class, grade):
    ordinary = client(investor_class)
    within = level(grade) <= level(investor_class)
    assert allowed_grade(ordinary) == grade_of(investor_class)
    assert (decide(ordinary, grade, confirmed=False) is Outcome.within_class) is within
    if not within:
        # above the class: the warning and the confirmation first, then shown
        assert decide(ordinary, grade, confirmed=False) is Outcome.confirmation_required
        assert decide(ordinary, grade, confirmed=True) is Outcome.shown_after_warning


@pytest.mark.parametrize("grade", GRADES)
@pytest.mark.parametrize("confirmed", [False, True])
def test_the_lowest_category_gets_r1_only_even_when_it_confirms(grade, confirmed):
    lowest = client("C1", lowest=True)
    assert allowed_grade(lowest) == "R1"
    expected = Outcome.within_class if grade == "R1" else Outcome.refused
    assert decide(lowest, grade, confirmed) is expected


@pytest.mark.parametrize(("investor_class", "grade"), PAIRS)
@given(raw=st.lists(st.floats(0, 1), min_size=len(CN_CLASSES), max_size=len(CN_CLASSES)))
@settings(max_examples=25, deadline=None)
def test_a_mix_within_the_limits_of_a_grade_the_class_allows_never_exceeds_the_class(
        investor_class, grade, raw):
    # any mix the optimizer may choose within the limits of a grade has at most that grade, so a
    # mix built within a grade the class allows always matches the class
    rules = limits(grade)
    weights = {n: (0.0 if n in rules.excluded else w) for n, w in zip(CN_CLASSES, raw, strict=True)}
    risky = sum(w for n, w in weights.items() if n in rules.risk_assets)
    safe = sum(w for n, w in weights.items() if n not in rules.risk_assets)
    assume(safe > 1e-3)
    # the risk assets at most the cap, on the 0.1 % grid of the recommendations
    share = int(min(rules.risk_asset_cap, risky / (risky + safe)) * 1000) / 1000
    weights = {n: (w / risky * share if n in rules.risk_assets else w / safe * (1 - share))
               for n, w in weights.items()} if risky else {n: w / safe for n, w in weights.items()}
    result = portfolio_grade(weights)
    assert level(result.grade) <= level(grade)
    if level(grade) <= level(grade_of(investor_class)):
        assert level(result.grade) <= level(investor_class)


@pytest.mark.parametrize("grade", GRADES[:-1])
def test_one_step_beyond_the_limits_of_a_grade_raises_the_grade(grade):
    rules = limits(grade)
    if rules.excluded:
        outside = sorted(rules.excluded)[0]
        assert level(product_grade(outside)) > level(grade)
        assert level(portfolio_grade({"cn_money_market": 0.999, outside: 0.001}).grade) \
            > level(grade)
    cap = rules.risk_asset_cap
    if cap:
        over = round(cap + 0.001, 3)
        assert level(portfolio_grade({"cn_money_market": 1 - over, "cn_a_shares": over}).grade) \
            > level(grade)


# -- recommendations ------------------------------------------------------------------------------

@given(profile=profiles)
@SETTINGS
def test_a_china_recommendation_never_exceeds_the_clients_class(profile):
    rec = recommend(profile, market="cn", paths=PATHS)
    record = rec.suitability
    assessment = classify(profile, rec.risk)
    assert (record.investor_class, record.lowest_category) == (
        assessment.investor_class, assessment.lowest_category)
    assert record.portfolio_grade == portfolio_grade(rec.weights).grade
    assert record.matched and record.limit_grade == record.allowed_grade
    assert level(record.portfolio_grade) <= level(record.investor_class)
    assert record.warnings_shown == [] and record.confirmations == []
    assert record.risk_asset_share <= limits(record.allowed_grade).risk_asset_cap + 1e-9
    assert sum(rec.weights.values()) == pytest.approx(1.0)
    if record.lowest_category:
        assert record.portfolio_grade == "R1"
        assert set(rec.weights) == {"cn_money_market"}


@given(answers=answers)
@SETTINGS
def test_every_client_who_cannot_bear_a_loss_gets_money_market_funds_only(answers):
    profile = InvestorProfile(age=40, goal="wealth_building", risk_answers=answers | NO_LOSS,
                              investable_assets=1e8, household_income=1e7,
                              investment_knowledge="extensive")
    rec = recommend(profile, market="cn", paths=PATHS)
    assert rec.suitability.lowest_category and rec.suitability.investor_class == "C1"
    assert rec.weights == {"cn_money_market": 1.0}


def test_the_record_carries_the_class_the_grade_the_match_and_their_reasons_in_both_languages():
    profile = InvestorProfile(age=50, goal="wealth_building", risk_answers=middle_answers())
    for language in ("en", "zh"):
        rec = recommend(profile, market="cn", paths=PATHS, language=language)
        record = rec.suitability
        assert isinstance(rec, SuitableRecommendation)
        assert (rec.market, rec.currency) == ("cn", "CNY")
        codes = [r.code for r in record.reasons]
        assert codes == ["class", "missing", "missing", "missing", "grade", "cap", "matched"]
        say = texts(language)
        first = record.reasons[0]
        assert first.text.startswith(say("suitability_class").split("{")[0])
        assert say(f"investor_class_{record.investor_class}") in first.text
        assert say(f"risk_grade_{record.portfolio_grade}") in record.reasons[4].text
        # the class held the mix down, and the explanation says so beside the other limits
        assert "suitability_cap" in rec.policy.binding
        explained = [r.code for r in rec.explanation.reasons]
        assert explained.index("suitability_cap") == explained.index("bad_year") - 1
        assert rec.policy.constraints[-1].params == {"cap": 0.5}


def test_no_history_is_invented_for_classes_the_market_data_do_not_hold():
    rec = recommend(InvestorProfile(age=30, goal="retirement", risk_answers=middle_answers()),
                    market="cn", paths=PATHS)
    assert rec.history is None
    assert rec.history_unavailable == sorted(rec.weights)
    codes = [d.code for d in rec.disclosures]
    assert "history" not in codes
    assert codes.index("history_unavailable") == codes.index("limits") + 1
    assert rec.disclosures[codes.index("history_unavailable")].text == texts("en")(
        "disclosure_history_unavailable")


def test_a_mix_above_the_class_is_never_built_without_the_confirmation_nor_for_the_lowest():
    profile = InvestorProfile(age=50, goal="wealth_building", risk_answers=middle_answers())
    with pytest.raises(ValueError, match="needs the special risk warning"):
        recommend_suitable(profile, CN, paths=PATHS, limit_grade="R5")
    with pytest.raises(ValueError, match="needs the special risk warning"):  # warned, not confirmed
        recommend_suitable(profile, CN, paths=PATHS, limit_grade="R5",
                           warnings_shown=[WARNING_BEYOND_CLASS])
    confirmed = recommend_suitable(profile, CN, paths=PATHS, limit_grade="R5",
                                   warnings_shown=[WARNING_BEYOND_CLASS],
                                   confirmations=[BEYOND_CLASS])
    assert confirmed.suitability.limit_grade == "R5" and not confirmed.suitability.matched
    lowest = InvestorProfile(age=50, goal="wealth_building",
                             risk_answers=middle_answers() | NO_LOSS)
    with pytest.raises(ValueError, match="never built for the lowest category"):
        recommend_suitable(lowest, CN, paths=PATHS, limit_grade="R2",
                           warnings_shown=[WARNING_BEYOND_CLASS], confirmations=[BEYOND_CLASS])


# -- the more-risk what-if ------------------------------------------------------------------------

def test_more_risk_beyond_the_class_needs_the_warning_and_a_confirmation_then_is_recorded():
    profile = InvestorProfile(age=50, goal="wealth_building", risk_answers=middle_answers())
    asked = more_risk(profile, paths=PATHS)
    assert (asked.investor_class, asked.allowed_grade) == ("C3", "R3")
    assert level(asked.requested_grade) > level("R3")
    assert asked.outcome is Outcome.confirmation_required
    assert asked.warning_required and asked.confirmation_required
    assert asked.warning == WARNING_BEYOND_CLASS and asked.recommendation is None
    warning = render(asked.warning, asked.message_params, texts("zh"))
    assert warning.startswith("特别风险警示")
    shown = more_risk(profile, confirmed=True, paths=PATHS)
    assert shown.outcome is Outcome.shown_after_warning
    record = shown.recommendation.suitability
    assert record.investor_class == "C3"  # the client's class, not the what-if's
    assert record.portfolio_grade == asked.requested_grade and not record.matched
    assert record.warnings_shown == [WARNING_BEYOND_CLASS]
    assert record.confirmations == [BEYOND_CLASS]
    assert record.reasons[-1].code == "not_matched"


def test_more_risk_is_refused_for_the_lowest_category_even_when_it_confirms():
    lowest = InvestorProfile(age=40, goal="wealth_building",
                             risk_answers=middle_answers() | NO_LOSS)
    for confirmed in (False, True):
        result = more_risk(lowest, confirmed=confirmed, paths=PATHS)
        assert result.outcome is Outcome.refused
        assert result.refusal == "suitability_refused_lowest_category"
        assert result.recommendation is None and result.warning is None


def test_more_risk_within_the_class_is_shown_as_any_recommendation():
    bold = {q.id: q.options[-2].id for q in FORM.questions}
    rich = InvestorProfile(age=30, goal="wealth_building", horizon_years=30, risk_answers=bold,
                           investable_assets=6e6, household_income=2e6,
                           investment_knowledge="extensive")
    result = more_risk(rich, paths=PATHS)
    assert result.investor_class == "C5" and result.outcome is Outcome.within_class
    assert result.recommendation.suitability.matched
    top = {q.id: q.options[-1].id for q in FORM.questions}
    with pytest.raises(WhatIfRefused):
        more_risk(rich.model_copy(update={"risk_answers": top}), paths=PATHS)


# -- the default market ---------------------------------------------------------------------------

@given(profile=profiles)
@settings(max_examples=15, deadline=None)
def test_the_default_market_ignores_the_situation_items_and_carries_no_suitability(profile):
    plain = profile.model_copy(update={"investable_assets": None, "household_income": None,
                                       "investment_knowledge": None})
    rec = recommend(profile, paths=PATHS)
    assert type(rec) is Recommendation
    assert rec.model_dump_json() == recommend(profile, paths=PATHS, market="us").model_dump_json()
    assert rec.weights == recommend(plain, paths=PATHS).weights
    dumped = recommend(plain, paths=PATHS).model_dump()
    assert not {"market", "suitability", "history_unavailable"} & set(dumped)
    assert not {"investable_assets", "household_income", "investment_knowledge"} & set(
        dumped["profile"])
