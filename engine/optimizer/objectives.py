"""Long-only mean-variance portfolios: minimum volatility, maximum Sharpe ratio, target volatility,
target return, and the efficient frontier.

Every objective is solved exactly (see :mod:`engine.optimizer.qp` and
:mod:`engine.optimizer.frontier`); the weights agree with a QP-based library to rounding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from numbers import Real

import numpy as np
import pandas as pd

from engine.optimizer.constraints import (
    InfeasibleError,
    PortfolioConstraints,
    build_constraints,
    contradiction,
)
from engine.optimizer.frontier import FrontierWalk, Segment, critical_line
from engine.optimizer.inputs import asset_labels, market_inputs
from engine.optimizer.qp import (
    Factorization,
    QPInfeasibleError,
    QuadraticProgram,
    factorize,
    solve_qp,
)

OBJECTIVES = ("min_volatility", "max_sharpe", "target_volatility", "target_return")
#: A target volatility this close below the minimum (relative) is the minimum: on a singular
#: covariance the frontier's weights carry rounding of about 1e-12, and a target is never meant to
#: more than a few digits.
MIN_VOLATILITY_TOL = 1e-9


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


class _Portfolio:
    """One optimisation request: checked inputs, constraint rows and the shared factorisation."""

    def __init__(self, mu: np.ndarray, cov: np.ndarray, constraints: PortfolioConstraints):
        self.mu, self.cov, self.constraints = mu, cov, constraints

    def _program(self, linear: np.ndarray | None = None, extra: tuple | None = None
                 ) -> QuadraticProgram:
        c = self.constraints
        matrix, rhs = c.matrix, c.rhs
        if extra is not None:
            matrix, rhs = np.vstack([matrix, extra[0]]), np.append(rhs, extra[1])
        linear = np.zeros(len(self.mu)) if linear is None else linear
        return QuadraticProgram(self.cov, linear, matrix, rhs, c.n_eq)

    @cached_property
    def factorization(self) -> Factorization:
        return factorize(self._program())

    def _contradiction(self, exc: QPInfeasibleError) -> InfeasibleError:
        return InfeasibleError(contradiction(self.constraints, exc.constraint, exc.blocking))

    def min_volatility(self) -> np.ndarray:
        try:
            return solve_qp(self._program(), self.factorization).x
        except QPInfeasibleError as exc:
            raise self._contradiction(exc) from None

    def path(self) -> Iterator[Segment]:
        """The frontier's segments, computed as they are consumed."""
        try:
            yield from critical_line(self.factorization, self.mu)
        except QPInfeasibleError as exc:
            raise self._contradiction(exc) from None

    def max_return(self) -> float:
        *_, last = self.path()
        return float(self.mu @ last.weights(last.start))

    def target_return(self, target: float) -> np.ndarray:
        program = self._program(extra=(self.mu, target))
        try:
            return solve_qp(program).x
        except QPInfeasibleError:
            self.min_volatility()  # raises first if the bounds alone contradict
            raise InfeasibleError(
                f"target return {_pct(target)} is above the maximum reachable, "
                f"{_pct(self.max_return())}"
            ) from None

    def target_volatility(self, target: float) -> np.ndarray:
        try:
            walk = FrontierWalk(self.factorization, self.mu, self._risk_tolerance_guess(target))
        except QPInfeasibleError as exc:
            raise self._contradiction(exc) from None
        segment = walk.current

        def variance(t: float) -> float:
            return a + 2 * b * t + c * t * t

        # On a segment variance(t) = a + 2 b t + c t^2; it never falls along the frontier, so walk
        # down while the segment starts above the target and up while it ends below.
        (a, b), (_, c) = segment.W.T.dot(self.cov.dot(segment.W)).tolist()
        slack = 1e-13 * float(np.diag(self.cov).max())  # rounding in a variance
        while variance(segment.start) > target**2 + slack:
            lower = walk.advance(up=False)
            if lower is None:
                lowest = float(np.sqrt(max(variance(segment.start), 0.0)))
                if target < lowest * (1.0 - MIN_VOLATILITY_TOL):
                    raise InfeasibleError(
                        f"target volatility {_pct(target)} is below the minimum reachable, "
                        f"{_pct(lowest)}"
                    )
                return segment.weights(segment.start)
            segment = lower
            (a, b), (_, c) = segment.W.T.dot(self.cov.dot(segment.W)).tolist()
        while np.isfinite(segment.end) and variance(segment.end) < target**2:
            segment = walk.advance(up=True)
            (a, b), (_, c) = segment.W.T.dot(self.cov.dot(segment.W)).tolist()
        if not np.isfinite(segment.end):
            # The last segment holds the maximum-return portfolio; its volatility is the most the
            # frontier reaches, so a higher target does not bind.
            return segment.weights(segment.start)
        gap = a - target**2
        if c > 1e-14 * max(a, 1e-300):
            t = (-b + np.sqrt(max(b * b - c * gap, 0.0))) / c
        else:
            t = -gap / (2 * b) if b > 0 else segment.start
        return segment.weights(float(np.clip(t, segment.start, segment.end)))

    def _risk_tolerance_guess(self, target: float) -> float:
        """Where to start the walk: the risk tolerance at which the frontier with the budget as its
        only constraint reaches the target volatility (closed form)."""
        H = self.factorization.H
        H_one, H_mu = H.sum(axis=1), H.dot(self.mu)
        A, B, C = H_one.sum(), H_one.dot(self.mu), self.mu.dot(H_mu)
        spread = C - B * B / A  # how fast variance grows with t, squared
        if spread <= 0:
            return 0.0
        return float(np.sqrt(max(target**2 - 1.0 / A, 0.0) / spread))

    def max_sharpe(self, risk_free_rate: float) -> np.ndarray:
        excess = self.mu - risk_free_rate
        if excess.max() <= 0:
            raise InfeasibleError(
                f"no asset's expected return beats the risk-free rate {_pct(risk_free_rate)} "
                f"(the highest is {_pct(self.mu.max())}): the Sharpe ratio cannot be maximised"
            )
        # Cornuejols-Tutuncu change of variables y = w / k with k = 1 / (excess' w): maximising the
        # Sharpe ratio becomes min y'Sy subject to excess' y = 1, and every constraint c'w >= b
        # becomes (c - b) ' y >= 0, homogeneous in y. The budget row turns into 0 = 0 and is dropped.
        c = self.constraints
        homogeneous = c.matrix - c.rhs[:, None]
        program = QuadraticProgram(
            self.cov, np.zeros(len(self.mu)), np.vstack([excess, homogeneous[1:]]),
            np.concatenate([[1.0], np.zeros(len(c.rhs) - 1)]), c.n_eq,
        )
        try:
            y = solve_qp(program).x
        except QPInfeasibleError:
            self.min_volatility()
            raise InfeasibleError(
                f"no portfolio within the bounds has an expected return above the risk-free rate "
                f"{_pct(risk_free_rate)} (the highest reachable is {_pct(self.max_return())}): the "
                "Sharpe ratio cannot be maximised"
            ) from None
        return y / y.sum()


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(float(value)):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _request(expected_returns, covariance, bounds, group_bounds) -> _Portfolio:
    mu, cov = market_inputs(expected_returns, covariance)
    constraints = build_constraints(asset_labels(expected_returns.index), bounds, group_bounds)
    return _Portfolio(mu, cov, constraints)


