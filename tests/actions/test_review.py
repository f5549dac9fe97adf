"""The portfolio review and the portfolio status in the greeting of growing and mature clients."""

from __future__ import annotations

import asyncio

import pytest
from action_harness import CLIENT, SIGNED_IN, add_client, rows, run, said, tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_variations

from actions.conversation import Greet, Handoff
from actions.review import PortfolioReview, trade_lines
from db.models import HandoffRequest, OfferRecord
from engine.rebalancing import RebalancePlan
from engine.wording import texts


def payload(messages: list[dict]) -> dict | None:
    found = [m["custom"] for m in messages if m.get("custom")]
    return found[0] if found else None


HALF_AND_HALF = {"us_equity": 0.5, "aggregate_bonds": 0.5}


def test_a_drifted_portfolio_gets_trades_in_money_and_the_band_explained(domain, database):
    add_client(database, holdings={"us_equity": 7_000.0, "aggregate_bonds": 3_000.0},
               target=HALF_AND_HALF)
    messages, slots = run(PortfolioReview(), tracker(intent="portfolio_review",
                                                     metadata=SIGNED_IN), domain)
    assert said(messages, domain) == ["utter_review_drifted", "utter_review_trades", None,
                                      "utter_review_ask_adviser"]
    drifted, trades = messages[0], messages[1]
    assert (drifted["total"], drifted["drift"], drifted["threshold"]) == ("10,000", "20.0%", "3.0%")
    assert drifted["as_of"] == "2026-11-20"
    # Equal deviations: either line may come first.
    assert sorted(drifted["lines"].split("\n")) == [
        "- US aggregate bonds: 30.0% held, target 50.0% (-20.0 points)",
        "- US equities: 70.0% held, target 50.0% (+20.0 points)",
    ]
    assert trades["sells"] == "- US equities: 2,000"
    assert trades["buys"] == "- US aggregate bonds: 2,000"
    assert payload(messages)["trades"] == {"us_equity": -2_000.0, "aggregate_bonds": 2_000.0}
    assert (slots["review_outcome"], slots["handoff_topic"]) == ("drifted", "rebalancing")


def test_a_portfolio_inside_the_band_needs_no_trades(domain, database):
    add_client(database, holdings={"us_equity": 5_100.0, "aggregate_bonds": 4_900.0},
               target=HALF_AND_HALF)
    messages, slots = run(PortfolioReview(), tracker(intent="portfolio_review",
                                                     metadata=SIGNED_IN), domain)
    assert said(messages, domain) == ["utter_review_in_band", None]
    assert (messages[0]["drift"], messages[0]["threshold"]) == ("1.0%", "3.0%")
    assert payload(messages)["trades"] == {} and payload(messages)["rebalance"] is False
    assert slots["review_outcome"] == "in_band"


def test_the_client_is_known_from_the_slot_on_later_turns(domain, database):
    add_client(database, holdings={"us_equity": 5_000.0, "aggregate_bonds": 5_000.0},
               target=HALF_AND_HALF)
    messages, _ = run(PortfolioReview(), tracker(slots={"client_id": CLIENT},
                                                 intent="portfolio_review"), domain)
    assert said(messages, domain)[0] == "utter_review_in_band"


@pytest.mark.parametrize(("holdings", "target", "response"), [
    (None, HALF_AND_HALF, "utter_review_no_holdings"),
    ({"cash": 1_000.0}, None, "utter_review_no_target"),
])
def test_a_client_without_holdings_or_target_is_offered_onboarding(domain, database, holdings,
                                                                   target, response):
    add_client(database, holdings=holdings, target=target)
    messages, slots = run(PortfolioReview(), tracker(intent="portfolio_review",
                                                     metadata=SIGNED_IN), domain)
    assert said(messages, domain) == [response]
    assert slots["review_outcome"] == "no_holdings"
    buttons = response_variations(response)[0]["buttons"]
    assert "/start_onboarding" in [b["payload"] for b in buttons]


def test_a_prospect_is_told_a_review_needs_a_signed_in_client(domain, database):
    add_client(database, holdings={"us_equity": 7_000.0}, target=HALF_AND_HALF)
    # A client id typed in the text is never trusted.
    messages, slots = run(PortfolioReview(), tracker(intent="portfolio_review",
                                                     text="review client 7"), domain)
    assert said(messages, domain) == ["utter_review_prospect"]
    assert slots["review_outcome"] == "no_client"


