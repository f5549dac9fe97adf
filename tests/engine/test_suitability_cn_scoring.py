"""The China market's suitability rules, item by item: the scoring table of the investor's class,
the lowest category, the product and portfolio grades, the limits of a grade, the re-assessment
rule, the rules file's checks and the yuan assumptions file."""

from datetime import UTC, datetime

import pytest
import yaml
from pydantic import ValidationError

from engine.assumptions import CN_CLASSES, CN_FILE, AssumptionsError, load_assumptions
from engine.profile import InvestorProfile
from engine.questionnaire import middle_answers, questionnaire
from engine.risk import RiskAssessment, assess
from engine.suitability.classes import class_for_points, class_points, classify, lowest_category
from engine.suitability.grades import limits, portfolio_grade, product_grade
from engine.suitability.rules import RULES_FILE, SuitabilityRules, grade_of, level
from engine.suitability.what_if import reassessment_due, situation_changes

FORM = questionnaire()
CAUTIOUS = {q.id: q.options[0].id for q in FORM.questions}
#: The three answers the rules file names for the lowest category.
NO_LOSS = {"loss_reaction": "sell_all", "return_priority": "protect_capital", "max_loss": "loss_5"}


def profile(**fields) -> InvestorProfile:
    return InvestorProfile.model_validate(
        {"age": 40, "goal": "wealth_building", "risk_answers": middle_answers()} | fields)


def risk(score: float) -> RiskAssessment:
    return RiskAssessment(score=score, willingness=score, capacity=score, questionnaire_points=0,
                          capacity_components={}, flags=[])


# -- the scoring table ----------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "points"), [(1.0, 0.0), (10.0, 70.0), (5.5, 35.0), (7.3, 49.0)])
def test_the_risk_score_gives_up_to_seventy_points_in_proportion(score, points):
    assert class_points(profile(), risk(score)).risk_score == points


@pytest.mark.parametrize(("field", "amount", "points"), [
    ("investable_assets", 0, 0), ("investable_assets", 99_999, 0),
    ("investable_assets", 100_000, 3), ("investable_assets", 499_999, 3),
    ("investable_assets", 500_000, 6), ("investable_assets", 2_000_000, 8),
    ("investable_assets", 4_999_999, 8), ("investable_assets", 5_000_000, 10),
    ("investable_assets", 1e12, 10),
    ("household_income", 0, 0), ("household_income", 100_000, 3),
    ("household_income", 299_999, 3), ("household_income", 300_000, 6),
    ("household_income", 500_000, 8), ("household_income", 999_999, 8),
    ("household_income", 1_000_000, 10),
])
def test_amounts_score_the_points_of_their_band(field, amount, points):
    assert getattr(class_points(profile(**{field: amount}), risk(5)), field) == points


@pytest.mark.parametrize(("knowledge", "points"), [("none", 0), ("basic", 3), ("good", 7),
                                                   ("extensive", 10)])
def test_investment_knowledge_scores_its_points(knowledge, points):
    assert class_points(profile(investment_knowledge=knowledge), risk(5)).investment_knowledge \
        == points


def test_an_item_not_given_scores_nothing_and_is_named():
    points = class_points(profile(household_income=400_000), risk(4))
    assert points.missing == ["investable_assets", "investment_knowledge"]
    assert points.total == round(70 * 3 / 9, 2) + 6


@pytest.mark.parametrize(("total", "investor_class"), [
    (0, "C1"), (19.99, "C1"), (20, "C2"), (34.99, "C2"), (35, "C3"), (54.99, "C3"), (55, "C4"),
    (74.99, "C4"), (75, "C5"), (100, "C5"),
])
def test_each_class_has_its_band_of_points(total, investor_class):
    assert class_for_points(total) == investor_class


def test_the_classification_adds_the_items_and_keeps_the_risk_score():
    rich = profile(investable_assets=6e6, household_income=2e6, investment_knowledge="extensive")
    assessment = assess(rich)
    result = classify(rich, assessment)
    assert result.total_points == pytest.approx(70 * (assessment.score - 1) / 9 + 30, abs=0.01)
    assert result.risk_score == assessment.score
    assert result.investor_class == class_for_points(result.total_points)
    assert not result.lowest_category


def test_wealth_alone_cannot_lift_the_most_cautious_risk_score_above_c2():
    rich = profile(investable_assets=1e9, household_income=1e9, investment_knowledge="extensive")
    assert classify(rich, risk(1.0)).investor_class == "C2"


# -- the lowest category --------------------------------------------------------------------------

