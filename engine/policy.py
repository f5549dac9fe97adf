"""The allocation policy: from a risk score and a situation to the equity share and the bounds the
optimizer works within.

The equity share is set by rules a reviewer can read, then the optimizer chooses the mix inside each
group. The rules and where their figures come from:

* ``EQUITY_BY_SCORE``: equity share by risk score. The low end matches Schwab's Conservative profile
  (20 % stock); the top matches its Aggressive growth profile (88-94 %). Combined with the risk score,
  a moderate investor (willingness at the middle of the scale) saving for retirement follows
  Vanguard's target-date glide path: about 90 % equity 25 or more years before retirement (the curve
  is steep between scores 6 and 7.5 so that a moderate willingness with full capacity, a score of
  about 7.3, lands there), about 50 % at retirement, about 30 % seven years after (Vanguard Target
  Retirement funds, 2024-2025, see advice-anchors.md).
* ``EQUITY_CAP_BY_HORIZON``: money needed soon holds little equity whatever the answers. At two years
  or less, at most 20 %, reaching 0 % at the goal date, as Betterment's purchase-goal glide paths do;
  Schwab moves a horizon under about three years to short-term bonds and cash.
  For retirement and income goals the cap follows the average time to spending (see
  :func:`cap_horizon`).
* ``SHORT_MONEY_FLOOR_BY_HORIZON``: the share of cash and short-term bonds for money needed soon.
* ``EQUITY_CAP_BY_GOAL``: capital preservation and income goals keep equity modest.
* ``OUTLOOK_TILT``: a client's market view moves equity by at most ``MAX_OUTLOOK_TILT`` (disclosed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.profile import Goal, InvestorProfile, LiquidityNeeds, MarketOutlook

EQUITY_BY_SCORE = ((1.0, 0.10), (2.0, 0.20), (3.0, 0.30), (4.0, 0.42), (5.0, 0.54), (6.0, 0.66),
                   (6.5, 0.75), (7.0, 0.83), (7.5, 0.89), (8.0, 0.92), (9.0, 0.95), (10.0, 0.97))
EQUITY_CAP_BY_HORIZON = ((0.0, 0.0), (2.0, 0.20), (10.0, 1.0))
SHORT_MONEY_FLOOR_BY_HORIZON = ((0.0, 0.80), (2.0, 0.65), (5.0, 0.0))
EQUITY_CAP_BY_GOAL = {Goal.capital_preservation: 0.30, Goal.income: 0.60}
#: Goals spent over many years, whose horizon cap follows the average time to spending.
SPREAD_GOALS = frozenset({Goal.retirement, Goal.income})
MAX_OUTLOOK_TILT = 0.05
OUTLOOK_TILT = {MarketOutlook.bearish: -0.03, MarketOutlook.neutral: 0.0, MarketOutlook.bullish: 0.03}
CASH_FLOOR = {LiquidityNeeds.low: 0.01, LiquidityNeeds.medium: 0.05, LiquidityNeeds.high: 0.10}

#: Shares of the equity sleeve: home bias towards US shares, with developed and emerging markets
#: for diversification (bounds, the optimizer chooses inside them).
EQUITY_SLEEVE = {
    "us_equity": (0.45, 0.70),
    "intl_developed_equity": (0.20, 0.40),
    "emerging_equity": (0.05, 0.15),
}
#: Absolute upper bounds on single classes outside equity, to keep the mix diversified.
CLASS_CAPS = {
    "intl_bonds_hedged": 0.20,
    "inflation_linked_bonds": 0.15,
    "high_yield_bonds": 0.08,
    "real_estate": 0.08,
    "gold_commodities": 0.05,
}
#: Equity-like classes outside equity are held only alongside equity, up to this multiple of it.
EQUITY_LIKE_PER_EQUITY = {"high_yield_bonds": 0.15, "real_estate": 0.12, "gold_commodities": 0.08}


def _interp(x: float, points: tuple[tuple[float, float], ...]) -> float:
    xs, ys = zip(*points, strict=True)
    return float(np.interp(x, xs, ys))


def equity_for_score(score: float) -> float:
    """Equity share of the policy for a risk score, before horizon and goal limits."""
    return _interp(score, EQUITY_BY_SCORE)


def cap_horizon(profile: InvestorProfile) -> float:
    """Years that set the horizon cap and the short-money floor.

    Retirement and income savings are drawn over decades, so the cap follows the average time to
    spending (target-date funds still hold about half in equity at the retirement date). Other
    goals pay on fixed dates that cannot wait for markets to recover (a home, tuition), so the
    cap follows the time to the first payment.
    """
    if profile.goal in SPREAD_GOALS:
        return profile.effective_horizon
    return profile.horizon


def _capped_equity(
    equity: float, horizon_cap: float, goal_cap: float, cash_floor: float
) -> tuple[float, list[str]]:
    """Equity share after the horizon and goal caps, and which caps bound."""
    equity = float(np.clip(equity, 0.0, 1.0))
    binding = []
    if equity > horizon_cap:
        equity, binding = horizon_cap, [*binding, "horizon_cap"]
    if equity > goal_cap:
        equity, binding = goal_cap, [*binding, "goal_cap"]
    return min(equity, 1.0 - cash_floor), binding


@dataclass
class PolicyTargets:
    """What the rules decided, and why, for the explanation and the suitability record."""

    equity: float
    equity_for_score: float
    horizon_cap: float
    goal_cap: float
    outlook_tilt: float  # change in the equity share the market view made, after the caps
    cash_floor: float
    short_money_floor: float
    binding: list[str] = field(default_factory=list)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    group_bounds: dict[str, tuple[list[str], float, float]] = field(default_factory=dict)


def targets(profile: InvestorProfile, score: float, groups: dict[str, list[str]]) -> PolicyTargets:
    """Equity share and optimizer bounds for a profile with a given risk score.

    Parameters
    ----------
    profile : InvestorProfile
    score : float
        Risk score, 1-10.
    groups : dict
        Asset classes of each group ("equity", "bonds", "cash", "alternatives").
    """
    base = equity_for_score(score)
    tilt = OUTLOOK_TILT[profile.market_outlook] if profile.market_outlook else 0.0
    tilt = float(np.clip(tilt, -MAX_OUTLOOK_TILT, MAX_OUTLOOK_TILT))
    years = cap_horizon(profile)
    horizon_cap = _interp(years, EQUITY_CAP_BY_HORIZON)
    goal_cap = EQUITY_CAP_BY_GOAL.get(profile.goal, 1.0)
    cash_floor = CASH_FLOOR[profile.liquidity_needs]
    short_floor = _interp(years, SHORT_MONEY_FLOOR_BY_HORIZON)

    equity, binding = _capped_equity(base + tilt, horizon_cap, goal_cap, cash_floor)
    # Record the tilt that survives the caps: a bullish view cannot lift equity above a cap, and
    # the disclosure must state the change the view actually made.
    tilt = equity - _capped_equity(base, horizon_cap, goal_cap, cash_floor)[0]

    bounds: dict[str, tuple[float, float]] = {}
    for name, (lo, hi) in EQUITY_SLEEVE.items():
        bounds[name] = (lo * equity, hi * equity)
    for name, cap in CLASS_CAPS.items():
        cap = min(cap, EQUITY_LIKE_PER_EQUITY.get(name, np.inf) * equity)
        bounds[name] = (0.0, cap)
    group_bounds = {
        "equity": (groups["equity"], equity, equity),
        "cash": (groups["cash"], cash_floor, 1.0),
    }
    if short_floor > 0:
        short_money = groups["cash"] + ["short_term_bonds"]
        group_bounds["short_money"] = (short_money, max(short_floor, cash_floor), 1.0)
    return PolicyTargets(
        equity=equity, equity_for_score=base, horizon_cap=horizon_cap, goal_cap=goal_cap,
        outlook_tilt=tilt, cash_floor=cash_floor, short_money_floor=short_floor,
        binding=binding, bounds=bounds, group_bounds=group_bounds,
    )
