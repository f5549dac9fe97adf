"""The allocation policy: from a risk score and a situation to the equity share and the bounds the
optimizer works within.

The equity share is set by rules a reviewer can read, then the optimizer chooses the mix inside each
group. The rules and where their figures come from (advice-anchors.md):

* ``EQUITY_BY_SCORE``: equity share by risk score, on Schwab Intelligent Portfolios' model profiles
  (schwab.com, 30 Sep 2024): a score of 2.5, the highest the most cautious answers can reach
  (engine/risk.py), gives its Conservative profile's 20 % stock; 3.5 its Moderately conservative
  29-37 %; 4.5 its Moderate 42-50 %; 6.5 its Moderate growth 58-66 %; 7.5 its Growth 72-81 %; 10
  its Aggressive growth 88-94 % (6.0 at 56 % keeps the curve gentle where a moderate investor ten
  years from retirement scores). With the risk score, the middle answers of every question (a
  moderate investor) saving for retirement at 65 hold about 70 % equity 25 or more years before
  retirement, about 60 % ten years before, about 50 % at retirement and about 30 % seven years after:
  below Vanguard's target-date glide path early on (about 90 % until 25 years before retirement,
  69 % ten years before, for an investor of any risk tolerance), at it from the retirement date
  (about 50 %, about 30 % seven years after; Vanguard Target Retirement funds, 2024-2025).
* ``EQUITY_CAP_BY_HORIZON``: money needed soon holds little equity whatever the answers. At two years
  or less, at most 20 %, reaching 0 % at the goal date, as Betterment's purchase-goal glide paths do;
  Schwab moves a horizon under about three years to short-term bonds and cash.
  For retirement and income goals the cap follows the average time to spending (see
  :func:`cap_horizon`).
* ``SHORT_MONEY_FLOOR_BY_HORIZON``: the share of cash and short-term bonds for money needed soon.
* ``EQUITY_CAP_BY_GOAL``: capital preservation and income goals keep equity modest.
* ``OUTLOOK_TILT``: a client's market view moves equity by at most ``MAX_OUTLOOK_TILT`` (disclosed).
* The stated loss tolerance caps equity after all of these (:func:`cap_equity`, with the cap found
  by engine/loss_limit.py): the mix's 1-in-20 bad year may not be worse than the largest one-year
  fall the client said they could accept.

The class-level bounds (the equity sleeve, the caps on single classes, the classes that count as
money needed soon) are written for one market's asset classes: :class:`AllocationRules` holds them,
``US_RULES`` for the default assumptions; other markets bring their own (engine/suitability/), and
may also exclude classes and cap the share of risk assets (the suitability limit of a market whose
rules grade products and investors).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from pydantic import BaseModel

from engine.profile import Goal, InvestorProfile, LiquidityNeeds, MarketOutlook
from engine.questionnaire import questionnaire

EQUITY_BY_SCORE = ((1.0, 0.10), (2.5, 0.20), (3.5, 0.35), (4.5, 0.49), (6.0, 0.56), (6.5, 0.60),
                   (7.5, 0.72), (8.5, 0.81), (9.0, 0.88), (10.0, 0.94))
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


@dataclass(frozen=True)
class AllocationRules:
    """The class-level bounds of one market's asset classes (fractions of the portfolio).

    ``equity_sleeve``: bounds of each equity class as shares of the equity share; ``class_caps``:
    absolute upper bounds of single classes outside equity; ``equity_like_per_equity``: classes held
    only alongside equity, up to this multiple of it; ``short_money``: classes beside the cash group
    that count as money needed soon; ``excluded``: classes the mix may not hold at all;
    ``risk_assets`` and ``risk_asset_cap``: classes whose total may not exceed the cap (None: no cap).
    """

    equity_sleeve: dict[str, tuple[float, float]]
    class_caps: dict[str, float]
    equity_like_per_equity: dict[str, float]
    short_money: tuple[str, ...]
    excluded: frozenset[str] = frozenset()
    risk_assets: tuple[str, ...] = ()
    risk_asset_cap: float | None = None


#: The rules of the default assumptions (US dollar asset classes).
US_RULES = AllocationRules(EQUITY_SLEEVE, CLASS_CAPS, EQUITY_LIKE_PER_EQUITY, ("short_term_bonds",))
#: The rules of the China market's classes (engine/data/capital_market_assumptions_cn.yml), a
#: house rule in the spirit of the US one: a home bias towards A-shares, with Hong Kong shares and
#: global shares (through QDII funds, whose quotas are limited) for diversification; credit bonds at
#: most 40 % to spread issuer risk; gold and C-REITs small and only beside equity, as real estate and
#: gold are in the US rules (the REIT market opened in 2021 and is thin). Money-market funds are the
#: money needed soon. The suitability limit of the client's class is added to these
#: (engine/suitability/grades.py).
CN_RULES = AllocationRules(
    equity_sleeve={"cn_a_shares": (0.40, 0.70), "hk_equity": (0.10, 0.30),
                   "global_equity_qdii": (0.10, 0.35)},
    class_caps={"cn_credit_bonds": 0.40, "gold_cny": 0.05, "c_reits": 0.05},
    equity_like_per_equity={"gold_cny": 0.08, "c_reits": 0.12},
    short_money=(),
)
#: The code of the suitability limit in a policy's ``binding`` list: the client's class capped the
#: share of risk assets, and so the equity share.
SUITABILITY_CAP = "suitability_cap"


#: An equity share this close to a cap counts as held by it.
CAP_TOLERANCE = 1e-9


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
    """Equity share after the horizon and goal caps, and which caps bound (held equity down or
    hold it exactly at the cap)."""
    equity = float(np.clip(equity, 0.0, 1.0))
    binding = []
    if equity >= horizon_cap - CAP_TOLERANCE:
        equity, binding = horizon_cap, [*binding, "horizon_cap"]
    if equity >= goal_cap - CAP_TOLERANCE:
        equity, binding = goal_cap, [*binding, "goal_cap"]
    return min(equity, 1.0 - cash_floor), binding


class BindingConstraint(BaseModel):
    """A limit that bound the equity share (held it at or below what the risk score asked for),
    with its figures (fractions of the portfolio): ``horizon_cap`` (cap, short_money), ``goal_cap`` (cap),
    ``loss_limit`` and ``loss_limit_unreachable`` (limit, equity)."""

    code: str
    params: dict[str, float]


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
    #: The largest one-year fall the client accepts (a fraction), when the answers set one.
    loss_limit: float | None = None
    #: The class-level bounds of the market (and its suitability limit, if any).
    rules: AllocationRules = US_RULES

    @property
    def short_money(self) -> float:
        """Share kept at least in cash and short-term bonds."""
        return max(self.short_money_floor, self.cash_floor)

    def constraints(self) -> list[BindingConstraint]:
        """The limits in ``binding`` with their figures, for the suitability record."""
        figures = {
            "horizon_cap": {"cap": self.horizon_cap, "short_money": self.short_money},
            "goal_cap": {"cap": self.goal_cap},
            "suitability_cap": {"cap": self.rules.risk_asset_cap or 0.0},
        }
        limit = {"limit": self.loss_limit or 0.0, "equity": self.equity}
        return [
            BindingConstraint(code=code, params={k: round(v, 6) for k, v in figures.get(
                code, limit).items()})
            for code in self.binding
        ]


def targets(profile: InvestorProfile, score: float, groups: dict[str, list[str]],
            rules: AllocationRules = US_RULES) -> PolicyTargets:
    """Equity share and optimizer bounds for a profile with a given risk score.

    Parameters
    ----------
    profile : InvestorProfile
    score : float
        Risk score, 1-10.
    groups : dict
        Asset classes of each group ("equity", "bonds", "cash", "alternatives").
    rules : AllocationRules
        The class-level bounds of the market's asset classes.
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

    bounds, group_bounds = _bounds(equity, groups, cash_floor, short_floor, rules)
    return PolicyTargets(
        equity=equity, equity_for_score=base, horizon_cap=horizon_cap, goal_cap=goal_cap,
        outlook_tilt=tilt, cash_floor=cash_floor, short_money_floor=short_floor,
        binding=binding, bounds=bounds, group_bounds=group_bounds,
        loss_limit=questionnaire().loss_limit(profile.risk_answers), rules=rules,
    )


