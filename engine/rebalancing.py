"""Rebalancing: how far holdings have drifted from the target mix, and the trades that restore it.

Drift is half the sum of absolute deviations between current and target weights (Betterment's
definition, see advice-anchors.md): the share of the portfolio that sits in the wrong place. New
money is used first: it buys the underweight classes (cash-flow rebalancing), and classes are sold
only when the drift left after that is still above the threshold (3 % by default), which keeps sales,
and the taxes and costs they bring, to the minimum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel

from engine.profile import TARGET_AMOUNT_RANGE

DEFAULT_THRESHOLD = 0.03
#: Targets must sum to 1 within this tolerance (they are often typed rounded to 0.1 %).
SUM_TOLERANCE = 1e-3
#: Trades smaller than this (currency) are not worth placing.
MIN_TRADE = 0.01
#: Largest amount accepted (currency), the profile's cap on a target amount. Larger figures are
#: typing errors, and near 1e308 the totals would overflow to infinity.
MAX_AMOUNT = TARGET_AMOUNT_RANGE.high


class RebalancePlan(BaseModel):
    """What to buy and sell.

    Amounts are in the account currency; ``trades`` holds positive amounts to buy and negative
    amounts to sell, by asset class. Drifts are fractions of the portfolio (0.05 means 5 %).
    """

    total_before: float
    contribution: float
    total_after: float
    threshold: float
    drift_before: float
    drift_after_contribution: float
    drift_after: float
    rebalanced: bool  # True when classes are sold to restore the target
    trades: dict[str, float]
    weights_before: dict[str, float]
    weights_after: dict[str, float]


def drift(weights: Mapping[str, float], targets: Mapping[str, float]) -> float:
    """Half the sum of absolute differences between ``weights`` and ``targets`` (a fraction)."""
    names = set(weights) | set(targets)
    return 0.5 * sum(abs(weights.get(n, 0.0) - targets.get(n, 0.0)) for n in names)


def _check_amounts(values: Mapping[str, float], what: str, known: set[str] | None) -> None:
    for name, value in values.items():
        if known is not None and name not in known:
            raise ValueError(f"{what}: unknown asset class '{name}' (valid: {', '.join(sorted(known))})")
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"{what}['{name}'] must be a finite number, got {value!r}")
        if value < 0:
            raise ValueError(f"{what}['{name}'] must be 0 or more, got {value}")
        if value > MAX_AMOUNT:
            raise ValueError(f"{what}['{name}'] must be at most {MAX_AMOUNT:,.0f}, got {value:g}")


def _weights(amounts: np.ndarray) -> np.ndarray:
    total = amounts.sum()
    return amounts / total if total > 0 else np.zeros_like(amounts)


def rebalance(
    holdings: Mapping[str, float],
    targets: Mapping[str, float],
    *,
    contribution: float = 0.0,
    threshold: float = DEFAULT_THRESHOLD,
    asset_classes: Iterable[str] | None = None,
) -> RebalancePlan:
    """Trades that bring ``holdings`` back to ``targets``, new money first.

    Parameters
    ----------
    holdings : mapping
        Current amount held in each asset class (currency), 0 to ``MAX_AMOUNT``. Classes not
        listed hold 0.
    targets : mapping
        Target weight of each asset class, 0 to 1, summing to 1. Classes not listed have target 0.
    contribution : float
        New money to invest now (currency), 0 to ``MAX_AMOUNT``.
    threshold : float
        Drift above which classes are sold to restore the target, a fraction in (0, 1).
    asset_classes : iterable of str, optional
        The valid class names; when given, any other name is an error.

    Raises
    ------
    ValueError
        For negative, non-finite or absurdly large amounts, unknown classes, targets that do not
        sum to 1, a threshold outside (0, 1), or nothing to rebalance (no holdings and no
        contribution).
    """
    known = set(asset_classes) if asset_classes is not None else None
    _check_amounts(holdings, "holdings", known)
    _check_amounts(targets, "targets", known)
    if any(value > 1 for value in targets.values()):
        raise ValueError("targets are weights between 0 and 1")
    target_sum = sum(targets.values())
    if abs(target_sum - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"targets must sum to 1, got {target_sum:.4f}")
    if not (isinstance(contribution, int | float) and math.isfinite(contribution) and contribution >= 0):
        raise ValueError(f"contribution must be 0 or more, got {contribution!r}")
    if contribution > MAX_AMOUNT:
        raise ValueError(f"contribution must be at most {MAX_AMOUNT:,.0f}, got {contribution:g}")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")

    names = sorted(set(holdings) | set(targets))
    held = np.array([float(holdings.get(n, 0.0)) for n in names])
    target = np.array([float(targets.get(n, 0.0)) for n in names]) / target_sum
    total = held.sum() + contribution
    if total <= 0:
        raise ValueError("nothing to rebalance: holdings are empty and there is no contribution")

    def drift_of(amounts: np.ndarray) -> float:
        return 0.5 * float(np.abs(_weights(amounts) - target).sum())

    # Cash flow first: the new money fills the shortfalls in proportion. The shortfalls add up to
    # the contribution plus any excess held in overweight classes, so they absorb all of it.
    shortfall = np.clip(target * total - held, 0.0, None)
    buys = shortfall * (contribution / shortfall.sum()) if shortfall.sum() > 0 else shortfall
    after_flow = held + buys
    rebalanced = drift_of(after_flow) > threshold
    final = target * total if rebalanced else after_flow
    trades = final - held
    return RebalancePlan(
        total_before=round(float(held.sum()), 2),
        contribution=round(float(contribution), 2),
        total_after=round(float(total), 2),
        threshold=threshold,
        drift_before=round(drift_of(held), 6),
        drift_after_contribution=round(drift_of(after_flow), 6),
        drift_after=round(drift_of(final), 6),
        rebalanced=rebalanced,
        trades={n: round(float(t), 2) for n, t in zip(names, trades, strict=True) if abs(t) >= MIN_TRADE},
        weights_before={n: round(float(w), 6) for n, w in zip(names, _weights(held), strict=True)},
        weights_after={n: round(float(w), 6) for n, w in zip(names, _weights(final), strict=True)},
    )
