"""The share of a mix an idea stands for: a group, some classes in either market, or nothing."""

import pytest

from engine.assumptions import MARKETS, load_assumptions
from engine.holdings import CLASSES_OF, GROUP_OF, share_of

WEIGHTS = {"us_equity": 0.3, "emerging_equity": 0.05, "aggregate_bonds": 0.5,
           "gold_commodities": 0.04, "cash": 0.11}
GROUPS = {"equity": 0.35, "bonds": 0.5, "cash": 0.11, "alternatives": 0.04}
OFFERED = frozenset(load_assumptions().labels)


@pytest.mark.parametrize(("concept", "share"), [
    ("stocks", 0.35), ("bonds", 0.5), ("cash", 0.11), ("alternatives", 0.04),
    ("gold_commodities", 0.04), ("emerging_markets", 0.05),
    ("real_estate", 0.0),  # offered, not held
])
def test_a_holding_s_share_is_its_group_or_its_classes(concept, share):
    assert share_of(concept, WEIGHTS, GROUPS, OFFERED) == pytest.approx(share)


def test_ideas_that_are_no_holding_or_not_offered_have_no_share():
    assert share_of("diversification", WEIGHTS, GROUPS, OFFERED) is None
    china = frozenset(load_assumptions(market="cn").labels)
    assert share_of("emerging_markets", {}, GROUPS, china) is None
    assert share_of("gold_commodities", {"gold_cny": 0.05}, GROUPS, china) == 0.05
    assert share_of("real_estate", {"c_reits": 0.02}, GROUPS, china) == 0.02


@pytest.mark.parametrize("market", MARKETS)
def test_every_group_and_class_named_is_one_of_a_market_s(market):
    assumptions = load_assumptions(market=market)
    groups = set(assumptions.classes["group"])
    assert set(GROUP_OF.values()) <= groups
    # Each class an idea names is in some market's assumptions.
    every = set().union(*(load_assumptions(market=m).labels for m in MARKETS))
    assert set().union(*CLASSES_OF.values()) <= every