def _bounds(
    equity: float, groups: dict[str, list[str]], cash_floor: float, short_floor: float,
    rules: AllocationRules = US_RULES,
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[list[str], float, float]]]:
    """The optimizer's bounds per asset class and per group for an equity share."""
    bounds: dict[str, tuple[float, float]] = {}
    for name, (lo, hi) in rules.equity_sleeve.items():
        bounds[name] = (lo * equity, hi * equity)
    for name, cap in rules.class_caps.items():
        cap = min(cap, rules.equity_like_per_equity.get(name, np.inf) * equity)
        bounds[name] = (0.0, cap)
    for name in rules.excluded:
        bounds[name] = (0.0, 0.0)
    group_bounds = {
        "equity": (groups["equity"], equity, equity),
        "cash": (groups["cash"], cash_floor, 1.0),
    }
    if short_floor > 0:
        short_money = groups["cash"] + list(rules.short_money)
        group_bounds["short_money"] = (short_money, max(short_floor, cash_floor), 1.0)
    if rules.risk_asset_cap is not None:
        group_bounds["risk_assets"] = (list(rules.risk_assets), 0.0, rules.risk_asset_cap)
    return bounds, group_bounds


def cap_equity(
    policy: PolicyTargets, cap: float, groups: dict[str, list[str]], *, code: str
) -> PolicyTargets:
    """The policy with its equity share held to at most ``cap``, by the limit named ``code``.

    The cap comes after the rules above, so it also bounds the market view: the tilt recorded is
    the change the view still makes under the cap (none when the cap holds both down).
    """
    untilted = policy.equity - policy.outlook_tilt
    equity = min(policy.equity, cap)
    bounds, group_bounds = _bounds(equity, groups, policy.cash_floor, policy.short_money_floor,
                                   policy.rules)
    return replace(
        policy, equity=equity, outlook_tilt=equity - min(untilted, cap),
        binding=[*policy.binding, code], bounds=bounds, group_bounds=group_bounds,
    )
