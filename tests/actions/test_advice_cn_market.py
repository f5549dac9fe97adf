"""MARKET=cn in the action server: the chat's recommendation is the China market's, its amounts in
yuan, its payload carries the suitability record, its stress-test part says there is no history,
and beside its record the class, grade and match are kept (append-only)."""

from __future__ import annotations

import pytest
from action_harness import SENDER, rows, run, said, tracker
from support.responses import response_texts, response_variations

from actions import market as market_setting
from actions.advice import ConfirmRiskWarning, Recommend, WhatIf
from actions.profile_slots import profile_from
from db.market_suitability import MarketSuitabilityRecord
from db.models import SuitabilityRecord
from engine.questionnaire import middle_answers
from engine.suitability.what_if import Outcome, more_risk
from engine.wording import format_value, render, texts

CALM_ANSWERS = {f"q_{question}": option for question, option in middle_answers().items()}
PROFILE = {
    "age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 200_000.0,
    "monthly_contribution": 2_000.0, "target_amount": 1_000_000.0, "income_stability": "stable",
    **CALM_ANSWERS,
}




def message(messages, name):
    [found] = [m for m in messages if m.get("response") == name]
    return found


def payload(messages):
    return next(m["custom"] for m in messages if m.get("custom"))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_china_recommendation_is_in_yuan_with_its_suitability(language, in_market, domain,
                                                                  database):
    in_market("cn")
    messages, slots = run(Recommend(), tracker(slots={**PROFILE, "language": language}), domain)
    said(messages, domain)
    data = payload(messages)
    assert "cn_a_shares" in data["weights"] and "us_equity" not in data["weights"]
    suitability = data["suitability"]
    assert suitability["market"] == "cn"
    assert suitability["investor_class"] in {"C1", "C2", "C3", "C4", "C5"}
    assert suitability["portfolio_grade"] in {"R1", "R2", "R3", "R4", "R5"}
    assert suitability["matched"] is True
    # Same shape as the default market's payload otherwise.
    assert {"type", "weights", "groups", "expected_return", "volatility", "bad_year", "history",
            "projection", "probability_of_target"} <= set(data)
    median = message(messages, "utter_projection")["median"]
    number = format_value(data["projection"]["median"], "money", texts("zh" if language == "zh"
                                                                       else "en"))
    if language == "en":
        assert median == f"CNY {number}"
        assert median.startswith("CNY ") and median[4].isdigit()
    else:
        assert median == number and median.endswith("元") and "万" in median
    # No series of these classes: the stress-test part says so, in the conversation's language.
    assert data["history"] is None
    [no_history] = response_texts("history_unavailable", language)
    assert message(messages, "utter_recommendation")["history"] == no_history
    # The record, and beside it the class, grade and match.
    [record] = rows(database, SuitabilityRecord)
    assert record.history is None and record.id == slots["recommendation_id"]
    [kept] = rows(database, MarketSuitabilityRecord)
    assert kept.recommendation_id == record.id and kept.conversation_id == SENDER
    assert (kept.investor_class, kept.portfolio_grade, kept.matched) == (
        suitability["investor_class"], suitability["portfolio_grade"], True)
    assert kept.warnings_shown == [] and kept.confirmations == [] and kept.after_warning is False
    assert kept.questionnaire_version == record.questionnaire_version
    assert kept.assumptions_version == record.assumptions_version != ""
    assert kept.created_at is not None


def test_the_default_market_has_no_suitability_and_plain_amounts(in_market, domain, database):
    in_market(None)
    messages, _ = run(Recommend(), tracker(slots={**PROFILE, "language": "en"}), domain)
    data = payload(messages)
    assert "suitability" not in data and data["history"] is not None
    assert not message(messages, "utter_projection")["median"].startswith("CNY")
    assert rows(database, MarketSuitabilityRecord) == []
    assert len(rows(database, SuitabilityRecord)) == 1


def test_an_unknown_market_is_named(in_market):
    in_market("mars")
    with pytest.raises(market_setting.MarketSettingError, match="'mars'.*valid markets: us, cn"):
        market_setting.market()


