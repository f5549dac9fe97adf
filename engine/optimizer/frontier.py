"""The efficient frontier as an exact path (the critical line).

For a risk tolerance ``t >= 0`` the frontier portfolio solves ``min 1/2 w'Sw - t mu'w`` under the
constraints. While the set of binding constraints stays the same, the optimality conditions are a
linear system whose right-hand side is affine in ``t``, so the weights are exactly
``w(t) = w0 + t w1`` on a segment ``[start, end]``; at ``end`` one constraint starts or stops binding.
Walking these segments from ``t = 0`` (minimum volatility) to the last one (maximum return) gives the
whole frontier, and a target on it (a volatility) is then the root of a quadratic on one segment:
exact, with no iterative search.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from engine.optimizer.qp import Factorization, QuadraticProgram, solve_qp


@dataclass(frozen=True)
class Segment:
    """Frontier portfolios ``w0 + t * w1`` for risk tolerance ``t`` in ``[start, end]``."""

    active: tuple[int, ...]
    start: float
    end: float
    w0: np.ndarray
    w1: np.ndarray

    def weights(self, t: float) -> np.ndarray:
        return self.w0 + t * self.w1


class _Path:
    """Linear algebra of the frontier path for one covariance, return vector and constraint set."""

    def __init__(self, factorization: Factorization, expected_returns: np.ndarray):
        self.f = factorization
        problem = factorization.problem
        self.C, self.b, self.n_eq = problem.constraints, problem.rhs, problem.n_eq
        self.mu = expected_returns
        self.H_mu = factorization.inverse_times(expected_returns)
        self.C_H_mu = self.C @ self.H_mu
        self.scale = 1.0 + float(np.max(np.abs(self.H_mu)))

    def segment(self, active: tuple[int, ...], start: float) -> tuple[Segment, int] | None:
        """The segment of ``active`` from ``start`` and the constraint whose event ends it.

        None when ``active`` is not optimal at ``start`` (a degenerate pivot).
        """
        idx = np.asarray(active, dtype=int)
        if len(idx):
            M = self.f.CHC[np.ix_(idx, idx)]
            rhs = np.column_stack([self.b[idx], -self.C_H_mu[idx]])
            try:
                u = np.linalg.solve(M, rhs)
            except np.linalg.LinAlgError:
                return None
            w0 = self.f.HC[:, idx] @ u[:, 0]
            w1 = self.H_mu + self.f.HC[:, idx] @ u[:, 1]
        else:
            u = np.zeros((0, 2))
            w0, w1 = np.zeros_like(self.H_mu), self.H_mu.copy()
        # Conditions that must stay >= 0 along the segment, as g0 + t * g1: multipliers of the
        # binding inequalities and slacks of the others.
        inactive = np.setdiff1d(np.arange(self.n_eq, len(self.b)), idx)
        binding = idx[idx >= self.n_eq]
        g0 = np.concatenate([u[idx >= self.n_eq, 0], self.C[inactive] @ w0 - self.b[inactive]])
        g1 = np.concatenate([u[idx >= self.n_eq, 1], self.C[inactive] @ w1])
        who = np.concatenate([binding, inactive])
        tol = 1e-9 * self.scale * (1.0 + start)
        if np.any(g0 + start * g1 < -tol):
            return None
        falling = g1 < -1e-12 * self.scale
        end, event = np.inf, -1
        if falling.any():
            hits = np.maximum(-g0[falling] / g1[falling], start)
            k = int(np.argmin(hits))
            end, event = float(hits[k]), int(who[falling][k])
        return Segment(tuple(int(j) for j in idx), start, end, w0, w1), event


def critical_line(factorization: Factorization, expected_returns: np.ndarray) -> Iterator[Segment]:
    """Yield the frontier's segments in order of increasing risk tolerance.

    Parameters
    ----------
    factorization : Factorization
        Of the minimum-variance problem (covariance and constraints).
    expected_returns : numpy.ndarray
        Expected return of each asset (fraction per period).

    Raises
    ------
    QPInfeasibleError
        When the constraints admit no portfolio.
    """
    path = _Path(factorization, expected_returns)
    problem = factorization.problem
    min_variance = QuadraticProgram(problem.hessian, np.zeros_like(path.mu), problem.constraints,
                                    problem.rhs, problem.n_eq)
    active = solve_qp(min_variance, factorization).active
    start = 0.0
    limit = 4 * (problem.constraints.shape[0] + problem.constraints.shape[1]) + 10
    for _ in range(limit):
        found = path.segment(active, start)
        if found is None:
            found = _resolve(path, problem, start)
        segment, event = found
        yield segment
        if segment.end == np.inf:
            return
        start = segment.end
        active = tuple(sorted(set(segment.active) ^ {event}))
    raise RuntimeError("the efficient frontier path did not terminate (cycling)")


def _resolve(path: _Path, problem: QuadraticProgram, start: float) -> tuple[Segment, int]:
    """After a degenerate event (several constraints changing at once), solve afresh a little
    further along the path and take the binding set found there."""
    probe = start + 1e-7 * (1.0 + start)
    shifted = QuadraticProgram(problem.hessian, probe * path.mu, problem.constraints,
                               problem.rhs, problem.n_eq)
    active = solve_qp(shifted, path.f).active
    found = path.segment(active, probe)
    if found is None:
        raise RuntimeError("the efficient frontier path is degenerate beyond repair")
    segment, event = found
    # The probe's segment is exact on [probe, end]; it also holds back to start up to ~1e-7.
    return Segment(segment.active, start, segment.end, segment.w0, segment.w1), event
