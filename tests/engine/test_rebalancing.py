"""Drift and rebalancing trades, new money first."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.assumptions import load_assumptions
from engine.rebalancing import drift, rebalance

TARGET = {"us_equity": 0.6, "aggregate_bonds": 0.4}


def test_drift_is_half_the_sum_of_absolute_deviations():
    assert drift({"us_equity": 0.7, "aggregate_bonds": 0.3}, TARGET) == pytest.approx(0.1)
    assert drift({"us_equity": 0.6, "aggregate_bonds": 0.3, "cash": 0.1}, TARGET) == pytest.approx(0.1)
    assert drift(TARGET, TARGET) == 0


def test_small_drift_is_left_alone():
    plan = rebalance({"us_equity": 61, "aggregate_bonds": 39}, TARGET)
    assert plan.drift_before == pytest.approx(0.01)
    assert not plan.rebalanced
    assert plan.trades == {}


def test_drift_above_the_threshold_restores_the_target():
    plan = rebalance({"us_equity": 70, "aggregate_bonds": 30}, TARGET)
    assert plan.rebalanced
    assert plan.trades == {"us_equity": -10.0, "aggregate_bonds": 10.0}
    assert plan.weights_after == pytest.approx(TARGET)
    assert plan.drift_after == 0


def test_a_contribution_that_brings_drift_under_the_threshold_avoids_selling():
    plan = rebalance({"us_equity": 70, "aggregate_bonds": 30}, TARGET, contribution=15)
    assert plan.drift_before == pytest.approx(0.1)
    assert not plan.rebalanced
    assert plan.trades == {"aggregate_bonds": 15.0}  # all new money to the underweight class
    assert plan.drift_after == pytest.approx(abs(70 / 115 - 0.6), abs=1e-6)


def test_contributions_are_split_in_proportion_to_the_shortfalls():
    plan = rebalance({"us_equity": 64, "aggregate_bonds": 36}, TARGET, contribution=10)
    assert plan.trades == {"us_equity": 2.0, "aggregate_bonds": 8.0}
    assert plan.drift_after == 0


def test_a_small_contribution_goes_first_and_sales_cover_only_the_rest():
    plan = rebalance({"us_equity": 80, "aggregate_bonds": 20}, TARGET, contribution=10)
    assert plan.rebalanced
    assert plan.trades == {"us_equity": -14.0, "aggregate_bonds": 24.0}
    assert plan.total_after == 110


def test_threshold_is_configurable():
    holdings = {"us_equity": 62, "aggregate_bonds": 38}
    assert not rebalance(holdings, TARGET).rebalanced
    assert rebalance(holdings, TARGET, threshold=0.01).rebalanced


def test_a_first_deposit_is_invested_by_the_targets():
    plan = rebalance({}, TARGET, contribution=1000)
    assert plan.trades == {"us_equity": 600.0, "aggregate_bonds": 400.0}


@pytest.mark.parametrize(
    ("holdings", "targets", "kwargs", "message"),
    [({"us_equity": -5}, TARGET, {}, r"holdings\['us_equity'\] must be 0 or more"),
     ({"us_equity": math.nan}, TARGET, {}, "must be a finite number"),
     ({"bitcoin": 5}, TARGET, {"asset_classes": ["us_equity", "aggregate_bonds"]},
      "unknown asset class 'bitcoin'"),
     ({"us_equity": 5}, {"us_equity": 0.6, "aggregate_bonds": 0.3}, {}, "targets must sum to 1, got 0.9000"),
     ({"us_equity": 5}, {"us_equity": 1.5, "aggregate_bonds": -0.5}, {}, "must be 0 or more"),
     ({"us_equity": 5}, TARGET, {"threshold": 0}, "threshold must be between 0 and 1"),
     ({"us_equity": 5}, TARGET, {"contribution": -1}, "contribution must be 0 or more"),
     ({}, TARGET, {}, "nothing to rebalance")],
)
def test_bad_input_is_refused_with_the_reason(holdings, targets, kwargs, message):
    with pytest.raises(ValueError, match=message):
        rebalance(holdings, targets, **kwargs)


CLASSES = load_assumptions().labels[:5]
amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def portfolios(draw):
    raw = [draw(st.integers(0, 100)) for _ in CLASSES]
    if sum(raw) == 0:
        raw[0] = 1
    targets = {name: value / sum(raw) for name, value in zip(CLASSES, raw, strict=True)}
    if draw(st.booleans()):
        holdings = {name: draw(amounts) for name in CLASSES}
    else:  # near the targets, so that the drift is often within the threshold
        scale = draw(st.floats(min_value=1, max_value=1e6))
        holdings = {name: targets[name] * scale * (1 + draw(st.floats(-0.05, 0.05)))
                    for name in CLASSES}
    return holdings, targets, draw(amounts)


@settings(max_examples=150, deadline=None)
@given(portfolios())
def test_trades_invest_exactly_the_new_money_and_never_sell_underweights(case):
    holdings, targets, contribution = case
    total = sum(holdings.values()) + contribution
    if total == 0:
        with pytest.raises(ValueError, match="nothing to rebalance"):
            rebalance(holdings, targets, contribution=contribution)
        return
    plan = rebalance(holdings, targets, contribution=contribution)
    # Trades are rounded to cents and those under a cent dropped.
    assert sum(plan.trades.values()) == pytest.approx(contribution, abs=0.01 * len(CLASSES))
    for name, amount in plan.trades.items():
        if amount < 0:  # only classes above their target are sold, and only when rebalancing
            assert plan.rebalanced and holdings[name] > targets[name] * total
        else:  # only classes below their target are bought
            assert holdings[name] < targets[name] * total
    assert plan.drift_after <= max(plan.threshold, plan.drift_before) + 1e-9
    if plan.rebalanced:
        assert plan.drift_after == pytest.approx(0, abs=1e-6)
    else:  # the new money alone brought the drift within the threshold
        assert plan.drift_after == plan.drift_after_contribution <= plan.threshold
