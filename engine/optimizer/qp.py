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
from scipy.linalg.lapack import dposv, dpotrf

from engine.optimizer.active_rows import ActiveRows

#: A Cholesky pivot below this fraction of the largest variance marks a singular matrix.
SINGULAR = 1e-10
#: Violation accepted for a row that depends on the active ones (rounding in that dependence).
DEPENDENT_TOL = 1e-9
#: Feasibility tolerance, relative to the scale of the iterate.
FEASIBILITY_TOL = 1e-12
#: Active-set guesses tried by :func:`_block_pivot`, beyond one per constraint, before the dual
#: method takes over.
PIVOT_SWEEPS = 8


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
    """Products with the inverse Hessian ``H`` shared by every solve on the same matrices.

    ``HC = H C'`` and ``CHC = C H C'``; the dual method only needs these, so they are computed once
    per covariance and constraint set (the efficient frontier reuses them for every point). At a
    few dozen variables the explicit inverse is cheaper than triangular solves on every call.

    A singular ``P`` (a duplicated asset, fewer observations than assets) is made invertible
    without changing the problem where possible: ``P + rho E'E`` for the equality rows ``E``
    differs from ``P`` by the constant ``rho |b_E|^2`` on the feasible set (``augment = rho``).
    Directions that stay singular are long-short mixes with zero variance that cost nothing
    (``null_space`` is their number), as a duplicated asset gives; ``P`` is raised along them, so
    the optimizer splits weight evenly between duplicates. The result is then exact for
    duplicates with equal expected returns; when such a riskless mix also changes the expected
    return (an arbitrage in the inputs) it is a well-defined but not an optimal answer.
    """

    problem: QuadraticProgram
    augment: float
    null_space: int
    H: np.ndarray = field(repr=False)
    HC: np.ndarray = field(repr=False)
    CHC: np.ndarray = field(repr=False)

    def inverse_times(self, v: np.ndarray) -> np.ndarray:
        return self.H.dot(v)


def _cholesky(P: np.ndarray, scale: float) -> np.ndarray | None:
    # LAPACK directly: numpy's wrapper costs more than the factorisation at this size.
    L, info = dpotrf(P, lower=1)
    return L if info == 0 and L.diagonal().min() ** 2 >= SINGULAR * scale else None


def factorize(problem: QuadraticProgram) -> Factorization:
    """Invert the Hessian, regularised as :class:`Factorization` explains when it is singular."""
    P = problem.hessian
    scale = float(np.abs(np.diag(P)).max(initial=0.0)) or 1.0
    augment, null_space = 0.0, 0
    L = _cholesky(P, scale)
    equalities = problem.constraints[: problem.n_eq]
    if L is None and len(equalities):
        augment = scale / float((equalities**2).sum(axis=1).max())
        P = P + augment * equalities.T.dot(equalities)
        L = _cholesky(P, scale)
    if L is None:
        values, vectors = np.linalg.eigh(P)
        null = vectors[:, values < SINGULAR * values.max(initial=scale)]
        null_space = null.shape[1]
        P = P + scale * null.dot(null.T)
        L = np.linalg.cholesky(P)
    L_inv = np.linalg.inv(L)
    H = L_inv.T.dot(L_inv)
    C = problem.constraints
    HC = H.dot(C.T)
    return Factorization(problem, augment, null_space, H, HC, C.dot(HC))


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
    solution, start = _block_pivot(problem, f)
    if solution is not None:
        return solution
    m, n = problem.constraints.shape
    state = _DualActiveSet(problem, f, max_iterations or 10 * (n + m))
    if start is not None:
        state.resume(*start)
    for p in range(state.equalities_held, problem.n_eq):
        state.enforce(p)
    while True:
        p = state.most_violated()
        if p is None:
            break
        state.enforce(p)
    return _polish(problem, f, state.active.rows, state.iterations)