def _weights(portfolio: _Portfolio, w: np.ndarray) -> np.ndarray:
    # Clip rounding (|error| ~ 1e-16) so that zero weights print as 0, not -1e-17.
    return np.clip(w, portfolio.constraints.low, portfolio.constraints.high)


def optimize(
    expected_returns: pd.Series,
    covariance: pd.DataFrame,
    objective: str,
    *,
    target: float | None = None,
    risk_free_rate: float = 0.0,
    bounds: tuple[float, float] | Mapping[str, tuple[float, float]] = (0.0, 1.0),
    group_bounds: Mapping[str, tuple[list[str], float, float]] | None = None,
) -> pd.Series:
    """Long-only, fully invested mean-variance weights.

    Parameters
    ----------
    expected_returns : pandas.Series
        Expected return of each asset (fraction per period, e.g. 0.06 for 6 % a year).
    covariance : pandas.DataFrame
        Covariance of returns for the same period, labelled by asset on both axes.
    objective : {"min_volatility", "max_sharpe", "target_volatility", "target_return"}
        ``target_volatility`` maximises return with volatility at most ``target``;
        ``target_return`` minimises volatility with expected return at least ``target``.
    target : float, optional
        Volatility or return (fraction per period); required by the two target objectives only.
    risk_free_rate : float
        For ``max_sharpe`` (fraction per period).
    bounds : (low, high), sequence of (low, high), or dict {asset: (low, high)}
        Per-asset weight bounds within [0, 1]; assets missing from a dict get (0, 1).
    group_bounds : dict {group: (members, low, high)}, optional
        Bounds on the total weight of each group of assets.

    Returns
    -------
    pandas.Series
        Weights indexed like ``expected_returns``, summing to 1.

    Raises
    ------
    InfeasibleError
        The constraints contradict, or the target cannot be reached (the message gives the reachable
        limit), or no portfolio beats the risk-free rate for ``max_sharpe``.
    ValueError
        Malformed inputs: unknown objective, missing target, mismatched labels, non-finite values,
        a covariance that is not positive semi-definite.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}")
    if objective.startswith("target_"):
        if target is None:
            raise ValueError(f"objective {objective} needs a target (a fraction, e.g. 0.10)")
        target = _number(target, "target")
        if objective == "target_volatility" and target < 0:
            raise ValueError(f"target volatility must be positive, got {target}")
    elif target is not None:
        raise ValueError(f"objective {objective} takes no target (got {target!r})")
    rf = _number(risk_free_rate, "risk_free_rate")
    portfolio = _request(expected_returns, covariance, bounds, group_bounds)
    if objective == "min_volatility":
        w = portfolio.min_volatility()
    elif objective == "target_return":
        w = portfolio.target_return(target)
    elif objective == "target_volatility":
        w = portfolio.target_volatility(target)
    else:
        w = portfolio.max_sharpe(rf)
    return pd.Series(_weights(portfolio, w), index=expected_returns.index, name="weight")


def efficient_frontier(
    expected_returns: pd.Series,
    covariance: pd.DataFrame,
    *,
    points: int = 20,
    risk_free_rate: float = 0.0,
    bounds: tuple[float, float] | Mapping[str, tuple[float, float]] = (0.0, 1.0),
    group_bounds: Mapping[str, tuple[list[str], float, float]] | None = None,
) -> pd.DataFrame:
    """Portfolios on the efficient frontier, evenly spaced in expected return.

    From the minimum-volatility portfolio to the maximum-return one; arguments as in
    :func:`optimize`.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``return``, ``volatility``, ``sharpe`` (with ``risk_free_rate``; NaN at
        zero volatility), then one column of weights per asset.
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ValueError(f"points must be an integer of at least 2, got {points!r}")
    rf = _number(risk_free_rate, "risk_free_rate")
    portfolio = _request(expected_returns, covariance, bounds, group_bounds)
    mu = portfolio.mu
    segments = list(portfolio.path())
    # Returns rise linearly in t on each segment; find each target's segment and solve for t.
    starts = np.array([mu @ s.weights(s.start) for s in segments])
    last = segments[-1]
    targets = np.linspace(starts[0], mu @ last.weights(last.start), points)
    rows = []
    for r in targets:
        k = int(np.clip(np.searchsorted(starts, r, side="right") - 1, 0, len(segments) - 1))
        s = segments[k]
        slope = mu @ s.w1
        t = s.start if slope <= 0 or not np.isfinite(s.end) else (r - starts[k]) / slope + s.start
        t = float(np.clip(t, s.start, s.end if np.isfinite(s.end) else s.start))
        rows.append(_weights(portfolio, s.weights(t)))
    weights = np.array(rows)
    ret = weights @ mu
    vol = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", weights, portfolio.cov, weights), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(vol > 0, (ret - rf) / vol, np.nan)
    frame = pd.DataFrame(weights, columns=expected_returns.index)
    frame.insert(0, "sharpe", sharpe)
    frame.insert(0, "volatility", vol)
    frame.insert(0, "return", ret)
    return frame
