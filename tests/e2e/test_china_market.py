"""The China market as ``MARKET=cn make run`` serves it, through the real servers (the web app's
``POST /api/chat``, the Rasa server on the product's model, the action server, one database):

* an onboarding in Chinese or in English also asks the situation the investor class scores
  (investable assets, household income, investment knowledge), read from the client's own words,
  and ends in a recommendation in yuan whose payload carries the client's class, the mix's grade
  and their match, kept beside its suitability record;
* more risk beyond the client's class gets the special risk warning and no mix; the warning's
  button confirms it, and only then is the mix shown, its record naming the warning and the
  confirmation;
* the algorithm statement is served, with the China market's assumptions.
"""

from __future__ import annotations

import os
import re
from unittest import mock

import pytest
from sqlalchemy import select
from support.responses import matches_reply, response_names, response_texts

from actions.profile_slots import profile_inputs
from db.market_suitability import MarketSuitabilityRecord
from db.models import SuitabilityRecord
from db.session import make_engine, session_scope
from engine.assumptions import load_assumptions
from engine.profile import InvestorProfile
from engine.risk import assess
from engine.suitability.classes import classify
from engine.suitability.what_if import Outcome, more_risk
from engine.wording import render, texts
from harness.advisor import ONBOARDING, ONBOARDING_ZH
from harness.system import conversation_id, running_system, say

pytestmark = pytest.mark.slow


def messages(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def payload(reply: list[dict]) -> dict:
    [found] = [m["custom"] for m in reply if m.get("custom")]
    return found


@pytest.fixture(scope="module")
def system(trained_model, tmp_path_factory):
    with mock.patch.dict(os.environ, {"MARKET": "cn"}), running_system(
            tmp_path_factory.mktemp("china-market")) as running:
        yield running


#: Each language's answers to the situation questions, before the last question, and the values
#: they give: 600k of assets, a household's 30k a month (360k a year), the basics.
SITUATION = {"zh": ["六十万左右", "两口子一个月加起来三万", "懂一点"],
             "en": ["around 600k", "my wife and I make about 30k a month together",
                    "I know the basics"]}
SITUATION_VALUES = (600_000, 360_000, "basic")


def with_situation(onboarding: list[str], language: str) -> list[str]:
    return [*onboarding[:-1], *SITUATION[language], onboarding[-1]]


#: Each language's onboarding, and its words for more risk.
LANGUAGES = {"zh": (with_situation(ONBOARDING_ZH, "zh"), "要是我愿意冒更大的风险呢"),
             "en": (with_situation(ONBOARDING, "en"), "what if I take more risk")}


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def onboarded(system, request):
    """A prospect's onboarding in one language: the visitor, the conversation, the replies
    and the language."""
    visitor = system.browser()
    replies = [messages(say(visitor, text)) for text in LANGUAGES[request.param][0]]
    return visitor, conversation_id(system, visitor), replies, request.param


def kept(system, sender) -> list[tuple[SuitabilityRecord, MarketSuitabilityRecord]]:
    engine = make_engine(system.database_url)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(SuitabilityRecord, MarketSuitabilityRecord)
                .join(MarketSuitabilityRecord,
                      MarketSuitabilityRecord.recommendation_id == SuitabilityRecord.id)
                .where(SuitabilityRecord.conversation_id == sender)
                .order_by(SuitabilityRecord.id)).all()
            session.expunge_all()
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def test_the_situation_is_asked_and_read_from_the_clients_words(system, onboarded):
    _, sender, replies, language = onboarded
    # The answer to the experience question is followed by the three situation questions, each
    # answer by the next question, and the last by the income question.
    asked = len(ONBOARDING) - 2
    assert [response_names(reply, language) for reply in replies[asked:asked + 4]] == [
        ["utter_ask_investable_assets"], ["utter_ask_household_income"],
        ["utter_ask_investment_knowledge"], ["utter_ask_income_stability"]]
    profile = InvestorProfile.model_validate(profile_inputs(system.tracker(sender)["slots"]))
    assert (profile.investable_assets, profile.household_income,
            profile.investment_knowledge) == SITUATION_VALUES
    # The class counts them: 6 + 6 + 3 points (engine/data/suitability_cn.yml).
    points = classify(profile, assess(profile)).points
    assert (points.investable_assets, points.household_income,
            points.investment_knowledge) == (6, 6, 3)


def test_a_chinese_onboarding_is_advised_in_yuan_with_class_grade_and_match(system, onboarded):
    _, sender, replies, language = onboarded
    final = replies[-1]
    data = payload(final)
    assert set(data["weights"]) <= set(load_assumptions(market="cn").classes.index)
    # Amounts in yuan, as each language writes them ("20万元", "CNY 200,000").
    yuan = r"\d(?:\.\d+)?万元" if language == "zh" else r"CNY \d{1,3}(?:,\d{3})+"
    assert any(re.search(yuan, m.get("text") or "") for m in final)
    suitability = data["suitability"]
    assert (suitability["market"], suitability["matched"]) == ("cn", True)
    profile = InvestorProfile.model_validate(profile_inputs(system.tracker(sender)["slots"]))
    assert suitability["investor_class"] == classify(profile, assess(profile)).investor_class == "C4"
    assert data["history"] is None
    [(record, market_record)] = kept(system, sender)
    assert record.weights == data["weights"]
    assert (market_record.investor_class, market_record.portfolio_grade,
            market_record.matched, market_record.after_warning) == (
        "C4", suitability["portfolio_grade"], True, False)


def test_more_risk_beyond_the_class_is_shown_only_after_the_warning_is_confirmed(system,
                                                                                onboarded):
    visitor, sender, _, language = onboarded
    profile = InvestorProfile.model_validate(profile_inputs(system.tracker(sender)["slots"]))
    decided = more_risk(profile, language=language)
    assert decided.outcome == Outcome.confirmation_required
    warned = messages(say(visitor, LANGUAGES[language][1]))
    assert matches_reply(warned, "utter_suitability_beyond_class", language=language,
                         warning=render(decided.warning, decided.message_params,
                                        texts(language))), warned
    assert not any(m.get("custom") for m in warned)
    assert len(kept(system, sender)) == 1
    # The warning's first button.
    [button, _person] = next(m["buttons"] for m in warned if m.get("buttons"))
    assert button["payload"] == "/confirm_risk_warning"
    confirmed = messages(say(visitor, button["payload"]))
    assert confirmed[0]["text"] == response_texts("utter_risk_warning_confirmed", language)[0]
    shown = payload(confirmed)["suitability"]
    assert (shown["matched"], shown["portfolio_grade"]) == (False, decided.requested_grade)
    (_, first), (record, after) = kept(system, sender)
    assert record.trigger == "what_if:more_risk_confirmed"
    assert after.after_warning and after.warnings_shown and after.confirmations
    assert not first.after_warning
    # A second confirmation has no warning to confirm.
    again = messages(say(visitor, button["payload"]))
    assert response_names(again, language) == ["utter_risk_warning_nothing_to_confirm"]


def test_the_algorithm_statement_shows_the_china_market(system):
    for language in LANGUAGES:
        page = system.browser().get("/algorithm", headers={"Cookie": f"lang={language}"})
        assert page.status_code == 200
        assert 'data-asset-class="cn_a_shares"' in page.text