class _DualActiveSet:
    """Iterate of the dual method: slacks of every constraint, the active rows and multipliers.

    The primal point itself is not carried: it follows from the active set (see :func:`_polish`),
    and the slacks ``C x - b`` are all a step needs. Equalities enter first and never leave, so
    they are the leading active rows.
    """

    def __init__(self, problem: QuadraticProgram, f: Factorization, limit: int):
        # Local copy: an equality approached from above is negated in place.
        self.CHC = f.CHC.copy()
        x = f.inverse_times(problem.linear)
        self.slack = problem.constraints.dot(x) - problem.rhs
        self.rhs_scale = float(np.abs(problem.rhs).max(initial=0.0))
        self.tol = FEASIBILITY_TOL * (1.0 + float(np.abs(x).max(initial=0.0))
                                      + float(np.abs(problem.rhs).max(initial=0.0)))
        self.n_eq = problem.n_eq
        self.equalities_held = 0
        self.limit = limit
        self.iterations = 0
        self.active = ActiveRows(self.CHC)
        self._u = np.empty(len(self.slack))
        self.skip = np.zeros(len(self.slack), dtype=bool)  # active, redundant or an equality
        self.skip[: self.n_eq] = True

    def resume(self, rows: np.ndarray, u: np.ndarray, slack: np.ndarray, steps: int) -> None:
        """Start from the optimum over ``rows`` (all the equalities first, then inequalities with
        non-negative multipliers ``u``), whose constraint slacks are ``slack``."""
        self.active.reset(rows)
        self._u[: len(rows)] = u
        # Rounding may leave an inequality's multiplier a hair below zero; the ratio test needs >= 0.
        np.maximum(self._u[self.n_eq : len(rows)], 0.0, out=self._u[self.n_eq : len(rows)])
        self.slack = slack.copy()
        self.skip[rows] = True
        self.equalities_held = self.n_eq
        self.iterations = steps

    def most_violated(self) -> int | None:
        slack = np.where(self.skip, np.inf, self.slack)
        p = int(slack.argmin())
        return p if slack[p] < -self.tol else None

    def enforce(self, p: int) -> None:
        """Make constraint ``p`` hold, dropping active inequalities whose multipliers would go
        negative on the way, and add it to the active set."""
        CHC, active, equality = self.CHC, self.active, p < self.n_eq
        if equality and self.slack[p] > 0:
            # Approach the equality from the side the iterate lies on.
            CHC[p, :] *= -1.0
            CHC[:, p] *= -1.0
            self.slack[p] *= -1.0
        u_p = 0.0
        while True:
            self.iterations += 1
            if self.iterations > self.limit:
                raise RuntimeError("quadratic program did not converge (cycling)")
            r, change = active.direction(p)
            curvature = change[p]
            full = -self.slack[p] / curvature if curvature > 1e-12 * CHC[p, p] else np.inf
            u = self._u[: active.size]
            # Largest dual step before an active inequality's multiplier reaches zero.
            ratios = np.divide(u, r, out=np.full(active.size, np.inf), where=r > 0)
            ratios[: self.equalities_held] = np.inf
            k = int(ratios.argmin()) if active.size else -1
            partial = ratios[k] if active.size else np.inf
            if full == np.inf and partial == np.inf:
                if abs(self.slack[p]) <= DEPENDENT_TOL * (1.0 + abs(self.rhs_scale)):
                    # A combination of active rows that already (nearly) holds, e.g. a target
                    # return equal to the maximum reachable: nothing left to enforce.
                    self.skip[p] = True
                    return
                raise QPInfeasibleError(p, tuple(int(j) for j in active.rows))
            step = min(full, partial)
            if full < np.inf:
                self.slack += step * change
            u -= step * r
            u_p += step
            if step == full:
                self._u[active.size] = u_p
                active.add(p, r, curvature)
                self.skip[p] = True
                self.equalities_held += equality
                return
            self.skip[active.rows[k]] = False
            self._u[k : active.size - 1] = self._u[k + 1 : active.size]
            active.drop(k)


