"""The reasons a leaving client may give and the retention offer that answers each."""

import pandas as pd
import pytest
import yaml
from support.retention import BEST_OFFERS

from engine.lifecycle.leaving import (
    UNSCORED_CHURN_RISK,
    leaving_reasons,
    offers_for_reason,
    reason_key,
    retention_offer,
)
from engine.lifecycle.offers import OFFERS_FILE, Catalog, load_catalog

NOW = pd.Timestamp("2026-06-30")


def offer(reason, *, segment="retail", aum=200_000.0, churn_risk=0.4, do_not_contact=False,
          offered=(), catalog=None):
    history = pd.DataFrame({"client_id": [7] * len(offered), "offer_id": list(offered),
                            "timestamp": [NOW - pd.Timedelta(days=10)] * len(offered)})
    return retention_offer(7, reason, segment=segment, aum=aum, do_not_contact=do_not_contact,
                           churn_risk=churn_risk, history=history, as_of=NOW, catalog=catalog)


def test_the_reasons_are_the_catalogs_with_other_last():
    assert leaving_reasons() == ("fees", "performance", "service", "need_money", "moving", "other")


def test_other_comes_last_wherever_the_catalog_lists_it():
    data = yaml.safe_load(OFFERS_FILE.read_text(encoding="utf-8"))
    data["leaving_reasons"] = {"other": ["advisor_callback"], "fees": ["fee_waiver"]}
    assert leaving_reasons(Catalog.model_validate(data)) == ("fees", "other")


def test_a_reason_not_listed_counts_as_other():
    assert reason_key("fees") == "fees"
    assert reason_key("other: my partner manages our savings now") == "other"
    assert reason_key(None) == "other"
    assert offers_for_reason("too many emails") == offers_for_reason("other")


def test_each_reason_is_answered_by_its_own_offers():
    assert offers_for_reason("fees") == ("fee_waiver", "premium_extension")
    assert offers_for_reason("need_money") == ("advisor_callback",)  # a waiver does not pay bills


def test_every_offer_for_a_reason_can_be_made_to_a_declining_client():
    catalog = load_catalog()
    stages = {o.id: o.stages for o in catalog.offers}
    for reason in leaving_reasons():
        for offer_id in offers_for_reason(reason):
            assert "decline" in stages[offer_id], (reason, offer_id)


@BEST_OFFERS
def test_the_best_fitting_offer_is_made(client, reason, best):
    assert offer(reason, **client) == best


def test_no_offer_to_a_client_who_may_not_be_contacted():
    assert offer("fees", do_not_contact=True) is None


def test_no_retention_offer_when_the_client_is_past_saving():
    # From 0.7 churn risk the retention offers stop; the catalog's exit survey is no answer to a
    # reason for leaving.
    assert offer("fees", churn_risk=0.95) is None


def test_an_offer_not_worth_its_cost_is_not_made():
    # A retail client with nothing invested is worth the segment floor, 150 a year: the call-back
    # (10% x 150 - 25 < 0) is not worth making.
    assert offer("need_money", aum=0.0) is None


def test_a_client_never_scored_is_taken_as_even_odds_of_leaving():
    assert UNSCORED_CHURN_RISK == 0.5
    data = yaml.safe_load(OFFERS_FILE.read_text(encoding="utf-8"))
    for item in data["offers"]:
        if item["id"] == "fee_waiver":
            item["min_churn_risk"] = 0.55  # above even odds: a client never scored gets no waiver
    catalog = Catalog.model_validate(data)
    assert offer("fees", churn_risk=None, catalog=catalog) is None
    assert offer("fees", churn_risk=0.6, catalog=catalog) == "fee_waiver"


def test_the_catalog_refuses_a_reason_answered_by_an_unknown_offer():
    data = yaml.safe_load(OFFERS_FILE.read_text(encoding="utf-8"))
    data["leaving_reasons"]["fees"] = ["fee_waiver", "free_lunch"]
    with pytest.raises(ValueError, match="leaving reason fees: unknown offer.s. free_lunch"):
        Catalog.model_validate(data)


def test_the_catalog_needs_offers_for_any_other_reason():
    data = yaml.safe_load(OFFERS_FILE.read_text(encoding="utf-8"))
    del data["leaving_reasons"]["other"]
    with pytest.raises(ValueError, match="no offers for the reason 'other'"):
        Catalog.model_validate(data)
