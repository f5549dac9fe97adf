"""Exact solver for small, dense, convex quadratic programs.

Problem (all arrays dense)::

    minimise    1/2 x' P x - q' x
    subject to  C[:n_eq] x  = b[:n_eq]
                C[n_eq:] x >= b[n_eq:]

The method is the dual active-set algorithm of Goldfarb and Idnani (Mathematical Programming 27,
1983): start from the unconstrained minimum, then repeatedly pick the most violated constraint and
move primal and dual variables together until it holds, dropping constraints whose multipliers would
turn negative. Each step keeps the iterate optimal for the constraints already active, so it ends at
the exact optimum after finitely many steps, and it proves infeasibility when a violated constraint
cannot be satisfied together with the active ones; no starting point is needed.

Why not a general-purpose modelling library: a portfolio of about a dozen asset classes gives a QP
with a dozen variables and a few dozen constraints. At that size the work of an active-set step is a
few microseconds of linear algebra, while a modelling layer (cvxpy) spends milliseconds translating
the problem on every call. The chat calls the optimizer on every recommending turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import cho_factor, cho_solve

#: Relative size of the ridge added to a covariance that is singular (e.g. a duplicated asset), so
#: that a unique optimum exists; it moves the optimum's variance by about this fraction.
RIDGE = 1e-10
#: Feasibility tolerance, relative to the scale of the iterate.
FEASIBILITY_TOL = 1e-12


class QPInfeasibleError(ValueError):
    """No point satisfies the constraints.

    Attributes
    ----------
    constraint : int
        Index of the constraint that could not be satisfied.
    blocking : tuple of int
        Indices of the active constraints it contradicts.
    """

    def __init__(self, constraint: int, blocking: tuple[int, ...]):
        super().__init__(f"constraint {constraint} contradicts constraints {list(blocking)}")
        self.constraint = constraint
        self.blocking = blocking


@dataclass(frozen=True)
class QuadraticProgram:
    """Data of ``min 1/2 x'Px - q'x`` s.t. ``C[:n_eq] x = b[:n_eq]``, ``C[n_eq:] x >= b[n_eq:]``."""

    hessian: np.ndarray
    linear: np.ndarray
    constraints: np.ndarray
    rhs: np.ndarray
    n_eq: int


@dataclass
class QPSolution:
    """Optimum of a :class:`QuadraticProgram`.

    Attributes
    ----------
    x : numpy.ndarray
        The minimiser.
    multipliers : numpy.ndarray
        One per constraint: ``P x - q = C' multipliers``; zero for inactive constraints and
        non-negative for inequalities.
    active : tuple of int
        Constraints held with equality at the optimum (the equalities and the binding inequalities).
    iterations : int
        Active-set changes made.
    """

    x: np.ndarray
    multipliers: np.ndarray
    active: tuple[int, ...]
    iterations: int = 0


@dataclass
class Factorization:
    """Products with the inverse Hessian ``H = P^-1`` shared by every solve on the same matrices.

    ``HC = H C'`` and ``CHC = C H C'``; the dual method only needs these, so they are computed once
    per covariance and constraint set (the efficient frontier reuses them for every point).
    """

    problem: QuadraticProgram
    ridge: float
    factor: tuple = field(repr=False)
    HC: np.ndarray = field(repr=False)
    CHC: np.ndarray = field(repr=False)

    def inverse_times(self, v: np.ndarray) -> np.ndarray:
        return cho_solve(self.factor, v)


def factorize(problem: QuadraticProgram) -> Factorization:
    """Factor the Hessian (adding a tiny ridge when it is only semi-definite)."""
    P = problem.hessian
    n = P.shape[0]
    scale = float(np.max(np.abs(np.diag(P)))) if n else 1.0
    scale = scale if scale > 0 else 1.0
    ridge = 0.0
    try:
        factor = cho_factor(P, lower=True, check_finite=False)
        # A pivot many orders below the diagonal means a (numerically) singular matrix.
        if np.min(np.abs(np.diag(factor[0]))) ** 2 < 1e-13 * scale:
            raise np.linalg.LinAlgError("nearly singular")
    except np.linalg.LinAlgError:
        ridge = RIDGE * scale
        factor = cho_factor(P + ridge * np.eye(n), lower=True, check_finite=False)
    C = problem.constraints
    HC = cho_solve(factor, C.T)
    return Factorization(problem=problem, ridge=ridge, factor=factor, HC=HC, CHC=C @ HC)


def solve_qp(problem: QuadraticProgram, factorization: Factorization | None = None,
             max_iterations: int | None = None) -> QPSolution:
    """Solve a convex QP exactly with the Goldfarb-Idnani dual active-set method.

    Parameters
    ----------
    problem : QuadraticProgram
    factorization : Factorization, optional
        From :func:`factorize` on a problem with the same Hessian and constraints (the linear term
        may differ); computed when omitted.
    max_iterations : int, optional
        Guard against cycling caused by rounding; default ``10 * (n + m)``.

    Raises
    ------
    QPInfeasibleError
        When no point satisfies the constraints; names the contradicting constraints.
    """
    f = factorization if factorization is not None else factorize(problem)
    C = problem.constraints.copy()
    b = problem.rhs.astype(float)
    HC, CHC = f.HC.copy(), f.CHC.copy()
    n_eq = problem.n_eq
    m, n = C.shape
    limit = max_iterations or 10 * (n + m)
    x = f.inverse_times(problem.linear)
    active: list[int] = []
    u = np.zeros(0)
    redundant: set[int] = set()
    iterations = 0

    def flip(j: int) -> None:
        # Approach an equality from whichever side the iterate lies on.
        C[j] *= -1.0
        b[j] *= -1.0
        HC[:, j] *= -1.0
        CHC[j, :] *= -1.0
        CHC[:, j] *= -1.0

    while True:
        tol = FEASIBILITY_TOL * (1.0 + float(np.max(np.abs(x), initial=0.0)))
        p = _next_constraint(C, b, x, n_eq, active, redundant, tol)
        if p is None:
            break
        slack = float(C[p] @ x - b[p])
        if p < n_eq and slack > 0:
            flip(p)
            slack = -slack
        u_p = 0.0
        while True:
            iterations += 1
            if iterations > limit:
                raise RuntimeError("quadratic program did not converge (cycling)")
            if active:
                idx = np.asarray(active)
                r = np.linalg.solve(CHC[np.ix_(idx, idx)], CHC[idx, p])
                z = HC[:, p] - HC[:, idx] @ r
            else:
                r = np.zeros(0)
                z = HC[:, p]
            curvature = float(C[p] @ z)
            full = -slack / curvature if curvature > 1e-12 * CHC[p, p] else np.inf
            partial, k = np.inf, -1
            for pos, j in enumerate(active):
                if j >= n_eq and r[pos] > 0 and u[pos] / r[pos] < partial:
                    partial, k = u[pos] / r[pos], pos
            if full == np.inf and partial == np.inf:
                if p < n_eq and abs(slack) <= tol:
                    redundant.add(p)  # a linear combination of equalities already held
                    break
                raise QPInfeasibleError(p, tuple(active))
            step = min(full, partial)
            if full < np.inf:
                x = x + step * z
                slack += step * curvature
            u = u - step * r
            u_p += step
            if step == full:
                active.append(p)
                u = np.append(u, u_p)
                break
            del active[k]
            u = np.delete(u, k)
    return _polish(problem, f, active, iterations)


def _next_constraint(C, b, x, n_eq, active, redundant, tol) -> int | None:
    """The first equality not yet held, else the most violated inequality (None when optimal)."""
    held = set(active) | redundant
    for j in range(n_eq):
        if j not in held:
            return j
    if C.shape[0] == n_eq:
        return None
    slack = C[n_eq:] @ x - b[n_eq:]
    if held:
        slack[[j - n_eq for j in held if j >= n_eq]] = np.inf
    worst = int(np.argmin(slack))
    return worst + n_eq if slack[worst] < -tol else None


def _polish(problem: QuadraticProgram, f: Factorization, active: list[int],
            iterations: int) -> QPSolution:
    """Recompute the optimum from the final active set in one solve (removes rounding drift).

    The system uses the original orientation of every constraint, so flipped equalities get back
    their own sign.
    """
    C, b = problem.constraints, problem.rhs
    Hq = f.inverse_times(problem.linear)
    multipliers = np.zeros(C.shape[0])
    if not active:
        return QPSolution(Hq, multipliers, (), iterations)
    idx = np.asarray(sorted(active))
    u = np.linalg.solve(f.CHC[np.ix_(idx, idx)], b[idx] - C[idx] @ Hq)
    x = Hq + f.HC[:, idx] @ u
    multipliers[idx] = u
    # Inequality multipliers are non-negative up to rounding; equalities keep their sign.
    ineq = idx >= problem.n_eq
    multipliers[idx[ineq]] = np.maximum(u[ineq], 0.0)
    return QPSolution(x, multipliers, tuple(int(j) for j in idx), iterations)