def _block_pivot(problem: QuadraticProgram, f: Factorization
                 ) -> tuple[QPSolution | None, tuple | None]:
    """Guess the active set a block at a time.

    Each sweep solves the optimality conditions with the guessed rows held as equalities. If an
    inequality's multiplier is negative, those rows are released; otherwise every violated row is
    added at once. When such a block overshoots (more rows than variables, or dependent rows, as
    a lower and an upper bound of one asset), the guess goes back to the last one with
    non-negative multipliers and adds the most violated row at a time. A portfolio problem
    usually settles in a few sweeps, each one small solve, with far less bookkeeping than the
    dual method. The answer is accepted only when it satisfies
    every optimality condition (feasible, non-negative multipliers) with independent active rows,
    so it is the exact optimum.

    Returns
    -------
    solution : QPSolution or None
        The optimum, when the guesses settled.
    start : tuple or None
        Otherwise the last guess with non-negative multipliers, ``(rows, multipliers, slacks,
        sweeps)``: optimal for its own rows, so the dual method can go on from there (it also
        proves infeasibility).
    """
    C, n_eq, CHC = problem.constraints, problem.n_eq, f.CHC
    m, n = C.shape
    Hq = f.inverse_times(problem.linear)
    base = C.dot(Hq) - problem.rhs  # slacks at the minimum without constraints
    tol = FEASIBILITY_TOL * (1.0 + float(np.abs(Hq).max(initial=0.0))
                             + float(np.abs(problem.rhs).max(initial=0.0)))
    active = np.zeros(m, dtype=bool)
    active[:n_eq] = True
    start, one_by_one = None, False
    for sweep in range(1, PIVOT_SWEEPS + len(base) + 1):
        idx = active.nonzero()[0]
        if len(idx):
            rows = CHC.take(idx, axis=0)
            gram = rows.take(idx, axis=1)
            factor, u, info = dposv(gram, -base.take(idx))
            dependent = info or factor.diagonal().min() ** 2 < SINGULAR * gram.diagonal().max()
            if dependent or len(idx) > n:
                if one_by_one or start is None:
                    # A row that depends on the active ones: the dual method skips it, or proves
                    # the rows contradict (from the start, so that it names only those rows).
                    return None, None
                # The block of violated rows overshot: add them one at a time from here on.
                one_by_one = True
                active[:] = False
                active[start[0]] = True
                active[_most_violated(start[2], active)] = True
                continue
            released = u < -tol
            released[:n_eq] = False  # idx starts with the equalities
            if released.any():
                active[idx[released]] = False
                continue
            slack = base + u.dot(rows)
        else:
            u, slack = np.empty(0), base
        start = (idx, u, slack, sweep)
        violated = slack < -tol
        violated[idx] = False
        if not violated.any():
            return _assemble(problem, f, idx, u, Hq, sweep), None
        if one_by_one:
            active[_most_violated(slack, active)] = True
        else:
            active |= violated
    return None, start


def _most_violated(slack: np.ndarray, active: np.ndarray) -> int:
    return int(np.where(active, np.inf, slack).argmin())


def _assemble(problem: QuadraticProgram, f: Factorization, idx: np.ndarray, u: np.ndarray,
              Hq: np.ndarray, iterations: int) -> QPSolution:
    """The solution from the sorted active rows ``idx`` and their multipliers ``u``."""
    b = problem.rhs
    multipliers = np.zeros(len(b))
    if not len(idx):
        return QPSolution(Hq, multipliers, (), iterations)
    x = Hq + f.HC.take(idx, axis=1).dot(u)
    # Inequality multipliers are non-negative up to rounding; equalities keep their sign.
    multipliers[idx] = np.where(idx >= problem.n_eq, np.maximum(u, 0.0), u)
    # The augmented Hessian moved rho * E'b_E into the equalities' multipliers: take it back.
    multipliers[: problem.n_eq] -= f.augment * b[: problem.n_eq]
    return QPSolution(x, multipliers, tuple(idx.tolist()), iterations)


def _polish(problem: QuadraticProgram, f: Factorization, active: np.ndarray,
            iterations: int) -> QPSolution:
    """Recompute the optimum from the final active set in one solve (removes rounding drift).

    The system uses the original orientation of every constraint, so flipped equalities get back
    their own sign.
    """
    C, b = problem.constraints, problem.rhs
    Hq = f.inverse_times(problem.linear)
    idx = np.sort(active)
    if not len(idx):
        return _assemble(problem, f, idx, np.empty(0), Hq, iterations)
    gram = f.CHC.take(idx, axis=0).take(idx, axis=1)
    rhs = b.take(idx) - C.take(idx, axis=0).dot(Hq)
    try:
        u = np.linalg.solve(gram, rhs)
    except np.linalg.LinAlgError:
        # Active rows that are dependent up to rounding: any consistent multipliers give the
        # same point.
        u = np.linalg.lstsq(gram, rhs, rcond=None)[0]
    return _assemble(problem, f, idx, u, Hq, iterations)
