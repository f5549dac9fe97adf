"""Where the market's suitability rules score the client's situation (``MARKET=cn``), the form
also asks the investable assets, the household income and the investment knowledge, before the
last question; the chat's profile then carries them, and the investor class counts them.
Elsewhere the form asks what it always asked."""

from __future__ import annotations

import asyncio
import re

import pytest
from action_harness import responses, said, tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_texts

from actions.onboarding import ValidateOnboardingForm
from actions.profile_slots import SITUATION_SLOTS, onboarding_slots, profile_from
from engine.risk import assess
from engine.suitability.classes import class_points

FORM = "onboarding_form"
#: Every answer of the profile, as the form stores them.
ANSWERED = {"age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 50_000.0,
            "monthly_contribution": 500.0, "target_amount": 1_000_000.0,
            "q_loss_reaction": "hold", "q_max_loss": "loss_20",
            "q_return_priority": "balanced_growth", "q_risk_self_view": "cautious", "q_gamble_choice": "half_2500",
            "q_outcome_range": "moderate", "q_experience": "some",
            "income_stability": "stable"}


def next_question(domain, slots: dict) -> str | None:
    """The slot the form asks next after validating a message, as Rasa would be told (None:
    Rasa asks the next of the domain's own list)."""
    state = tracker(slots={"requested_slot": "q_experience", **slots}, text="some experience",
                    candidates={"q_experience": "some experience"}, active_loop=FORM)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    asked = [e["value"] for e in events
             if e.get("event") == "slot" and e.get("name") == "requested_slot"]
    return asked[-1] if asked else None


def situation_answer(domain, slot: str, text: str, language: str = "en",
                     intent: str = "inform") -> tuple[dict, list[dict]]:
    """The slots set and the messages sent when ``text`` is typed at the situation question
    ``slot``. Rasa extracts nothing for these questions (their mappings are custom): the form's
    validation reads the message itself."""
    state = tracker(slots={"requested_slot": slot, "language": language}, text=text,
                    intent=intent, active_loop=FORM)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    return ({e["name"]: e["value"] for e in events if e.get("event") == "slot"},
            dispatcher.messages)


def before_experience() -> dict:
    return {slot: ANSWERED[slot] for slot in onboarding_slots()[:onboarding_slots().index(
        "q_experience")]}


def test_the_china_market_asks_the_situation_before_the_last_question(domain, in_market):
    in_market("cn")
    assert next_question(domain, before_experience()) == "investable_assets"
    answered = before_experience() | {"q_experience": "some", "investable_assets": 300_000.0,
                                      "household_income": 200_000.0}
    assert next_question(domain, answered) == "investment_knowledge"
    answered["investment_knowledge"] = "basic"
    assert next_question(domain, answered) == "income_stability"


def test_the_default_market_does_not_ask_the_situation(domain, in_market):
    in_market(None)
    # Rasa then asks the domain's next question: income stability.
    assert next_question(domain, before_experience()) is None
    form = domain["forms"][FORM]["required_slots"]
    assert not set(SITUATION_SLOTS) & set(form)
    assert form == onboarding_slots()


@pytest.mark.parametrize(("slot", "text", "value"), [
    ("investable_assets", "about 300k", 300_000),
    ("investable_assets", "2 million yuan", 2_000_000),
    ("investable_assets", "none", 0),
    ("investable_assets", "三十万左右", 300_000),
    ("household_income", "200k a year", 200_000),
    ("household_income", "15k a month", 180_000),
    ("household_income", "月入两万", 240_000),
    ("household_income", "家里一年四十万", 400_000),
    ("investment_knowledge", '/inform{"choice": "good"}', "good"),
    ("investment_knowledge", "I know the basics", "basic"),
    ("investment_knowledge", "I work at a bank", "extensive"),
    ("investment_knowledge", "complete beginner", "none"),
    ("investment_knowledge", "懂一点", "basic"),
    ("investment_knowledge", "我是学金融的", "extensive"),
    ("investment_knowledge", "比较了解：懂基金、分散投资和股票的风险", "good"),
])
def test_situation_answers_in_the_usual_forms(domain, in_market, slot, text, value):
    in_market("cn")
    language = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
    slots, messages = situation_answer(domain, slot, text, language)
    assert slots[slot] == (pytest.approx(value) if isinstance(value, int) else value)
    assert messages == []


def test_an_unreadable_knowledge_answer_is_asked_again_with_the_levels(domain, in_market):
    in_market("cn")
    slots, messages = situation_answer(domain, "investment_knowledge", "purple")
    assert slots["investment_knowledge"] is None
    assert said(messages, domain) == ["utter_invalid_investment_knowledge"]
    # The re-ask names the four levels, as the buttons do.
    [text] = response_texts("utter_invalid_investment_knowledge")
    assert all(level in text for level in ("little or nothing", "the basics", "extensive"))


def test_an_income_beyond_the_range_is_refused_with_its_cap(domain, in_market):
    in_market("cn")
    slots, messages = situation_answer(domain, "household_income", "500 billion a year")
    assert responses(messages) == ["utter_amount_out_of_range"]
    assert slots["household_income"] is None


def test_a_question_asked_at_a_situation_question_is_a_digression(domain, in_market):
    in_market("cn")
    slots, messages = situation_answer(domain, "investable_assets",
                                       "why do you need to know that?", intent="faq")
    # Handed to the rules, which answer it; the question stays open and unanswered.
    assert messages == [] and slots == {"investable_assets": None}


def test_the_default_market_reads_no_situation_answer(domain, in_market):
    in_market(None)
    slots, _ = situation_answer(domain, "investable_assets", "about 300k")
    assert "investable_assets" not in slots


def test_the_chat_profile_carries_the_situation_and_the_class_counts_it(in_market):
    in_market("cn")
    bare = profile_from(tracker(slots=ANSWERED))
    situated = profile_from(tracker(slots=ANSWERED | {
        "investable_assets": 600_000.0, "household_income": 350_000.0,
        "investment_knowledge": "good"}))
    assert (bare.investable_assets, bare.investment_knowledge) == (None, None)
    assert (situated.investable_assets, situated.household_income,
            situated.investment_knowledge) == (600_000.0, 350_000.0, "good")
    risk = assess(situated)
    before, after = class_points(bare, risk), class_points(situated, risk)
    assert before.missing == list(SITUATION_SLOTS) and after.missing == []
    # 500k-2m of assets, 300k-500k of income, good knowledge: 6 + 6 + 7 points (the table in
    # engine/data/suitability_cn.yml).
    assert after.total - before.total == pytest.approx(19)


def test_starting_again_forgets_the_situation_only_where_it_is_asked(in_market):
    from actions.onboarding import reset_events

    def cleared() -> set[str]:
        return {e["name"] for e in reset_events() if e.get("event") == "slot"}

    in_market("cn")
    assert set(SITUATION_SLOTS) <= cleared()
    in_market(None)
    assert not set(SITUATION_SLOTS) & cleared()
