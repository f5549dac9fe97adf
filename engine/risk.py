"""Risk profiling: willingness from the questionnaire, capacity from the person's situation, and
the risk score in which the more risk-averse of the two dominates.

Method (in the spirit of Wealthfront's published approach, see advice-anchors.md):

* willingness W in [1, 10]: the questionnaire total rescaled linearly, lowered by
  ``INCONSISTENCY_PENALTY`` for each inconsistency found in the answers;
* capacity C in [1, 10]: set mostly by the effective horizon (years until, on average, the money is
  spent), lowered for age past 45, unstable income and high liquidity needs;
* risk score S = min(W, C) + min(``UPSIDE_WEIGHT`` x (max(W, C) - min(W, C)), ``MAX_UPSIDE``): the
  lower of the two carries 1 - UPSIDE_WEIGHT of the weight, and the higher can lift the score at
  most ``MAX_UPSIDE`` (1.5) points above the lower. The cautious side dominates: the most
  risk-averse answers (willingness 1) score at most 2.5 however large the capacity, which the
  policy maps to Schwab's Conservative profile (20 % stock, see engine/policy.py); a client with a
  great appetite for risk but little capacity is held near their capacity in the same way.

The stated loss tolerance (the ``max_loss`` question) counts in the willingness like every answer,
and it also limits the recommended mix directly (engine/loss_limit.py).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from engine.profile import IncomeStability, InvestorProfile, LiquidityNeeds
from engine.questionnaire import questionnaire

#: Weight of the higher of willingness and capacity in the risk score (the lower gets the rest).
UPSIDE_WEIGHT = 0.4
#: Most points the higher of willingness and capacity can add to the lower one.
MAX_UPSIDE = 1.5
#: Points of willingness removed for each inconsistency in the answers.
INCONSISTENCY_PENALTY = 0.5

#: Capacity by effective horizon in years (piecewise linear between the points).
CAPACITY_BY_HORIZON = ((0.0, 1.0), (2.0, 1.0), (5.0, 3.0), (10.0, 5.0), (15.0, 6.5), (20.0, 8.0),
                       (25.0, 9.0), (30.0, 10.0))
#: Capacity lost per year of age past ``AGE_PIVOT``: less working life left to make up a loss.
AGE_PIVOT = 45
CAPACITY_PER_YEAR_OF_AGE = 0.1
CAPACITY_INCOME = {IncomeStability.stable: 0.0, IncomeStability.somewhat_stable: -1.0,
                   IncomeStability.unstable: -2.0}
CAPACITY_LIQUIDITY = {LiquidityNeeds.low: 0.0, LiquidityNeeds.medium: -1.0, LiquidityNeeds.high: -2.5}


class RiskFlag(BaseModel):
    """Something in the answers that staff should review and the client should confirm."""

    code: str
    severity: str  # "inconsistent" asks the client to confirm; "note" is for staff
    questions: list[str]
    params: dict[str, float | int | str] = {}


class RiskAssessment(BaseModel):
    score: float
    willingness: float
    capacity: float
    questionnaire_points: int
    capacity_components: dict[str, float]
    flags: list[RiskFlag]


def willingness_points(answers: dict[str, str]) -> tuple[int, int, int]:
    """Total questionnaire points and the lowest and highest totals possible."""
    form = questionnaire()
    total = sum(form.question(q).option(a).score for q, a in answers.items())
    low = sum(q.min_score for q in form.questions)
    high = sum(q.max_score for q in form.questions)
    return total, low, high


def willingness(answers: dict[str, str]) -> float:
    """Willingness to take risk on a 1-10 scale, before any inconsistency penalty."""
    total, low, high = willingness_points(answers)
    return 1.0 + 9.0 * (total - low) / (high - low)


def capacity(profile: InvestorProfile) -> tuple[float, dict[str, float]]:
    """Capacity to bear losses on a 1-10 scale, with the contribution of each factor."""
    xs, ys = zip(*CAPACITY_BY_HORIZON, strict=True)
    components = {
        "horizon": float(np.interp(profile.effective_horizon, xs, ys)),
        "age": -CAPACITY_PER_YEAR_OF_AGE * max(0, profile.age - AGE_PIVOT),
        "income_stability": CAPACITY_INCOME[profile.income_stability],
        "liquidity_needs": CAPACITY_LIQUIDITY[profile.liquidity_needs],
    }
    return float(np.clip(sum(components.values()), 1.0, 10.0)), components


def inconsistencies(profile: InvestorProfile, raw_willingness: float) -> list[RiskFlag]:
    """Answers that do not fit together, as the SEC's 2017 guidance asks advisers to flag."""
    a = profile.risk_answers
    flags: list[RiskFlag] = []
    if profile.horizon <= 3 and raw_willingness >= 7:
        flags.append(RiskFlag(
            code="short_horizon_aggressive", severity="inconsistent",
            questions=["horizon", "return_priority", "max_loss"],
            params={"horizon": round(profile.horizon, 1)},
        ))
    if a["loss_reaction"] in {"sell_all", "sell_some"} and a["return_priority"] in {
        "strong_growth", "maximum_growth"
    }:
        flags.append(RiskFlag(
            code="sell_on_drop_wants_growth", severity="inconsistent",
            questions=["loss_reaction", "return_priority"],
        ))
    if a["max_loss"] in {"loss_5", "loss_10"} and a["outcome_range"] in {"wide", "widest"}:
        flags.append(RiskFlag(
            code="small_loss_limit_wide_range", severity="inconsistent",
            questions=["max_loss", "outcome_range"],
        ))
    if a["experience"] == "none" and a["risk_self_view"] == "risk_taker" and a["max_loss"] in {
        "loss_30", "loss_over_30"
    }:
        flags.append(RiskFlag(
            code="no_experience_large_losses", severity="inconsistent",
            questions=["experience", "risk_self_view", "max_loss"],
        ))
    return flags


def assess(profile: InvestorProfile) -> RiskAssessment:
    """Score a profile: willingness, capacity, the combined risk score and the flags."""
    raw = willingness(profile.risk_answers)
    flags = inconsistencies(profile, raw)
    w = max(1.0, raw - INCONSISTENCY_PENALTY * sum(f.severity == "inconsistent" for f in flags))
    c, components = capacity(profile)
    low, high = min(w, c), max(w, c)
    score = low + min(UPSIDE_WEIGHT * (high - low), MAX_UPSIDE)
    if w - c >= 4:
        flags.append(RiskFlag(
            code="capacity_below_willingness", severity="note",
            questions=["horizon", "income_stability", "liquidity_needs"],
            params={"willingness": round(w, 1), "capacity": round(c, 1)},
        ))
    points, _, _ = willingness_points(profile.risk_answers)
    return RiskAssessment(
        score=round(score, 2), willingness=round(w, 2), capacity=round(c, 2),
        questionnaire_points=points,
        # "+ 0.0" turns the -0.0 of an unused penalty into 0.0 for the record
        capacity_components={k: round(v, 2) + 0.0 for k, v in components.items()},
        flags=flags,
    )
