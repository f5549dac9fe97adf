"""The mean-variance optimizer: optimality (KKT), agreement with an exact enumeration of active
bounds and with PyPortfolioOpt on real data, error messages, and properties over random problems."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import nnls

from bench.optimizer import policy_bounds, pypfopt_weights, sp500_inputs
from engine.assumptions import load_assumptions
from engine.optimizer import InfeasibleError, efficient_frontier, optimize
from engine.optimizer.qp import QPInfeasibleError, QuadraticProgram, solve_qp

# --------------------------------------------------------------------------------------------
# Problems


def random_market(rng: np.random.Generator, n: int, singular: str = ""):
    """Expected returns and a factor-model covariance.

    ``singular``: "duplicate" repeats the last asset; "perfect" adds an asset perfectly
    correlated with the last one but 1.5 times as volatile (both make the covariance singular).
    """
    labels = [f"a{i}" for i in range(n)]
    factors = rng.normal(size=(n, n + 2)) * 0.1
    cov = factors @ factors.T + 1e-4 * np.eye(n)
    mu = rng.uniform(0.01, 0.12, size=n)
    if singular:
        scale = 1.0 if singular == "duplicate" else 1.5
        extra = np.append(cov[-1] * scale, cov[-1, -1] * scale**2)
        cov = np.vstack([np.column_stack([cov, extra[:-1]]), extra])
        mu = np.append(mu, mu[-1] if singular == "duplicate" else rng.uniform(0.01, 0.12))
        labels.append(f"a{n}")
    return pd.Series(mu, index=labels), pd.DataFrame(cov, index=labels, columns=labels)


@pytest.fixture(scope="module")
def sp500():
    return sp500_inputs()


@pytest.fixture(scope="module")
def classes():
    cma = load_assumptions()
    return cma.arithmetic_returns, cma.covariance


@pytest.fixture(scope="module")
def policy(classes):
    bounds, groups = policy_bounds(list(classes[0].index))
    return {"bounds": bounds, "group_bounds": groups}


# --------------------------------------------------------------------------------------------
# Optimality conditions, checked from the weights alone (independently of the solver's state)


def _limits(labels, bounds, group_bounds):
    """Constraint gradients and values g(w) >= 0 for the bounds, written out here from scratch."""
    n = len(labels)
    if isinstance(bounds, dict):
        pairs = [bounds.get(a, (0.0, 1.0)) for a in labels]
    else:
        pairs = [bounds] * n
    rows = []
    for i, (low, high) in enumerate(pairs):
        e = np.eye(n)[i]
        rows += [(e, -low), (-e, high)]
    for members, low, high in (group_bounds or {}).values():
        mask = np.isin(labels, members).astype(float)
        rows += [(mask, -low), (-mask, high)]
    return rows


def assert_kkt(w, gradient, labels, bounds=(0.0, 1.0), group_bounds=None, extra=(), tol=1e-7):
    """``w`` is feasible and some multipliers satisfy stationarity and complementary slackness:
    gradient = a * 1 + sum_i b_i * grad g_i(w) with b_i >= 0 only on active constraints.

    ``extra`` adds constraints as (gradient, value) pairs (value = g(w) >= 0).
    """
    assert abs(w.sum() - 1) < 1e-10
    active = []
    for grad, value in [(g, g @ w + c) for g, c in _limits(labels, bounds, group_bounds)] + list(
        extra
    ):
        assert value >= -1e-9, f"constraint violated by {value}"
        if value <= 1e-9:
            active.append(grad)
    # Budget multiplier is free: split into +1 and -1 columns for the non-negative solve.
    ones = np.ones(len(w))
    basis = np.column_stack([ones, -ones, *active]) if active else np.column_stack([ones, -ones])
    _, residual = nnls(basis, gradient, maxiter=1000)
    assert residual <= tol * max(1.0, np.linalg.norm(gradient)), f"KKT residual {residual:.3g}"


def sharpe_gradient(w, mu, cov, rf):
    """Gradient of minus the Sharpe ratio."""
    excess, var = (mu - rf) @ w, w @ cov @ w
    return -((mu - rf) * var - excess * (cov @ w)) / var**1.5


def assert_optimal(w, mu, cov, objective, labels, *, bounds=(0.0, 1.0), group_bounds=None,
                   target=None, risk_free_rate=0.0):
    """``w`` satisfies the KKT conditions of the objective's own problem (sufficient for a global
    optimum: the problems are convex, and the Sharpe ratio is pseudo-concave where it is positive)."""
    limits = {"bounds": bounds, "group_bounds": group_bounds}
    if objective == "min_volatility":
        assert_kkt(w, cov @ w, labels, **limits)
    elif objective == "target_return":
        assert mu @ w >= target - 1e-10
        assert_kkt(w, cov @ w, labels, **limits, extra=[(mu, mu @ w - target)])
    elif objective == "target_volatility":
        gap = target**2 - w @ cov @ w
        assert gap >= -1e-12
        assert_kkt(w, -mu, labels, **limits, extra=[(-2 * cov @ w, gap)])
    else:
        assert (mu - risk_free_rate) @ w > 0
        assert_kkt(w, sharpe_gradient(w, mu, cov, risk_free_rate), labels, **limits)


def check_objective(mu, cov, objective, **kwargs):
    """Solve and verify the KKT conditions of the objective's own problem."""
    w = optimize(mu, cov, objective, **kwargs).to_numpy()
    assert_optimal(w, mu.to_numpy(), cov.to_numpy(), objective, list(mu.index), **kwargs)
    return w


