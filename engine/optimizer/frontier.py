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

from engine.optimizer.qp import ActiveRows, Factorization, QuadraticProgram, solve_qp


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


class _Walk:
    """State of the walk along the path: the binding rows and the inverse of their Gram matrix.

    Every quantity the walk needs is affine in ``t`` and computed for all rows at once from the
    multipliers ``u(t) = U[:, 0] + t U[:, 1]`` of the binding rows.
    """

    def __init__(self, factorization: Factorization, expected_returns: np.ndarray,
                 active: tuple[int, ...]):
        f = factorization
        problem = f.problem
        C, b = problem.constraints, problem.rhs
        self.f, self.mu, self.n_eq = f, expected_returns, problem.n_eq
        H_mu = f.inverse_times(expected_returns)
        C_H_mu = C @ H_mu
        # Right-hand sides of the multipliers' system and offsets of slacks and weights, as the
        # constant and the t-coefficient side by side.
        self.rhs = np.column_stack([b, -C_H_mu])
        self.slack_offset = np.column_stack([-b, C_H_mu])
        self.weight_offset = np.column_stack([np.zeros_like(H_mu), H_mu])
        self.scale = 1.0 + float(np.abs(H_mu).max())
        self.active = ActiveRows(f.CHC)
        self.active.reset(active)

    def segment(self, start: float) -> tuple[Segment, int] | None:
        """The segment of the current binding rows from ``start`` and the row whose event ends it.

        None when these rows are not optimal at ``start`` (after a degenerate event).
        """
        rows = self.active.rows
        U = self.active.inverse.dot(self.rhs.take(rows, axis=0))
        # Conditions that must stay >= 0 on the segment, as g[:, 0] + t g[:, 1]: the slacks of the
        # rows that do not bind and the multipliers of the inequalities that do.
        g = self.f.CHC.take(rows, axis=1).dot(U) + self.slack_offset
        g[rows] = U
        g[: self.n_eq] = (np.inf, 0.0)
        if np.any(g[:, 0] + start * g[:, 1] < -1e-9 * (1.0 + start * self.scale)):
            return None
        falling = np.flatnonzero(g[:, 1] < -1e-12 * self.scale)
        end, event = np.inf, -1
        if len(falling):
            hits = -g[falling, 0] / g[falling, 1]
            k = int(np.argmin(hits))
            end, event = max(float(hits[k]), start), int(falling[k])
        W = self.f.HC.take(rows, axis=1).dot(U) + self.weight_offset
        return Segment(tuple(rows.tolist()), start, end, W[:, 0], W[:, 1]), event

    def pivot(self, event: int) -> bool:
        """Add or drop row ``event``; False when adding it leaves a dependent set."""
        where = np.flatnonzero(self.active.rows == event)
        if len(where):
            self.active.drop(int(where[0]))
            return True
        r, change = self.active.direction(event)
        if change[event] <= 1e-10 * self.f.CHC[event, event]:
            return False
        self.active.add(event, r, change[event])
        return True


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
    problem = factorization.problem
    zero = np.zeros_like(expected_returns, dtype=float)
    min_variance = QuadraticProgram(problem.hessian, zero, problem.constraints, problem.rhs,
                                    problem.n_eq)
    walk = _Walk(factorization, expected_returns, solve_qp(min_variance, factorization).active)
    start = 0.0
    stalled = 0
    limit = 4 * sum(problem.constraints.shape) + 10
    for _ in range(limit):
        found = walk.segment(start)
        if found is None or stalled > 2:
            found = _resolve(walk, problem, start)
            stalled = 0
        segment, event = found
        if segment.end > segment.start:
            yield segment
            stalled = 0
        else:
            stalled += 1  # several rows change at the same t: keep pivoting, then solve afresh
        if segment.end == np.inf:
            return
        start = segment.end
        if not walk.pivot(event):
            stalled = 3
    raise RuntimeError("the efficient frontier path did not terminate (cycling)")


def _resolve(walk: _Walk, problem: QuadraticProgram, start: float) -> tuple[Segment, int]:
    """After a degenerate event (several rows changing at the same t), solve afresh a little
    further along the path and take the binding rows found there."""
    probe = start + 1e-7 * (1.0 + start)
    shifted = QuadraticProgram(problem.hessian, probe * walk.mu, problem.constraints,
                               problem.rhs, problem.n_eq)
    walk.active.reset(solve_qp(shifted, walk.f).active)
    found = walk.segment(probe)
    if found is None:
        raise RuntimeError("the efficient frontier path is degenerate beyond repair")
    segment, event = found
    # Exact on [probe, end]; the same formula holds back to start up to ~1e-7 in t.
    return Segment(segment.active, start, segment.end, segment.w0, segment.w1), event