def test_the_market_setting_ignores_case_and_spaces(in_market):
    in_market(" CN ")
    assert market_setting.market() == "cn"



LOWEST = {**PROFILE, "q_loss_reaction": "sell_all", "q_return_priority": "protect_capital",
          "q_max_loss": "loss_5"}


def engine_what_if(slots: dict, language: str):
    """What the engine decides for a more-risk what-if of these answers."""
    return more_risk(profile_from(tracker(slots=slots)), language=language)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_more_risk_in_china_is_matched_against_the_client_s_class(language, in_market, domain,
                                                                   database):
    in_market("cn")
    # The lowest category is refused, in the engine's words; nothing is recommended or recorded.
    slots = {**LOWEST, "language": language, "recommended": True}
    decided = engine_what_if(slots, language)
    assert decided.outcome == Outcome.refused
    messages, events = run(WhatIf(), tracker(slots=slots, intent="more_risk"), domain)
    assert said(messages, domain) == ["utter_suitability_refused"]
    assert messages[0]["refusal"] == render(decided.refusal, decided.message_params,
                                            texts(language))
    assert events == {} and rows(database, SuitabilityRecord) == []
    # Above a C3 client's class: the special risk warning, an adviser offered, no mix shown.
    slots = {**PROFILE, "language": language, "recommended": True}
    decided = engine_what_if(slots, language)
    assert (decided.outcome, decided.investor_class) == (Outcome.confirmation_required, "C3")
    messages, events = run(WhatIf(), tracker(slots=slots, intent="more_risk"), domain)
    assert said(messages, domain) == ["utter_suitability_beyond_class"]
    assert messages[0]["warning"] == render(decided.warning, decided.message_params,
                                            texts(language))
    assert not any(m.get("custom") for m in messages)
    assert events == {"risk_warning_shown": True}
    assert rows(database, MarketSuitabilityRecord) == []
    # Less risk is within any class: shown and recorded as matched.
    messages, events = run(WhatIf(), tracker(slots=slots, text="less risk", intent="less_risk"),
                           domain)
    assert "utter_recommendation" in said(messages, domain)
    [kept] = rows(database, MarketSuitabilityRecord)
    assert kept.matched and payload(messages)["suitability"]["matched"] is True


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_mix_above_the_class_is_shown_only_after_the_confirmation_and_both_are_kept(
        language, in_market, domain, database):
    in_market("cn")
    slots = {**PROFILE, "language": language, "recommended": True}
    # The warning's first button confirms it.
    _, events = run(WhatIf(), tracker(slots=slots, intent="more_risk"), domain)
    [warning] = response_variations("utter_suitability_beyond_class", language)
    assert warning["buttons"][0]["payload"] == "/confirm_risk_warning"
    messages, events = run(ConfirmRiskWarning(), tracker(
        slots={**slots, **events}, intent="confirm_risk_warning"), domain)
    assert said(messages, domain)[:2] == ["utter_risk_warning_confirmed", "utter_recommendation"]
    shown = payload(messages)["suitability"]
    decided = more_risk(profile_from(tracker(slots=slots)), confirmed=True, language=language)
    assert decided.outcome == Outcome.shown_after_warning
    assert (shown["matched"], shown["portfolio_grade"]) == (False, decided.requested_grade)
    assert events["risk_warning_shown"] is False and events["recommended"] is True
    [kept] = rows(database, MarketSuitabilityRecord)
    assert kept.after_warning is True and kept.matched is False
    assert kept.warnings_shown and kept.confirmations
    [record] = rows(database, SuitabilityRecord)
    assert record.trigger == "what_if:more_risk_confirmed"


@pytest.mark.parametrize("market", ["cn", None])
def test_a_confirmation_with_no_warning_waiting_shows_nothing(market, in_market, domain,
                                                               database):
    in_market(market)
    slots = {**PROFILE, "language": "zh", "recommended": True, "risk_warning_shown": False}
    messages, events = run(ConfirmRiskWarning(), tracker(slots=slots,
                                                         intent="confirm_risk_warning"), domain)
    assert said(messages, domain) == ["utter_risk_warning_nothing_to_confirm"]
    assert events == {} and rows(database, SuitabilityRecord) == []
