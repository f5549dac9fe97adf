import pandas as pd
import pytest
import yaml

from engine.lifecycle.offers import (
    OFFERS_FILE,
    Catalog,
    load_catalog,
    next_best_action,
    offer_phrase,
    offer_terms,
    offer_text,
)
from engine.wording import texts

AS_OF = pd.Timestamp("2025-06-30")


def clients(*rows) -> pd.DataFrame:
    """Rows of (client_id, stage, segment, aum, churn_risk, do_not_contact)."""
    frame = pd.DataFrame(rows, columns=["client_id", "stage", "segment", "aum", "churn_risk",
                                        "do_not_contact"])
    return frame.set_index("client_id")


def test_every_stage_has_offers_and_every_offer_has_english_text():
    catalog = load_catalog()
    for stage in ("prospect", "onboarding", "growth", "mature", "decline"):
        assert any(stage in o.stages for o in catalog.offers), stage
    assert offer_text("fee_waiver").startswith("We would like to waive")
    assert offer_text("fee_waiver", "fr") == offer_text("fee_waiver")  # English until translated
    assert offer_text("fee_waiver", "zh").startswith("我们希望为您免除")


def test_highest_net_value_wins_and_value_ordering_follows_client_value():
    result = next_best_action(clients(
        (1, "mature", "high_net_worth", 2_000_000.0, 0.1, False),
        (2, "mature", "retail", 2_000_000.0, 0.1, False),
    ), AS_OF)
    # HNW: 8% x 12,000 - 400 = 560 beats priority service (3% x 12,000 - 15 = 345).
    assert result.loc[1, "next_best_action"] == "dedicated_advisor"
    assert result.loc[1, "offer_value"] == 0.08 * 12_000 - 400
    # A retail client cannot have a dedicated advisor: 3% x 12,000 - 15 = 345 for the priority line.
    assert result.loc[2, "next_best_action"] == "priority_service"
    assert result.loc[1, "offer_value"] > result.loc[2, "offer_value"]
    assert "dedicated_advisor: uplift 8%" in result.loc[1, "offer_reason"]


def test_eligibility_by_stage_segment_and_churn_risk():
    result = next_best_action(clients(
        (1, "decline", "retail", 20_000.0, 0.5, False),
        (2, "decline", "retail", 50_000.0, 0.95, False),
        (3, "onboarding", "retail", 5_000.0, 0.2, False),
        (4, "prospect", "small_business", 0.0, 0.5, False),
        (5, "decline", "retail", 500_000.0, 0.5, False),
        (6, "decline", "high_net_worth", 500_000.0, 0.5, False),
    ), AS_OF)
    # Worth the floor, 150: 12% x 150 - (5 + 30 days of a 0.6 % fee on 20,000, 9.86) = 3.1; the
    # call-back (10% x 150 - 25) is not worth it.
    assert result.loc[1, "next_best_action"] == "fee_waiver"
    assert result.loc[1, "offer_value"] == 0.12 * 150 - (5 + 30 * 20_000 * 0.006 / 365.25)
    assert result.loc[1, "offer_reason"] == "fee_waiver: uplift 12% x value 150 - cost 15 = 3"
    assert result.loc[2, "next_best_action"] == "exit_survey"  # past saving: ask why
    # 500,000, value 3,000: 30 days of fees (246) make the waiver (109) worth less than the
    # call-back (10% x 3,000 - 25 = 275); for high net worth the premium service, 15% x 3,000 - 100.
    assert result.loc[5, "next_best_action"] == "advisor_callback"
    assert result.loc[6, "next_best_action"] == "premium_extension"
    assert result.loc[6, "offer_value"] == 0.15 * 3_000 - 100
    assert result.loc[3, "next_best_action"] == "first_experience_survey"  # no welcome call for retail
    assert result.loc[4, "next_best_action"] == "investing_guide"


def test_do_not_contact_suppresses_every_offer():
    result = next_best_action(clients((1, "decline", "high_net_worth", 5e6, 0.7, True)), AS_OF)
    assert pd.isna(result.loc[1, "next_best_action"])
    assert result.loc[1, "offer_reason"].startswith("do_not_contact")


def test_cooldown_skips_recent_offers_then_allows_them_again():
    frame = clients((1, "mature", "high_net_worth", 2_000_000.0, 0.1, False))
    recent = pd.DataFrame({"client_id": [1], "offer_id": ["dedicated_advisor"],
                           "timestamp": [AS_OF - pd.Timedelta(days=100)]})
    assert next_best_action(frame, AS_OF, recent).loc[1, "next_best_action"] == "priority_service"
    old = recent.assign(timestamp=AS_OF - pd.Timedelta(days=400))
    assert next_best_action(frame, AS_OF, old).loc[1, "next_best_action"] == "dedicated_advisor"
    every = pd.DataFrame({"client_id": 1, "offer_id": [o.id for o in load_catalog().offers],
                          "timestamp": AS_OF - pd.Timedelta(days=1)})
    result = next_best_action(frame, AS_OF, every)
    assert pd.isna(result.loc[1, "next_best_action"])
    assert result.loc[1, "offer_reason"] == "every eligible offer is in its cooldown"


def test_no_offer_when_no_net_value_is_positive():
    # A tiny retail growth account: 150 floor x 2% - 3 = 0 for the webinar, the rest negative.
    result = next_best_action(clients((1, "growth", "retail", 0.0, 0.2, False)), AS_OF)
    assert pd.isna(result.loc[1, "next_best_action"])
    assert result.loc[1, "offer_reason"] == "no eligible offer has a positive net value"


def test_retention_offers_state_their_terms():
    catalog = load_catalog()
    termed = {o.id: o.terms for o in catalog.offers if "decline" in o.stages}
    assert set(termed) == {"fee_waiver", "premium_extension", "advisor_callback", "exit_survey"}
    for offer_id, terms in termed.items():
        assert terms, offer_id  # every retention offer has concrete terms
        template = texts()(offer_phrase(offer_id))
        for name in terms:
            assert f"{{{name}}}" in template, (offer_id, name)
        assert offer_text(offer_id) == template.format(**offer_terms(offer_id))
        assert "{" not in offer_text(offer_id)
    assert "for the next 30 days" in offer_text("fee_waiver")
    assert "for 6 months" in offer_text("premium_extension")
    assert "within 2 working days, for about 30 minutes" in offer_text("advisor_callback")


def test_a_fee_waiver_must_state_the_days_it_waives():
    data = yaml.safe_load(OFFERS_FILE.read_text(encoding="utf-8"))
    waiver = next(o for o in data["offers"] if o["id"] == "fee_waiver")
    waiver["terms"] = {"days": 90}
    with pytest.raises(ValueError, match="fee_waiver: waives 30 days of fees"):
        Catalog.model_validate(data)
