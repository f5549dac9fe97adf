"""The efficient frontier as an exact path (the critical line).

For a risk tolerance ``t >= 0`` the frontier portfolio solves ``min 1/2 w'Sw - t mu'w`` under the
constraints. While the set of binding constraints stays the same, the optimality conditions are a
linear system whose right-hand side is affine in ``t``, so the weights are exactly
``w(t) = w0 + t w1`` on a segment ``[start, end]``; at either end one constraint starts or stops
binding. Walking these segments from ``t = 0`` (minimum volatility) to the last one (maximum return)
gives the whole frontier, and a target on it (a volatility) is the root of a quadratic on one
segment: exact, with no iterative search. A walk may also start at any ``t`` and go either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from engine.optimizer.active_rows import ActiveRows
from engine.optimizer.qp import Factorization, QuadraticProgram, solve_qp

#: Relative step past a degenerate event (several rows changing at the same t) where the walk
#: solves afresh; the weights there are exact, the skipped stretch is at most this long in t.
PROBE = 1e-7


@dataclass(frozen=True)
class Segment:
    """Frontier portfolios ``w0 + t * w1`` for risk tolerance ``t`` in ``[start, end]``.

    ``W`` holds ``w0`` and ``w1`` as its two columns; ``start_event`` and ``end_event`` are the
    rows that change at each end (-1 at ``t = 0`` and at ``t = inf``).
    """

    active: tuple[int, ...]
    start: float
    end: float
    W: np.ndarray
    start_event: int = -1
    end_event: int = -1

    @property
    def w0(self) -> np.ndarray:
        return self.W[:, 0]

    @property
    def w1(self) -> np.ndarray:
        return self.W[:, 1]

    def weights(self, t: float) -> np.ndarray:
        return self.W[:, 0] + t * self.W[:, 1]


class FrontierWalk:
    """A walk along the frontier path, one segment at a time, up or down in ``t``.

    Parameters
    ----------
    factorization : Factorization
        Of the minimum-variance problem (covariance and constraints).
    expected_returns : numpy.ndarray
        Expected return of each asset (fraction per period).
    t : float
        Risk tolerance where the walk starts (a fresh solve there finds the binding rows).

    Raises
    ------
    QPInfeasibleError
        When the constraints admit no portfolio.
    """

    def __init__(self, factorization: Factorization, expected_returns: np.ndarray, t: float = 0.0):
        f = factorization
        self.f, self.mu, self.problem = f, expected_returns, f.problem
        C, b = self.problem.constraints, self.problem.rhs
        H_mu = f.inverse_times(expected_returns)
        C_H_mu = C.dot(H_mu)
        # Right-hand sides of the multipliers' system and offsets of slacks and weights, as the
        # constant and the t-coefficient side by side.
        self.rhs = np.column_stack([b, -C_H_mu])
        self.slack_offset = np.column_stack([-b, C_H_mu])
        self.weight_offset = np.column_stack([np.zeros_like(H_mu), H_mu])
        self.scale = 1.0 + float(np.abs(H_mu).max())
        self.active = ActiveRows(f.CHC)
        self.limit = 4 * sum(C.shape) + 10
        self.current = self._solve_at(t)

    def _solve_at(self, t: float) -> Segment:
        p = self.problem
        program = QuadraticProgram(p.hessian, t * self.mu, p.constraints, p.rhs, p.n_eq)
        self.active.reset(solve_qp(program, self.f).active)
        segment = self._segment(t)
        if segment is None:
            raise RuntimeError("the efficient frontier path is degenerate beyond repair")
        return segment

    def _segment(self, at: float) -> Segment | None:
        """The segment of the current binding rows around ``at``; None if they are not optimal
        at ``at`` (after a degenerate event)."""
        rows = self.active.rows
        U = self.active.inverse.dot(self.rhs.take(rows, axis=0))
        # Conditions that must stay >= 0 on the segment, as g0 + t g1: the slacks of the rows
        # that do not bind and the multipliers of the inequalities that do. (CHC is symmetric:
        # its rows stand for its columns.)
        g = U.T.dot(self.f.CHC.take(rows, axis=0)).T + self.slack_offset
        pinned = len(rows) == len(self.mu)
        if pinned:
            # As many independent binding rows as assets fix the weights: they cannot move with t,
            # and a rounding residue in their slope would end the segment at a spurious huge t.
            g[:, 1] = 0.0
        g[rows] = U
        g[: self.problem.n_eq] = (np.inf, 0.0)
        g0, g1 = g[:, 0], g[:, 1]
        if (g0 + at * g1).min() < -1e-9 * (1.0 + at * self.scale):
            return None
        end, end_event = self._first_hit(g0, g1, g1 < -1e-12 * self.scale, at, np.inf, min)
        start, start_event = self._first_hit(g0, g1, g1 > 1e-12 * self.scale, at, 0.0, max)
        W = self.f.HC.take(rows, axis=1).dot(U) + self.weight_offset
        if pinned:
            W[:, 1] = 0.0
        return Segment(tuple(rows.tolist()), start, end, W, start_event, end_event)

    @staticmethod
    def _first_hit(g0, g1, moving, at, default, pick) -> tuple[float, int]:
        """Where the first condition reaches zero going away from ``at`` (up for min, down for
        max), and which row it is."""
        which = moving.nonzero()[0]
        if not len(which):
            return default, -1
        hits = g0.take(which) / -g1.take(which)
        k = int(hits.argmin() if pick is min else hits.argmax())
        # Rounding may put a hit just behind ``at``.
        hit = max(float(hits[k]), at) if pick is min else min(float(hits[k]), at)
        if pick is max and hit <= 0.0:
            return 0.0, -1
        return hit, int(which[k])

    def _pivot(self, event: int) -> bool:
        """Add or drop row ``event``; False when adding it leaves a dependent set."""
        where = (self.active.rows == event).nonzero()[0]
        if len(where):
            self.active.drop(int(where[0]))
            return True
        r, change = self.active.direction(event)
        if change[event] <= 1e-10 * self.f.CHC[event, event]:
            return False
        self.active.add(event, r, change[event])
        return True

    def advance(self, up: bool = True) -> Segment | None:
        """Move to the next segment up (or down) in ``t``; None past the last one."""
        stalled = 0
        for _ in range(self.limit):
            here = self.current
            boundary, event = (here.end, here.end_event) if up else (here.start, here.start_event)
            if event < 0:
                return None
            found = self._segment(boundary) if self._pivot(event) else None
            if found is None or stalled >= 2:
                # Several rows change at the same t: solve afresh a little further on.
                probe = max(boundary + (1 if up else -1) * PROBE * (1.0 + boundary), 0.0)
                found = self._solve_at(probe)
                start, end = (min(found.start, boundary), found.end) if up else (
                    found.start, max(found.end, boundary))
                found = Segment(found.active, start, end, found.W, found.start_event,
                                found.end_event)
                stalled = 0
            self.current = found
            if found.end > found.start:
                return found
            stalled += 1
        raise RuntimeError("the efficient frontier path did not terminate (cycling)")


def critical_line(factorization: Factorization, expected_returns: np.ndarray) -> Iterator[Segment]:
    """Yield the frontier's segments in order of increasing risk tolerance, from ``t = 0``.

    Raises
    ------
    QPInfeasibleError
        When the constraints admit no portfolio.
    """
    walk = FrontierWalk(factorization, expected_returns, 0.0)
    segment = walk.current
    while segment is not None:
        yield segment
        segment = walk.advance(up=True)