def test_a_client_who_cannot_bear_any_loss_is_in_the_lowest_category_and_in_c1_whatever_the_points():
    rich = profile(risk_answers=middle_answers() | NO_LOSS, investable_assets=1e9,
                   household_income=1e9, investment_knowledge="extensive")
    assert lowest_category(rich)
    result = classify(rich, risk(10.0))
    assert (result.investor_class, result.lowest_category) == ("C1", True)


@pytest.mark.parametrize("question", sorted(NO_LOSS))
def test_one_answer_that_accepts_some_loss_leaves_the_lowest_category(question):
    answers = CAUTIOUS | NO_LOSS
    other = next(o.id for o in FORM.question(question).options if o.id != NO_LOSS[question])
    assert lowest_category(profile(risk_answers=answers))
    assert not lowest_category(profile(risk_answers=answers | {question: other}))


# -- the grades -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("asset_class", "grade"), [
    ("cn_money_market", "R1"), ("cn_government_bonds", "R2"), ("cn_credit_bonds", "R2"),
    ("cn_a_shares", "R3"), ("hk_equity", "R3"), ("global_equity_qdii", "R3"), ("gold_cny", "R3"),
    ("c_reits", "R3"),
])
def test_each_asset_class_has_the_grade_of_its_fund_type(asset_class, grade):
    assert product_grade(asset_class) == grade


def test_every_china_class_is_graded_and_an_unknown_class_is_named():
    assert all(product_grade(name) for name in CN_CLASSES)
    with pytest.raises(ValueError, match="no risk grade for the asset class 'us_equity'"):
        product_grade("us_equity")


@pytest.mark.parametrize(("weights", "grade", "share"), [
    ({"cn_money_market": 1.0}, "R1", 0.0),
    ({"cn_money_market": 0.5, "cn_government_bonds": 0.5}, "R2", 0.0),
    ({"cn_money_market": 0.99, "gold_cny": 0.01}, "R3", 0.01),
    ({"cn_credit_bonds": 0.5, "cn_a_shares": 0.5}, "R3", 0.5),
    ({"cn_credit_bonds": 0.499, "cn_a_shares": 0.501}, "R4", 0.501),
    ({"cn_money_market": 0.2, "cn_a_shares": 0.6, "c_reits": 0.2}, "R4", 0.8),
    ({"cn_money_market": 0.199, "cn_a_shares": 0.801}, "R5", 0.801),
    ({"cn_a_shares": 1.0}, "R5", 1.0),
])
def test_a_portfolio_is_graded_by_its_riskiest_holding_and_its_share_of_risk_assets(
        weights, grade, share):
    result = portfolio_grade(weights)
    assert (result.grade, result.risk_asset_share) == (grade, share)


def test_an_empty_portfolio_cannot_be_graded():
    with pytest.raises(ValueError, match="at least one holding"):
        portfolio_grade({"cn_a_shares": 0.0})


@pytest.mark.parametrize(("grade", "excluded", "cap"), [
    ("R1", {"cn_government_bonds", "cn_credit_bonds", "cn_a_shares", "hk_equity",
            "global_equity_qdii", "gold_cny", "c_reits"}, 0.0),
    ("R2", {"cn_a_shares", "hk_equity", "global_equity_qdii", "gold_cny", "c_reits"}, 0.0),
    ("R3", set(), 0.5), ("R4", set(), 0.8), ("R5", set(), 1.0),
])
def test_the_limits_of_a_grade_exclude_the_classes_above_it_and_cap_the_risk_assets(
        grade, excluded, cap):
    rules = limits(grade)
    assert set(rules.excluded) == excluded
    assert rules.risk_asset_cap == cap
    assert set(rules.risk_assets) == {"cn_a_shares", "hk_equity", "global_equity_qdii",
                                      "gold_cny", "c_reits"}


def test_class_and_grade_codes_are_checked():
    assert [grade_of(c) for c in ("C1", "C2", "C3", "C4", "C5")] == ["R1", "R2", "R3", "R4", "R5"]
    with pytest.raises(ValueError, match="neither an investor class"):
        level("C6")
    with pytest.raises(ValueError, match="unknown risk grade 'R0'"):
        limits("R0")


# -- the rules file -------------------------------------------------------------------------------

