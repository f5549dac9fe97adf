"""Portfolio constraints: fully invested, long only, per-asset bounds and group bounds.

They become the rows of ``C w = b`` (equalities first) and ``C w >= b`` used by the QP solver, each
with a readable name so that an infeasible request can say which limits contradict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


class InfeasibleError(ValueError):
    """The request has no solution: contradictory bounds or an unreachable target."""


@dataclass(frozen=True)
class PortfolioConstraints:
    """Constraints on the weights of ``labels``.

    Attributes
    ----------
    matrix, rhs : numpy.ndarray
        Rows ``matrix[:n_eq] w = rhs[:n_eq]`` then ``matrix[n_eq:] w >= rhs[n_eq:]``.
    n_eq : int
        Number of equality rows (the budget first).
    descriptions : tuple
        What each row means, formatted by :meth:`name` for messages.
    low, high : numpy.ndarray
        Per-asset bounds (fractions of the portfolio).
    """

    labels: tuple[str, ...]
    matrix: np.ndarray
    rhs: np.ndarray
    n_eq: int
    descriptions: tuple[tuple, ...]
    low: np.ndarray
    high: np.ndarray

    def name(self, row: int) -> str:
        """What row ``row`` means, e.g. "us_equity at most 42.0 %"."""
        template, *args = self.descriptions[row]
        if not args:
            return template
        subject, value = args
        return template.format(subject, _pct(value))


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


#: Types that float() would accept but that are not bounds.
_NOT_NUMBERS = (str, bool)


def _pair(value: object, what: str) -> tuple[float, float]:
    try:
        low_raw, high_raw = value
        if isinstance(low_raw, _NOT_NUMBERS) or isinstance(high_raw, _NOT_NUMBERS):
            raise TypeError
        low, high = float(low_raw), float(high_raw)
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds of {what} must be a (low, high) pair of numbers, got {value!r}"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"bounds of {what} must be finite numbers, got ({low}, {high})")
    if low < 0 or high > 1:
        raise ValueError(
            f"bounds of {what} must lie within [0, 1] (long only, fully invested), "
            f"got ({low:g}, {high:g})"
        )
    if low > high:
        raise InfeasibleError(f"bounds of {what} contradict: low {_pct(low)} above high {_pct(high)}")
    return low, high


def asset_bounds(labels: Sequence[str], bounds: object) -> tuple[np.ndarray, np.ndarray]:
    """Per-asset (low, high) arrays from one pair, a sequence of pairs or a dict by asset.

    Assets missing from a dict get (0, 1).
    """
    n = len(labels)
    if isinstance(bounds, Mapping):
        known = set(labels)
        unknown = [str(k) for k in bounds if k not in known]
        if unknown:
            raise ValueError(f"bounds name unknown assets: {', '.join(sorted(unknown))}")
        pairs = [_pair(bounds[a], a) if a in bounds else (0.0, 1.0) for a in labels]
    elif (isinstance(bounds, Sequence) and len(bounds) == n and n > 0
          and all(isinstance(v, Sequence) and not isinstance(v, str) for v in bounds)):
        pairs = [_pair(v, a) for a, v in zip(labels, bounds, strict=True)]
    else:
        pair = _pair(bounds, "every asset")
        pairs = [pair] * n
    low, high = (np.array(side, dtype=float) for side in zip(*pairs, strict=True))
    return low, high


def build_constraints(labels: Sequence[str], bounds: object = (0.0, 1.0),
                      group_bounds: Mapping[str, tuple] | None = None) -> PortfolioConstraints:
    """Check the bounds and turn them into constraint rows.

    Parameters
    ----------
    labels : sequence of str
        Asset names, in the order of the weight vector.
    bounds : (low, high) or sequence of (low, high) or dict {asset: (low, high)}
        Fractions of the portfolio; ``0 <= low <= high <= 1``.
    group_bounds : dict {group: (members, low, high)}, optional
        ``low <= sum of the members' weights <= high`` (the format of ``engine.policy``).

    Raises
    ------
    ValueError
        Malformed bounds or unknown assets.
    InfeasibleError
        Bounds that no fully invested portfolio can meet, with the reason.
    """
    labels = tuple(labels)
    n = len(labels)
    low, high = asset_bounds(labels, bounds)
    totals = float(low.sum()), float(high.sum())
    if totals[0] > 1 + 1e-12:
        raise InfeasibleError(f"lower bounds sum to {_pct(totals[0])}, above 100 %")
    if totals[1] < 1 - 1e-12:
        raise InfeasibleError(
            f"upper bounds sum to {_pct(totals[1])}, below 100 %: the portfolio cannot be fully "
            "invested"
        )
    position = {name: i for i, name in enumerate(labels)}
    groups = [(f"group {g}", *_group(g, spec, position, low, high, totals))
              for g, spec in (group_bounds or {}).items()]
    # Rows are stacked by kind in one go (no per-row arrays); descriptions are formatted only
    # when a message needs them.
    eye = np.eye(n)
    fixed = low == high
    free = ~fixed
    capped = free & (high < 1)
    fixed_at, free_at, capped_at = (np.flatnonzero(mask).tolist() for mask in (fixed, free, capped))
    group_eq = [(name, mask, g_low) for name, mask, g_low, g_high in groups if g_low == g_high]
    group_ineq: list[tuple] = []
    for name, mask, g_low, g_high in groups:
        if g_low == g_high:
            continue
        if g_low > 0:
            group_ineq.append((mask, g_low, ("{} at least {}", name, g_low)))
        if g_high < 1:
            group_ineq.append((-mask, -g_high, ("{} at most {}", name, g_high)))
    matrix = np.concatenate([
        np.ones((1, n)), eye[fixed], np.array([m for _, m, _ in group_eq]).reshape(-1, n),
        eye[free], -eye[capped], np.array([r[0] for r in group_ineq]).reshape(-1, n),
    ])
    rhs = np.concatenate([
        [1.0], low[fixed], [v for *_, v in group_eq], low[free], -high[capped],
        [r[1] for r in group_ineq],
    ])
    descriptions = (
        [("weights sum to 100 %",)]
        + [("{} fixed at {}", labels[i], low[i]) for i in fixed_at]
        + [("{} fixed at {}", name, v) for name, _, v in group_eq]
        + [("{} at least {}", labels[i], low[i]) for i in free_at]
        + [("{} at most {}", labels[i], high[i]) for i in capped_at]
        + [r[2] for r in group_ineq]
    )
    return PortfolioConstraints(
        labels=labels,
        matrix=matrix,
        rhs=rhs,
        n_eq=1 + len(fixed_at) + len(group_eq),
        descriptions=tuple(descriptions),
        low=low,
        high=high,
    )


def _group(group: str, spec: object, position: dict[str, int], low: np.ndarray,
           high: np.ndarray, totals: tuple[float, float]) -> tuple[np.ndarray, float, float]:
    """The group's row (1 for members, else 0) and its checked bounds; ``totals`` are the sums
    of ``low`` and ``high``."""
    if not (isinstance(spec, Sequence) and len(spec) == 3):
        raise ValueError(f"group {group}: expected (members, low, high), got {spec!r}")
    members, g_low, g_high = spec
    if isinstance(members, str) or not isinstance(members, Sequence) or not members:
        raise ValueError(f"group {group}: members must be a non-empty list of assets")
    unknown = [m for m in members if m not in position]
    if unknown:
        raise ValueError(f"group {group} names unknown assets: {', '.join(map(str, unknown))}")
    g_low, g_high = _pair((g_low, g_high), f"group {group}")
    mask = np.zeros(len(low))
    mask[[position[m] for m in members]] = 1.0
    # What the members can hold together, and what the other assets leave them.
    inside_low, inside_high = float(mask.dot(low)), float(mask.dot(high))
    reachable_high = min(1.0, inside_high, 1.0 - (totals[0] - inside_low))
    reachable_low = max(inside_low, 1.0 - (totals[1] - inside_high))
    if g_low > reachable_high + 1e-12:
        raise InfeasibleError(
            f"group {group} needs at least {_pct(g_low)} but its assets' bounds allow at most "
            f"{_pct(reachable_high)}"
        )
    if g_high < reachable_low - 1e-12:
        raise InfeasibleError(
            f"group {group} allows at most {_pct(g_high)} but its assets' bounds need at least "
            f"{_pct(reachable_low)}"
        )
    return mask, g_low, g_high


def contradiction(constraints: PortfolioConstraints, row: int, blocking: tuple[int, ...]) -> str:
    """Message for rows that the solver proved cannot hold together."""
    others = [constraints.name(j) for j in blocking if j != 0]
    if not others:
        return f"the bounds contradict: '{constraints.name(row)}' cannot hold"
    return (
        f"the bounds contradict: '{constraints.name(row)}' cannot hold together with "
        + ", ".join(f"'{o}'" for o in others)
    )