@pytest.mark.parametrize(("text", "language", "explained"), [
    ("how does rebalancing work?", "en", True),
    ("再平衡是什么意思", "zh", True),
    ("rebalance my portfolio", "en", False),  # a request, not a question about the idea
])
def test_a_prospect_asking_about_an_idea_gets_it_explained(domain, database, text, language,
                                                           explained):
    state = tracker(slots={"language": language}, intent="portfolio_review", text=text,
                    entities=[{"entity": "concept", "value": "rebalancing"}])
    events = asyncio.run(PortfolioReview().run(CollectingDispatcher(), state, domain))
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    assert followups == (["action_explain"] if explained else [])


def test_yes_to_the_trades_asks_an_adviser_without_answering_a_stage_offer(domain, database):
    add_client(database, holdings={"us_equity": 7_000.0, "aggregate_bonds": 3_000.0},
               target=HALF_AND_HALF, stage="decline")
    _, slots = run(PortfolioReview(), tracker(intent="portfolio_review", metadata=SIGNED_IN),
                   domain)
    state = {"lifecycle_stage": "decline", **slots}
    messages, _ = run(Handoff(), tracker(slots=state, intent="affirm", text="yes please"), domain)
    [handoff] = rows(database, HandoffRequest)
    assert (handoff.reason, handoff.client_id) == ("rebalancing", CLIENT)
    assert rows(database, OfferRecord) == []
    assert said(messages, domain) == ["utter_handoff"]


@pytest.mark.parametrize(("stage", "holdings", "status"), [
    ("growth", {"us_equity": 7_000.0, "aggregate_bonds": 3_000.0}, "utter_stage_portfolio_drifted"),
    ("mature", {"us_equity": 5_000.0, "aggregate_bonds": 5_000.0}, "utter_stage_portfolio_in_band"),
    ("growth", None, None),
])
def test_growing_and_mature_clients_hear_where_their_portfolio_stands(domain, database, stage,
                                                                      holdings, status):
    add_client(database, holdings=holdings, target=HALF_AND_HALF, stage=stage)
    messages, _ = run(Greet(), tracker(intent="greet", text="hi", metadata=SIGNED_IN), domain)
    expected = ["utter_greet_client", status, f"utter_stage_{stage}"]
    assert said(messages, domain) == [r for r in expected if r]


def test_a_chinese_client_s_review_is_written_in_chinese(domain, database):
    add_client(database, holdings={"us_equity": 1_400_000.0, "aggregate_bonds": 600_000.0},
               target=HALF_AND_HALF)
    messages, slots = run(PortfolioReview(), tracker(slots={"language": "zh"}, text="帮我看看持仓",
                                                     intent="portfolio_review",
                                                     metadata=SIGNED_IN), domain)
    assert said(messages, domain) == ["utter_review_drifted", "utter_review_trades", None,
                                      "utter_review_ask_adviser"]
    drifted, trades = messages[0], messages[1]
    # Amounts counted in 万 with the currency word of the Chinese money phrase.
    assert (drifted["total"], drifted["drift"], drifted["threshold"]) == (
        "200万元", "20.0%", "3.0%")
    assert sorted(drifted["lines"].split("\n")) == [
        "- 美国综合债券：持有30.0%，目标50.0%（-20.0个百分点）",
        "- 美国股票：持有70.0%，目标50.0%（+20.0个百分点）",
    ]
    assert (trades["sells"], trades["buys"]) == ("- 美国股票：40万元", "- 美国综合债券：40万元")
    # The payload the widget draws is the same in every language.
    assert payload(messages)["trades"] == {"us_equity": -400_000.0, "aggregate_bonds": 400_000.0}
    assert slots["review_outcome"] == "drifted"


def test_sales_alone_say_there_is_nothing_to_buy_in_the_client_s_language():
    plan = RebalancePlan(total_before=2_000_000.0, contribution=0.0, total_after=2_000_000.0,
                         threshold=0.03, drift_before=0.6, drift_after_contribution=0.6,
                         drift_after=0.0, rebalanced=True, trades={"cash": -1_234_567.0},
                         weights_before={"cash": 1.0}, weights_after={"cash": 0.4})
    assert trade_lines(plan, texts("en")) == ("- Cash: 1,234,567", "- none")
    assert trade_lines(plan, texts("zh")) == ("- 现金：123.46万元", "- 无")