OBJECTIVES = [
    ("min_volatility", {}),
    ("max_sharpe", {"risk_free_rate": 0.02}),
    ("target_return", {"target": 0.25}),
    ("target_volatility", {"target": 0.22}),
]


@pytest.mark.parametrize(("objective", "kwargs"), OBJECTIVES)
def test_kkt_on_sp500(sp500, objective, kwargs):
    check_objective(*sp500, objective, **kwargs)


#: Each objective on the engine's asset classes within the policy's bounds, with a target that
#: the policy's bounds can reach.
ASSET_CLASS_OBJECTIVES = [
    ("min_volatility", {}),
    ("max_sharpe", {"risk_free_rate": 0.035}),
    ("target_return", {"target": 0.06}),
    ("target_volatility", {"target": 0.10}),
]


@pytest.mark.parametrize(("objective", "kwargs"), ASSET_CLASS_OBJECTIVES)
def test_kkt_with_policy_bounds(classes, policy, objective, kwargs):
    w = check_objective(*classes, objective, **policy, **kwargs)
    labels = list(classes[0].index)
    equity = sum(w[labels.index(a)] for a in policy["group_bounds"]["equity"][0])
    assert equity == pytest.approx(0.60, abs=1e-12)


def test_kkt_on_random_problems():
    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(3, 16))
        mu, cov = random_market(rng, n)
        high = float(rng.uniform(1.5 / n, 1.0))
        members = list(mu.index[: n // 2])
        groups = {"g": (members, 0.0, float(rng.uniform(0.2, 0.8)))}
        for objective, kwargs in [("min_volatility", {}), ("max_sharpe", {"risk_free_rate": 0.0})]:
            check_objective(mu, cov, objective, bounds=(0.0, high), group_bounds=groups, **kwargs)


def test_solver_multipliers_satisfy_kkt():
    """The QP solver's own multipliers: stationarity, sign, complementary slackness."""
    rng = np.random.default_rng(11)
    for _ in range(100):
        n, m_eq, m_in = int(rng.integers(2, 12)), int(rng.integers(0, 3)), int(rng.integers(1, 20))
        F = rng.normal(size=(n, n))
        P, q = F @ F.T + 1e-3 * np.eye(n), rng.normal(size=n)
        C = rng.normal(size=(m_eq + m_in, n))
        x_feasible = rng.normal(size=n)
        b = C @ x_feasible - np.concatenate([np.zeros(m_eq), rng.uniform(0, 1, m_in)])
        sol = solve_qp(QuadraticProgram(P, q, C, b, m_eq))
        slack, lam = C @ sol.x - b, sol.multipliers
        # Rounding in these solves is a multiple of eps times the size of the terms, not of the
        # result, so the tolerances are relative to the terms (up to 3e-12 of them was seen over
        # 10,000 such problems; the terms reach 1e3).
        size = np.abs(P).max() * np.abs(sol.x).max() + np.abs(q).max() + np.abs(C).max() * (
            np.abs(lam).max())
        row_size = np.abs(C).max() * np.abs(sol.x).max() + np.abs(b).max()
        np.testing.assert_allclose(P @ sol.x - q, C.T @ lam, rtol=0, atol=1e-10 * size)
        np.testing.assert_allclose(slack[:m_eq], 0, rtol=0, atol=1e-10 * row_size)
        assert slack[m_eq:].min() >= -1e-10 * row_size
        assert lam[m_eq:].min() >= 0
        np.testing.assert_allclose(lam[m_eq:] * slack[m_eq:], 0, rtol=0,
                                   atol=1e-10 * row_size * np.abs(lam).max())


def test_solver_proves_infeasibility():
    # x >= 1 and x <= 0 in one variable.
    C, b = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    with pytest.raises(QPInfeasibleError) as caught:
        solve_qp(QuadraticProgram(np.eye(1), np.zeros(1), C, b, 0))
    assert {caught.value.constraint, *caught.value.blocking} == {0, 1}


# --------------------------------------------------------------------------------------------
# Exact solutions by enumeration of the active bounds


def face_lines(mu, cov, low, high):
    """The frontier of every face of the box ``low <= w <= high`` that can meet the budget.

    A face holds some assets at their lower bound, some at their upper bound and leaves the rest
    free (3^n faces). On a face, the portfolios of least variance for each expected return, with
    the budget met, lie on a line ``u + t v``: the free weights solve
    ``cov_FF w_F + cov_FX w_X = lam 1 + t mu_F`` with ``sum w = 1``. Returns ``U`` and ``V``, one
    row per face.
    """
    n = len(mu)
    lines = []
    for pattern in itertools.product((None, "low", "high"), repeat=n):
        fixed = [i for i, p in enumerate(pattern) if p]
        free = [i for i, p in enumerate(pattern) if not p]
        u, v = np.zeros(n), np.zeros(n)
        for i in fixed:
            u[i] = low[i] if pattern[i] == "low" else high[i]
        rest = 1.0 - u.sum()  # what the free assets must hold together
        if not low[free].sum() - 1e-12 <= rest <= high[free].sum() + 1e-12:
            continue
        if free:
            k = len(free)
            kkt = np.block([[cov[np.ix_(free, free)], -np.ones((k, 1))],
                            [np.ones((1, k)), np.zeros((1, 1))]])
            rhs = np.column_stack([np.append(-cov[np.ix_(free, fixed)] @ u[fixed], rest),
                                   np.append(mu[free], 0.0)])
            solution = np.linalg.solve(kkt, rhs)
            u[free], v[free] = solution[:k, 0], solution[:k, 1]
        lines.append((u, v))
    U, V = (np.array(side) for side in zip(*lines, strict=True))
    return U, V


def exact_solution(faces, mu, cov, low, high, objective, target=None, risk_free_rate=0.0):
    """The optimum of ``objective`` under the bounds and the budget, for a positive definite
    covariance (where it is unique).

    The optimum lies inside the face of the bounds it holds at, on that face's line, at the point
    given by the objective: ``t = 0`` (least variance; also every vertex, where ``v = 0``), the
    ``t`` where the return meets its target, the roots of ``w(t)' cov w(t) = target^2``, or the
    one stationary point of the Sharpe ratio along the line. Every such point of every face that
    is feasible is a candidate; the best candidate is the optimum.
    """
    U, V = faces
    a = np.einsum("fi,ij,fj->f", U, cov, U)
    b = np.einsum("fi,ij,fj->f", U, cov, V)
    c = np.einsum("fi,ij,fj->f", V, cov, V)
    ts = [np.zeros(len(U))]
    with np.errstate(divide="ignore", invalid="ignore"):
        if objective == "target_return":
            ts.append((target - U @ mu) / (V @ mu))
        elif objective == "target_volatility":
            root = np.sqrt(b * b - c * (a - target**2))
            ts += [(-b - root) / c, (-b + root) / c]
        elif objective == "max_sharpe":
            # S(t) = (alpha + beta t) / sqrt(a + 2 b t + c t^2); S'(t) = 0 is linear in t.
            alpha, beta = U @ (mu - risk_free_rate), V @ (mu - risk_free_rate)
            ts.append((alpha * b - beta * a) / (beta * b - alpha * c))
    t = np.concatenate(ts)
    finite = np.isfinite(t)
    t = np.where(finite, t, 0.0)
    W = np.tile(U, (len(ts), 1)) + t[:, None] * np.tile(V, (len(ts), 1))
    variance, ret = np.einsum("fi,ij,fj->f", W, cov, W), W @ mu
    feasible = finite & (W - low >= -1e-12).all(axis=1) & (high - W >= -1e-12).all(axis=1)
    if objective in ("min_volatility", "target_return"):
        if objective == "target_return":
            feasible &= ret >= target - 1e-12
        value = -variance
    elif objective == "target_volatility":
        feasible &= variance <= target**2 * (1 + 1e-12)
        value = ret
    else:
        feasible &= ret > risk_free_rate
        value = (ret - risk_free_rate) / np.sqrt(variance)
    assert feasible.any(), "the enumeration found no feasible portfolio"
    return W[np.where(feasible, value, -np.inf).argmax()]


@pytest.fixture(scope="module")
def small_problems():
    """Sixteen problems of 5 to 8 assets, each asset with its own bounds, and their faces."""
    rng = np.random.default_rng(3)
    found = []
    for k in range(16):
        n = 5 + k % 4
        mu, cov = random_market(rng, n)
        low = rng.uniform(0, 0.1, n)
        high = low + rng.uniform(0.15, 0.6, n)
        if high.sum() < 1:
            high += (1 - high.sum()) / n + 0.01
        m, c = mu.to_numpy(), cov.to_numpy()
        faces = face_lines(m, c, low, high)
        floor = exact_solution(faces, m, c, low, high, "min_volatility")
        top = exact_solution(faces, m, c, low, high, "target_volatility", target=10.0)
        draw = rng.uniform(size=3)
        requests = {
            "min_volatility": {},
            "target_return": {"target": m @ floor + (0.1 + 0.8 * draw[0]) * (m @ top - m @ floor)},
            # Up to 10 % past the volatility of the highest return, where the target does not bind.
            "target_volatility": {"target": np.sqrt(floor @ c @ floor) + (0.1 + draw[1]) * (
                np.sqrt(top @ c @ top) - np.sqrt(floor @ c @ floor))},
            "max_sharpe": {"risk_free_rate": 0.8 * draw[2] * (m @ top)},
        }
        found.append((mu, cov, low, high, faces, requests))
    return found


@pytest.mark.parametrize("objective", ["min_volatility", "target_return", "target_volatility",
                                       "max_sharpe"])
def test_agrees_with_exact_enumeration_of_active_bounds(small_problems, objective):
    for mu, cov, low, high, faces, requests in small_problems:
        m, c, labels = mu.to_numpy(), cov.to_numpy(), list(mu.index)
        kwargs = requests[objective]
        bounds = {a: (lo, hi) for a, lo, hi in zip(labels, low, high, strict=True)}
        reference = exact_solution(faces, m, c, low, high, objective, **kwargs)
        # The reference proves itself: if the enumeration had missed the optimum, the best
        # candidate it kept would fail the optimality conditions.
        assert_optimal(reference, m, c, objective, labels, bounds=bounds, **kwargs)
        ours = optimize(mu, cov, objective, bounds=bounds, **kwargs).to_numpy()
        # Both are exact up to rounding (these covariances have eigenvalues of 1e-4 and more, so
        # about 1e-13 in the weights); a different active set would move them far more.
        np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-9)


# --------------------------------------------------------------------------------------------
# PyPortfolioOpt on real data


def assert_agrees_with_pypfopt(mu, cov, objective, **kwargs):
    ours = optimize(mu, cov, objective, **kwargs)
    theirs = pypfopt_weights(mu, cov, objective, **kwargs)
    if objective != "target_volatility":
        # PyPortfolioOpt solves these quadratic programs with OSQP: exact to rounding after its
        # polishing step, and within 5e-5 on these data without it (checked with polishing off).
        assert (ours - theirs).abs().max() < 1e-4
        return ours
    # Target volatility is a conic program for PyPortfolioOpt (Clarabel, an interior-point
    # method), which stops at a duality gap and residuals of 1e-8. The return then agrees to
    # about that, but the weights, on which the return depends only to second order at the
    # optimum, only to about its square root (1e-4; 4e-5 is seen on these data).
    assert mu @ theirs == pytest.approx(mu @ ours, abs=1e-7)
    assert np.sqrt(theirs @ cov @ theirs) <= kwargs["target"] + 1e-7
    assert (ours - theirs).abs().max() < 1e-3
    return ours


@pytest.mark.parametrize(("objective", "kwargs"), OBJECTIVES)
def test_agrees_with_pypfopt_on_sp500(sp500, objective, kwargs):
    assert_agrees_with_pypfopt(*sp500, objective, **kwargs)


@pytest.mark.parametrize(("objective", "kwargs"), OBJECTIVES)
def test_agrees_with_pypfopt_on_sp500_with_bounds_and_groups(sp500, objective, kwargs):
    mu, cov = sp500
    limits = {
        "bounds": {"AAPL": (0.02, 0.15), "JNJ": (0.0, 0.10), "XOM": (0.05, 0.2)},
        "group_bounds": {
            "energy": (["CVX", "XOM", "RRC"], 0.10, 0.25),
            "staples": (["KO", "PEP", "PG", "WMT"], 0.0, 0.30),
            "tech": (["AAPL", "AMD", "MSFT"], 0.20, 0.20),
        },
    }
    ours = assert_agrees_with_pypfopt(mu, cov, objective, **limits, **kwargs)
    assert ours[["AAPL", "AMD", "MSFT"]].sum() == pytest.approx(0.20, abs=1e-12)


@pytest.mark.parametrize(("objective", "kwargs"), ASSET_CLASS_OBJECTIVES)
def test_agrees_with_pypfopt_on_asset_classes_with_policy(classes, policy, objective, kwargs):
    assert_agrees_with_pypfopt(*classes, objective, **policy, **kwargs)


# --------------------------------------------------------------------------------------------
# Exactness, frontier, special inputs


def test_target_volatility_is_met_exactly(sp500):
    mu, cov = sp500
    for target in (0.18, 0.22, 0.3):
        w = optimize(mu, cov, "target_volatility", target=target)
        assert np.sqrt(w @ cov @ w) == pytest.approx(target, abs=1e-10)
        # The same portfolio is the least volatile one with its return.
        again = optimize(mu, cov, "target_return", target=float(mu @ w))
        assert (again - w).abs().max() < 1e-7


def test_target_volatility_above_the_frontier_gives_maximum_return(sp500):
    mu, cov = sp500
    w = optimize(mu, cov, "target_volatility", target=5.0)
    assert mu @ w == pytest.approx(mu.max(), abs=1e-12)


def test_efficient_frontier(sp500):
    mu, cov = sp500
    frontier = efficient_frontier(mu, cov, points=15, risk_free_rate=0.02)
    assert list(frontier.columns[:3]) == ["return", "volatility", "sharpe"]
    assert list(frontier.columns[3:]) == list(mu.index)
    assert len(frontier) == 15
    np.testing.assert_allclose(np.diff(frontier["return"]), np.diff(frontier["return"]).mean())
    assert np.all(np.diff(frontier["volatility"]) > 0)
    np.testing.assert_allclose(frontier.iloc[0][mu.index], optimize(mu, cov, "min_volatility"),
                               atol=1e-10)
    assert frontier["return"].iloc[-1] == pytest.approx(mu.max(), abs=1e-12)
    for _, row in frontier.iloc[1:-1].iterrows():
        w = optimize(mu, cov, "target_return", target=row["return"])
        np.testing.assert_allclose(row[mu.index].to_numpy(dtype=float), w, atol=1e-8)
    assert frontier["sharpe"].max() <= (
        (mu @ (w := optimize(mu, cov, "max_sharpe", risk_free_rate=0.02)) - 0.02)
        / np.sqrt(w @ cov @ w) + 1e-12
    )


def test_duplicated_asset_is_handled(classes):
    mu, cov = classes
    dup_mu = pd.concat([mu, pd.Series({"us_equity_copy": mu["us_equity"]})])
    dup_cov = cov.copy()
    dup_cov["us_equity_copy"] = cov["us_equity"]
    dup_cov.loc["us_equity_copy"] = pd.concat([cov.loc["us_equity"],
                                               pd.Series({"us_equity_copy": cov.iloc[0, 0]})])
    for objective, kwargs in [("min_volatility", {}), ("max_sharpe", {"risk_free_rate": 0.035}),
                              ("target_volatility", {"target": 0.1})]:
        base = optimize(mu, cov, objective, **kwargs)
        dup = optimize(dup_mu, dup_cov, objective, **kwargs)
        # The covariance is singular: its regularised inverse leaves up to ~1e-12 in the weights.
        assert dup.sum() == pytest.approx(1, abs=1e-10)
        merged = dup.drop("us_equity_copy")
        merged["us_equity"] += dup["us_equity_copy"]
        assert (merged - base).abs().max() < 1e-5
        assert np.sqrt(dup @ dup_cov @ dup) == pytest.approx(np.sqrt(base @ cov @ base), rel=1e-7)


def test_covariance_labels_in_another_order(classes):
    mu, cov = classes
    shuffled = cov.iloc[::-1, ::-1]
    w = optimize(mu, shuffled, "max_sharpe", risk_free_rate=0.03)
    assert list(w.index) == list(mu.index)
    # Matched labels give the same numbers in another memory layout, which BLAS may sum in another
    # order (cond * eps, about 1e-13 here); a mismatch would move weights by whole percents.
    assert (w - optimize(mu, cov, "max_sharpe", risk_free_rate=0.03)).abs().max() < 1e-10


# --------------------------------------------------------------------------------------------
# Errors


def three_assets():
    labels = ["x", "y", "z"]
    mu = pd.Series([0.03, 0.06, 0.09], index=labels)
    vol = np.array([0.05, 0.12, 0.2])
    corr = np.array([[1, 0.2, 0.1], [0.2, 1, 0.5], [0.1, 0.5, 1]])
    return mu, pd.DataFrame(corr * np.outer(vol, vol), index=labels, columns=labels)


@pytest.mark.parametrize(("objective", "kwargs", "message"), [
    ("target_volatility", {"target": 0.02}, r"target volatility 2\.00 % is below the minimum "
                                            r"reachable, 4\.\d\d %"),
    ("target_return", {"target": 0.12}, r"target return 12\.00 % is above the maximum reachable, "
                                        r"9\.00 %"),
    ("max_sharpe", {"risk_free_rate": 0.10}, r"no asset's expected return beats the risk-free"),
    ("min_volatility", {"bounds": (0.4, 1.0)}, r"lower bounds sum to 120\.0 %, above 100 %"),
    ("min_volatility", {"bounds": (0.0, 0.3)}, r"upper bounds sum to 90\.0 %, below 100 %"),
    ("min_volatility", {"bounds": {"x": (0.5, 0.4)}}, r"bounds of x contradict"),
    ("min_volatility", {"group_bounds": {"g": (["x", "y"], 0.5, 1.0)}, "bounds": {"z": (0.6, 1)}},
     r"group g needs at least 50\.0 % but its assets' bounds allow at most 40\.0 %"),
    ("min_volatility", {"group_bounds": {"a": (["x"], 0.6, 1.0), "b": (["y"], 0.6, 1.0)}},
     r"the bounds contradict: 'group [ab] at least 60\.0 %' cannot hold together with "
     r"'group [ab] at least 60\.0 %'"),
    ("max_sharpe", {"risk_free_rate": 0.07, "bounds": {"x": (0.5, 1.0)}},
     r"no portfolio within the bounds has an expected return above the risk-free rate 7\.00 % "
     r"\(the highest reachable is 6\.00 %\)"),
])
def test_infeasible_requests_name_the_cause(objective, kwargs, message):
    mu, cov = three_assets()
    with pytest.raises(InfeasibleError, match=message):
        optimize(mu, cov, objective, **kwargs)


def test_infeasible_error_is_a_value_error():
    assert issubclass(InfeasibleError, ValueError)


def _bad_inputs():
    mu, cov = three_assets()
    not_psd = cov.copy()
    not_psd.loc["x", "y"] = not_psd.loc["y", "x"] = 0.5
    nan_cov = cov.copy()
    nan_cov.loc["z", "z"] = np.nan
    return [
        (mu.mask(mu.index == "y"), cov, "min_volatility", {}, r"not finite numbers for: y"),
        (mu, nan_cov, "min_volatility", {}, r"covariance has values that are not finite.*z"),
        (mu, not_psd, "min_volatility", {}, r"not positive semi-definite"),
        (mu, cov.drop(index="z", columns="z"), "min_volatility", {},
         r"covariance rows do not match expected_returns \(missing z\)"),
        (mu.rename({"z": "w"}), cov, "min_volatility", {}, r"missing w; not in expected_returns: z"),
        (mu, cov, "max_return", {}, r"unknown objective 'max_return'; choose one of"),
        (mu, cov, "target_return", {}, r"target_return needs a target"),
        (mu, cov, "min_volatility", {"target": 0.1}, r"min_volatility takes no target"),
        (mu, cov, "target_return", {"target": float("nan")}, r"target must be a finite number"),
        (mu, cov, "min_volatility", {"bounds": {"q": (0, 1)}}, r"bounds name unknown assets: q"),
        (mu, cov, "min_volatility", {"bounds": (0, 2)}, r"must lie within \[0, 1\]"),
        (mu, cov, "min_volatility", {"bounds": "wide"}, r"must be a \(low, high\) pair"),
        (mu, cov, "min_volatility", {"group_bounds": {"g": (["x", "q"], 0, 1)}},
         r"group g names unknown assets: q"),
        (mu.to_dict(), cov, "min_volatility", {}, r"expected_returns must be a pandas Series"),
    ]


@pytest.mark.parametrize(("mu", "cov", "objective", "kwargs", "message"), _bad_inputs())
def test_bad_inputs_name_the_problem(mu, cov, objective, kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimize(mu, cov, objective, **kwargs)


# --------------------------------------------------------------------------------------------
# Properties over random problems


@st.composite
def problems(draw):
    n = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    singular = draw(st.sampled_from(["", "duplicate", "perfect"]))
    mu, cov = random_market(np.random.default_rng(seed), n, singular=singular)
    n = len(mu)
    high = draw(st.floats(1.0 / n + 0.02, 1.0)) if n > 1 else 1.0
    low = draw(st.floats(0.0, 0.9 / n))
    return mu, cov, (low, min(1.0, max(high, low)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 2**32 - 1))
def test_min_volatility_properties(problem, seed):
    mu, cov, (low, high) = problem
    w = optimize(mu, cov, "min_volatility", bounds=(low, high))
    assert w.sum() == pytest.approx(1, abs=1e-10)
    assert w.min() >= low - 1e-10 and w.max() <= high + 1e-10
    variance = float(w @ cov @ w)
    # No feasible random portfolio is less volatile. Each candidate goes from equal weights (within
    # the bounds, as low <= 1/n <= high) towards a random point that meets the lower bounds and the
    # budget, as far as the upper bounds allow: all 200 are feasible, whatever the bounds.
    rng = np.random.default_rng(seed)
    n = len(mu)
    center = np.full(n, 1.0 / n)
    for d in rng.dirichlet(np.ones(n), size=200):
        corner = low + (1 - n * low) * d
        over = corner > high
        step = min(1.0, ((high - center)[over] / (corner - center)[over]).min(initial=1.0))
        candidate = center + step * (corner - center)
        assert candidate.min() >= low - 1e-12 and candidate.max() <= high + 1e-12
        assert variance <= candidate @ cov.to_numpy() @ candidate + 1e-12


def _perfectly_correlated_pair():
    """Ten assets plus one perfectly correlated with the last, capped at 50 % each: the frontier
    ends at a vertex (a4 and a10 at the cap), where every weight is fixed by a binding bound."""
    mu, cov = random_market(np.random.default_rng(10), 10, singular="perfect")
    return mu, cov, (0.0, 0.5)


def test_frontier_ending_at_a_vertex_of_a_singular_covariance():
    mu, cov, bounds = _perfectly_correlated_pair()
    frontier = efficient_frontier(mu, cov, points=3, bounds=bounds)
    top = frontier.iloc[-1]
    # The maximum-return portfolio fills the two best assets to their caps.
    assert top[["a4", "a10"]].tolist() == pytest.approx([0.5, 0.5], abs=1e-9)
    assert top["return"] == pytest.approx(0.5 * (mu["a4"] + mu["a10"]), abs=1e-10)
    # Asking for its volatility leads back to it.
    v = optimize(mu, cov, "target_volatility", target=top["volatility"], bounds=bounds)
    assert mu @ v == pytest.approx(top["return"], abs=1e-9)
    assert v.min() >= -1e-10 and v.max() <= 0.5 + 1e-10


def test_the_minimum_volatility_as_a_target_is_reachable():
    """Asking for exactly the least volatility gives the least volatile portfolio, also on a
    singular covariance, whose frontier carries rounding of about 1e-12; a target clearly below
    it is refused."""
    bounds = (0.0, 0.220703125)
    for seed in (4, 31, 53, 101, 184, 240):
        mu, cov = random_market(np.random.default_rng(seed), 4, singular="perfect")
        floor = optimize(mu, cov, "min_volatility", bounds=bounds)
        # The same portfolio found three ways, with volatilities that differ in the last digits.
        lowest = efficient_frontier(mu, cov, points=2, bounds=bounds).iloc[0]
        same = optimize(mu, cov, "target_return", target=lowest["return"], bounds=bounds)
        for vol in (lowest["volatility"], np.sqrt(floor @ cov @ floor), np.sqrt(same @ cov @ same)):
            w = optimize(mu, cov, "target_volatility", target=float(vol), bounds=bounds)
            assert (w - floor).abs().max() < 1e-9
            with pytest.raises(InfeasibleError, match="below the minimum reachable"):
                optimize(mu, cov, "target_volatility", target=float(vol) * (1 - 1e-6),
                         bounds=bounds)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.floats(0.0, 0.999))
@example(_perfectly_correlated_pair(), 0.0)
def test_target_objectives_properties(problem, fraction):
    mu, cov, bounds = problem
    frontier = efficient_frontier(mu, cov, points=3, bounds=bounds)
    low_ret, high_ret = frontier["return"].iloc[[0, -1]]
    target = low_ret + fraction * (high_ret - low_ret)
    w = optimize(mu, cov, "target_return", target=target, bounds=bounds)
    assert w.sum() == pytest.approx(1, abs=1e-10)
    assert mu @ w >= target - 1e-10
    vol = float(np.sqrt(w @ cov @ w))
    assert vol >= frontier["volatility"].iloc[0] - 1e-10
    v = optimize(mu, cov, "target_volatility", target=vol, bounds=bounds)
    assert np.sqrt(v @ cov @ v) <= vol + 1e-9
    assert mu @ v >= mu @ w - 1e-9
