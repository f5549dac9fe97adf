"""In the China market a signed-in client is asked to re-assess before the review recommends
anything new: when their latest assessment is more than 12 months old, or when what they said in
this conversation changes its situation. In the default market the review goes on as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from action_harness import SIGNED_IN, add_client, run, said, tracker
from support.responses import response_variations

from actions.profile_slots import profile_from
from actions.review import PortfolioReview
from db.clock import utcnow
from engine.questionnaire import middle_answers
from engine.wording import render, texts

HALF_AND_HALF = {"cn_a_shares": 0.5, "cn_government_bonds": 0.5}
HOLDINGS = {"cn_a_shares": 70_000.0, "cn_government_bonds": 30_000.0}
ANSWERS = {f"q_{q}": option for q, option in middle_answers().items()}
PROFILE = {
    "age": 40, "goal": "retirement", "horizon_years": 20.0, "initial_amount": 100_000.0,
    "monthly_contribution": 2_000.0, "target_amount": 1_000_000.0, "income_stability": "stable",
    **ANSWERS,
}




def review(domain, slots=None, language="en"):
    return run(PortfolioReview(), tracker(slots={"language": language, **(slots or {})},
                                          intent="portfolio_review", metadata=SIGNED_IN), domain)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_assessment_older_than_twelve_months_is_made_again_first(language, in_market, domain,
                                                                     database):
    in_market("cn")
    assessed_at = utcnow() - timedelta(days=400)
    add_client(database, holdings=HOLDINGS, target=HALF_AND_HALF, assessed_at=assessed_at)
    messages, slots = review(domain, language=language)
    assert said(messages, domain) == ["utter_reassessment_due"]
    assert messages[0]["reason"] == render(
        "reassessment_expired", {"assessed_on": assessed_at.date().isoformat()}, texts(language))
    assert not any(m.get("custom") for m in messages)  # no trades proposed
    assert (slots["review_outcome"], slots["last_offer"]) == ("reassess", "onboarding")
    [due] = response_variations("utter_reassessment_due", language)
    assert due["buttons"][0]["payload"] == "/start_onboarding"


def test_a_recent_assessment_is_reviewed_as_before(in_market, domain, database):
    in_market("cn")
    add_client(database, holdings=HOLDINGS, target=HALF_AND_HALF,
               assessed_at=utcnow() - timedelta(days=300))
    messages, slots = review(domain)
    assert said(messages, domain)[0] == "utter_review_drifted"
    assert slots["review_outcome"] == "drifted"


def test_a_changed_situation_is_assessed_again_first(in_market, domain, database):
    in_market("cn")
    assessed = profile_from(tracker(slots=PROFILE))
    assessed_at = utcnow() - timedelta(days=30)
    add_client(database, holdings=HOLDINGS, target=HALF_AND_HALF, assessed_at=assessed_at,
               inputs=assessed.model_dump(mode="json"))
    # The same situation: the review goes on.
    messages, _ = review(domain, slots=PROFILE)
    assert said(messages, domain)[0] == "utter_review_drifted"
    # Income no longer stable: assessed again first.
    messages, slots = review(domain, slots={**PROFILE, "income_stability": "unstable"})
    assert said(messages, domain) == ["utter_reassessment_due"]
    assert messages[0]["reason"] == render(
        "reassessment_changed", {"assessed_on": assessed_at.date().isoformat()}, texts("en"))
    assert slots["review_outcome"] == "reassess"


def test_the_default_market_reviews_an_old_assessment_as_before(in_market, domain, database):
    in_market(None)
    add_client(database, holdings={"us_equity": 7_000.0, "aggregate_bonds": 3_000.0},
               target={"us_equity": 0.5, "aggregate_bonds": 0.5},
               assessed_at=utcnow() - timedelta(days=800))
    messages, slots = review(domain)
    assert said(messages, domain)[0] == "utter_review_drifted"