def rules_data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["scoring"]["investable_assets"].reverse(), "bands must start at 0 and rise"),
    (lambda d: d["scoring"]["classes"].pop("C3"), "needs the lowest points of C1"),
    (lambda d: d["scoring"]["investment_knowledge"].pop("good"), "needs points for none"),
    (lambda d: d["lowest_category"].update(max_loss="loss_0"), "'loss_0' is not an option"),
    (lambda d: d["portfolio_bands"].update(R4=0.3), "shares must rise and end at 1.0"),
    (lambda d: d["product_grades"].update(cn_a_shares="R6"), "product_grades.cn_a_shares"),
])
def test_a_broken_rules_file_is_refused_with_the_problem_named(change, message):
    data = rules_data()
    change(data)
    with pytest.raises(ValidationError, match=message):
        SuitabilityRules.model_validate(data)


def test_every_rule_cites_sources_with_dates():
    data = rules_data()
    assert data["sources"] and all("date" in s and "title" in s for s in data["sources"].values())
    text = RULES_FILE.read_text(encoding="utf-8")
    for key in data["sources"]:
        assert text.count(key) >= 2, f"source {key} is listed but nothing cites it"


# -- re-assessment --------------------------------------------------------------------------------

@pytest.mark.parametrize(("assessed", "now", "due"), [
    (datetime(2025, 12, 3, 9), datetime(2026, 12, 3, 8, 59), False),
    (datetime(2025, 12, 3, 9), datetime(2026, 12, 3, 9), True),
    (datetime(2024, 2, 29), datetime(2025, 2, 27), False),
    (datetime(2024, 2, 29), datetime(2025, 2, 28), True),
    (datetime(2026, 1, 31), datetime(2026, 6, 1), False),
])
def test_an_assessment_is_due_twelve_months_after_it_was_made(assessed, now, due):
    result = reassessment_due(assessed, now)
    assert result.due is due
    assert result.reasons == (["expired"] if due else [])


def test_a_changed_situation_makes_an_assessment_due_before_twelve_months():
    before = profile(investable_assets=300_000, household_income=200_000,
                     investment_knowledge="basic")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assessed_at = datetime(2026, 1, 1, tzinfo=UTC)
    same_bands = before.model_copy(update={"investable_assets": 450_000})
    assert reassessment_due(assessed_at, now, before, same_bands).due is False
    richer = before.model_copy(update={"investable_assets": 600_000})
    assert reassessment_due(assessed_at, now, before, richer).reasons == [
        "changed_investable_assets"]
    moved = before.model_copy(update={"liquidity_needs": "high", "investment_knowledge": "good",
                                      "risk_answers": CAUTIOUS})
    assert situation_changes(before, moved) == ["risk_answers", "liquidity_needs",
                                                "investment_knowledge"]
    told = profile(investable_assets=300_000, household_income=200_000)
    assert situation_changes(told, before) == ["investment_knowledge"]


def test_impossible_assessment_times_are_refused():
    with pytest.raises(ValueError, match="after"):
        reassessment_due(datetime(2026, 2, 1), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="time zone"):
        reassessment_due(datetime(2026, 1, 1), datetime(2026, 2, 1, tzinfo=UTC))


# -- the yuan assumptions -------------------------------------------------------------------------

def test_the_yuan_assumptions_cover_the_china_classes_with_dated_sources():
    cma = load_assumptions(market="cn")
    assert (cma.market, cma.currency) == ("cn", "CNY")
    assert set(cma.labels) == set(CN_CLASSES)
    for name, row in cma.classes.iterrows():
        source = cma.sources[row["source"]]
        assert source.get("date"), name
    house = [name for name, row in cma.classes.iterrows()
             if row["source"] == "house_assumption_2026_12"]
    assert set(house) == {"hk_equity", "cn_credit_bonds", "gold_cny", "c_reits"}
    assert "house assumption" in cma.sources["house_assumption_2026_12"]["title"].lower()
    # the public figures, as published
    returns = cma.classes["expected_return"]
    assert (returns["cn_a_shares"], returns["cn_government_bonds"],
            returns["cn_money_market"]) == (0.077, 0.0183, 0.0154)
    assert cma.correlation.loc["cn_a_shares", "cn_government_bonds"] == 0.08


def test_an_assumptions_file_of_another_market_or_an_unknown_market_is_refused(tmp_path):
    with pytest.raises(AssumptionsError, match="is for the market 'cn', not 'us'"):
        load_assumptions(CN_FILE)
    with pytest.raises(AssumptionsError, match="unknown market 'uk'"):
        load_assumptions(market="uk")
    data = yaml.safe_load(CN_FILE.read_text(encoding="utf-8"))
    del data["asset_classes"]["c_reits"]
    path = tmp_path / "no_reits.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(AssumptionsError, match="missing asset classes: c_reits"):
        load_assumptions(path, market="cn")
