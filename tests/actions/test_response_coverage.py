"""Every phrase the recommendation can need is a domain response, with the engine's placeholders.

A phrase missing from the domain would stop the recommendation (the action refuses to drop a
sentence), so these checks run on the catalogue of phrases, every asset class, and recommendations
that reach every statement the engine emits.
"""

import string

import pytest
import yaml

from actions.advice import (
    allocation_text,
    disclosures_shown,
    domain_texts,
    explanation_text,
)
from engine import InvestorProfile, recommend
from engine.assumptions import load_assumptions
from engine.explanation import NUMBER_FORMATS, TEXTS_FILE, engine_texts, phrase_names
from engine.profile import Goal, IncomeStability, LiquidityNeeds, MarketOutlook
from engine.questionnaire import middle_answers
from engine.recommendation import FALLBACK_OBJECTIVE, OBJECTIVE

ENGLISH = engine_texts("en")
BOLD = {
    "loss_reaction": "buy_more", "max_loss": "loss_over_30", "return_priority": "maximum_growth",
    "risk_self_view": "risk_taker", "gamble_choice": "quarter_8000", "outcome_range": "widest",
    "experience": "extensive",
}
CALM = middle_answers()
CAUTIOUS = {
    "loss_reaction": "sell_all", "max_loss": "loss_5", "return_priority": "protect_capital",
    "risk_self_view": "avoider", "gamble_choice": "sure_1000", "outcome_range": "narrow",
    "experience": "none",
}
#: Profiles that between them make the engine emit every statement it has.
PROFILES = [
    # capacity held down by every driver, a market view, a short horizon cap, conflicting answers
    dict(age=68, goal="retirement", horizon_years=2, income_stability="unstable",
         liquidity_needs="high", market_outlook="bullish", initial_amount=80_000,
         monthly_contribution=300, target_amount=120_000,
         risk_answers={**BOLD, "experience": "none"}),
    # willingness holds the score down; a goal cap; a cautious view
    dict(age=30, goal="capital_preservation", horizon_years=25, market_outlook="bearish",
         risk_answers=CAUTIOUS, initial_amount=10_000),
    # money needed now
    dict(age=50, goal="major_purchase", horizon_years=0, risk_answers=CALM, initial_amount=5_000),
    # the remaining conflicts: selling on a fall, a small loss limit with a wide range
    dict(age=40, goal="wealth_building", horizon_years=15,
         risk_answers={**CALM, "loss_reaction": "sell_all", "return_priority": "strong_growth",
                       "max_loss": "loss_5", "outcome_range": "widest"}),
]
#: Groups of phrases a placeholder may name, and the values each must cover.
GROUPS = {
    "goal": [g.value for g in Goal],
    "income_stability": [v.value for v in IncomeStability],
    "liquidity_needs": [v.value for v in LiquidityNeeds],
    "market_outlook": [v.value for v in MarketOutlook],
    "objective": [OBJECTIVE, FALLBACK_OBJECTIVE],
    "asset_class": list(load_assumptions().classes.index),
}


@pytest.fixture(scope="module")
def texts(domain):
    return domain_texts(domain)


def placeholders(template: str) -> set[tuple[str, str]]:
    return {(field, spec) for _, field, spec, _ in string.Formatter().parse(template)
            if field is not None}


@pytest.mark.parametrize("name", phrase_names())
def test_each_engine_phrase_is_a_domain_response_with_the_same_placeholders(texts, name):
    assert placeholders(texts(name)) == placeholders(ENGLISH(name)), (
        f"utter_{name} in domain/advice.yml and {name} in {TEXTS_FILE.name} take different values")


@pytest.mark.parametrize(("group", "value"), [(g, v) for g, values in GROUPS.items() for v in values])
def test_each_code_a_phrase_can_name_has_its_response(texts, group, value):
    assert texts(f"{group}_{value}").strip()


def test_every_placeholder_word_is_a_number_format_or_a_group_of_phrases(domain, texts):
    names = set(phrase_names()) | {"allocation_line"}
    known = set(NUMBER_FORMATS) | set(GROUPS) | {"reason_driver", "reason_flag"}
    used = {spec.partition(".")[0] for name in names for _, spec in placeholders(texts(name))}
    assert used - {""} <= known


def test_the_engine_phrase_file_is_the_domain_phrase_list(domain):
    # A phrase added to the domain for the engine but not to the engine's file (or the reverse)
    # would go unchecked.
    prefixes = ("utter_reason_", "utter_disclosure_", "utter_goal_", "utter_objective_",
                "utter_income_stability_", "utter_liquidity_needs_", "utter_market_outlook_")
    in_domain = {name.removeprefix("utter_") for name in domain["responses"]
                 if name.startswith(prefixes)}
    in_engine = {n for n in yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))["phrases"]
                 if n != "list_separator"}
    assert in_domain == in_engine


@pytest.fixture(scope="module")
def recommendations():
    return [recommend(InvestorProfile(**p), paths=1_000) for p in PROFILES]


def test_the_sample_reaches_every_statement_and_the_domain_writes_them_all(texts, recommendations):
    emitted = set()
    for rec in recommendations:
        statements = [rec.explanation.summary_statement, *rec.explanation.reasons]
        emitted |= {f"reason_{s.code}" for s in statements}
        emitted |= {f"disclosure_{s.code}" for s in rec.disclosures}
        for s in statements:
            for item in s.params.get("drivers", []):
                emitted.add(f"reason_driver_{item.code}")
            for item in s.params.get("flags", []):
                emitted.add(f"reason_flag_{item.code}")
        # Raises MissingText when the domain lacks a phrase one of these statements needs.
        assert allocation_text(rec, texts) and explanation_text(rec, texts)
        assert all(s.text for s in disclosures_shown(rec, texts))
    statement_phrases = {n for n in phrase_names() if n.startswith(("reason_", "disclosure_"))}
    assert emitted == statement_phrases


def test_every_conflict_the_engine_flags_has_its_own_message(domain, recommendations):
    flagged = {f.code for rec in recommendations for f in rec.risk.flags
               if f.severity == "inconsistent"}
    catalogue = {n.removeprefix("reason_flag_") for n in phrase_names()
                 if n.startswith("reason_flag_")}
    assert flagged == catalogue
    for code in catalogue:
        assert f"utter_flag_{code}" in domain["responses"]
