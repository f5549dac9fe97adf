"""Every phrase the recommendation can need is in the locale files, and every phrase of theirs
for the recommendation is one it can need.

A missing phrase would stop the recommendation (the action refuses to drop a sentence), so these
checks run on every code a phrase can name, every asset class, and recommendations that reach
every statement the engine emits. They read the reference language (English); tests/test_locales.py
checks that every other language has the same names, placeholders and buttons.
"""

import pytest
from support.assumptions import volatile_cash_and_bonds

from actions.advice import allocation_text, disclosures_shown, explanation_text
from engine import InvestorProfile, recommend
from engine.assumptions import load_assumptions
from engine.history import market_history
from engine.profile import Goal, IncomeStability, LiquidityNeeds, MarketOutlook
from engine.questionnaire import middle_answers
from engine.recommendation import FALLBACK_OBJECTIVE, OBJECTIVE
from engine.wording import DEFAULT_LANGUAGE, NUMBER_FORMATS, locales, placeholders, texts

ENGLISH = texts(DEFAULT_LANGUAGE)
#: Phrase names of the reference language (chat responses, ``utter_*``, left out).
PHRASES = sorted(n for n in locales()[DEFAULT_LANGUAGE] if not n.startswith("utter_"))
#: Kinds of the explanation's statements: each statement is written by ``<kind>_<code>``.
STATEMENT_KINDS = ("reason_", "disclosure_")
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
         risk_answers=CALM, initial_amount=10_000),
    # money needed now
    dict(age=50, goal="major_purchase", horizon_years=0, risk_answers=CALM, initial_amount=5_000),
    # the remaining conflicts: selling on a fall, a small loss limit with a wide range
    dict(age=40, goal="wealth_building", horizon_years=15,
         risk_answers={**CALM, "loss_reaction": "sell_all", "return_priority": "strong_growth",
                       "max_loss": "loss_5", "outcome_range": "widest"}),
]
#: A stated loss limit that no mix reaches, under assumptions where cash and bonds swing widely.
UNREACHABLE_LOSS_LIMIT = dict(age=30, goal="wealth_building", horizon_years=20, risk_answers=CAUTIOUS)
#: Groups of phrases a placeholder may name, and the values each must cover.
GROUPS = {
    "goal": [g.value for g in Goal],
    "income_stability": [v.value for v in IncomeStability],
    "liquidity_needs": [v.value for v in LiquidityNeeds],
    "market_outlook": [v.value for v in MarketOutlook],
    "objective": [OBJECTIVE, FALLBACK_OBJECTIVE],
    # The asset classes of every market's assumptions (the China market's yuan classes too).
    "asset_class": sorted({*load_assumptions().classes.index,
                           *load_assumptions(market="cn").classes.index}),
    # The market episodes the history names (engine/data/market_history.yml).
    "episode": [e.name for e in market_history().proxies.episodes],
}


@pytest.mark.parametrize(("group", "value"), [(g, v) for g, values in GROUPS.items() for v in values])
def test_each_code_a_phrase_can_name_has_its_phrase(group, value):
    assert ENGLISH(f"{group}_{value}").strip()


def test_the_phrases_of_each_group_are_its_codes():
    # A phrase left behind after its code is gone would be a translation nobody needs.
    for group, values in GROUPS.items():
        assert {n for n in PHRASES if n.startswith(f"{group}_")} == {f"{group}_{v}" for v in values}


def test_every_placeholder_word_is_a_number_format_or_a_group_of_phrases():
    names = [n for n in PHRASES if n.startswith(STATEMENT_KINDS)] + ["allocation_line"]
    known = set(NUMBER_FORMATS) | set(GROUPS) | {"reason_driver", "reason_flag"}
    used = {spec.partition(".")[0] for name in names for _, spec in placeholders(ENGLISH(name))}
    assert used - {""} <= known


@pytest.fixture(scope="module")
def recommendations(tmp_path_factory):
    volatile = volatile_cash_and_bonds(tmp_path_factory.mktemp("assumptions"))
    return [recommend(InvestorProfile(**p), paths=1_000) for p in PROFILES] + [
        recommend(InvestorProfile(**UNREACHABLE_LOSS_LIMIT), assumptions=volatile, paths=1_000),
        # The China market: a class cap from the investor's class, and no stored history for
        # its yuan classes.
        *(recommend(InvestorProfile(**p), paths=1_000, market="cn") for p in PROFILES[:2]),
    ]


def test_the_sample_reaches_every_statement_and_the_phrases_write_them_all(recommendations):
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
        # Raises MissingText when a phrase one of these statements needs is missing.
        assert allocation_text(rec, ENGLISH) and explanation_text(rec, ENGLISH)
        assert all(s.text for s in disclosures_shown(rec, ENGLISH))
    # Every statement phrase is one the engine emits, and the reverse.
    assert emitted == {n for n in PHRASES if n.startswith(STATEMENT_KINDS)}


def test_every_conflict_the_engine_flags_has_its_own_message(domain, recommendations):
    flagged = {f.code for rec in recommendations for f in rec.risk.flags
               if f.severity == "inconsistent"}
    catalogue = {n.removeprefix("reason_flag_") for n in PHRASES if n.startswith("reason_flag_")}
    assert flagged == catalogue
    for code in catalogue:
        assert f"utter_flag_{code}" in domain["responses"]
        assert ENGLISH(f"utter_flag_{code}")
