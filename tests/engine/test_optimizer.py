"""The mean-variance optimizer: optimality (KKT), agreement with independent solutions and with
PyPortfolioOpt on real data, error messages, and properties over random problems."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize, nnls

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


def check_objective(mu, cov, objective, **kwargs):
    """Solve and verify the KKT conditions of the objective's own problem."""
    labels = list(mu.index)
    m, c = mu.to_numpy(), cov.to_numpy()
    w = optimize(mu, cov, objective, **kwargs).to_numpy()
    limits = {k: kwargs[k] for k in ("bounds", "group_bounds") if k in kwargs}
    if objective == "min_volatility":
        assert_kkt(w, c @ w, labels, **limits)
    elif objective == "target_return":
        assert m @ w >= kwargs["target"] - 1e-10
        assert_kkt(w, c @ w, labels, **limits, extra=[(m, m @ w - kwargs["target"])])
    elif objective == "target_volatility":
        gap = kwargs["target"] ** 2 - w @ c @ w
        assert gap >= -1e-12
        assert_kkt(w, -m, labels, **limits, extra=[(-2 * c @ w, gap)])
    else:
        assert_kkt(w, sharpe_gradient(w, m, c, kwargs.get("risk_free_rate", 0.0)), labels,
                   **limits)
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


@pytest.mark.parametrize(("objective", "kwargs"), [
    ("min_volatility", {}),
    ("max_sharpe", {"risk_free_rate": 0.035}),
    ("target_return", {"target": 0.06}),
    ("target_volatility", {"target": 0.10}),
])
def test_kkt_with_policy_bounds(classes, policy, objective, kwargs):
    w = check_objective(*classes, objective, **policy, **kwargs)
    labels = list(classes[0].index)
    equity = sum(w[labels.index(a)] for a in policy["group_bounds"]["equity"][0])
    assert equity == pytest.approx(0.60, abs=1e-12)


def test_kkt_on_random_problems():
    rng = np.random.default_rng(7)
    for trial in range(40):
        n = int(rng.integers(3, 16))
        mu, cov = random_market(rng, n)
        high = float(rng.uniform(1.5 / n, 1.0))
        members = list(mu.index[: n // 2])
        groups = {"g": (members, 0.0, float(rng.uniform(0.2, 0.8)))}
        for objective, kwargs in [("min_volatility", {}), ("max_sharpe", {"risk_free_rate": 0.0})]:
            check_objective(mu, cov, objective, bounds=(0.0, high), group_bounds=groups, **kwargs)
        assert trial >= 0


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
        slack = C @ sol.x - b
        np.testing.assert_allclose(P @ sol.x - q, C.T @ sol.multipliers, atol=1e-9)
        np.testing.assert_allclose(slack[:m_eq], 0, atol=1e-9)
        assert slack[m_eq:].min() >= -1e-9
        assert sol.multipliers[m_eq:].min() >= 0
        np.testing.assert_allclose(sol.multipliers[m_eq:] * slack[m_eq:], 0, atol=1e-9)


def test_solver_proves_infeasibility():
    # x >= 1 and x <= 0 in one variable.
    C, b = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    with pytest.raises(QPInfeasibleError) as caught:
        solve_qp(QuadraticProgram(np.eye(1), np.zeros(1), C, b, 0))
    assert {caught.value.constraint, *caught.value.blocking} == {0, 1}


# --------------------------------------------------------------------------------------------
# Independent solutions


def brute_force_min_variance(cov, low, high):
    """Minimum variance over low <= w <= high, sum w = 1, by trying every set of bounds at their
    limits and solving the equality-constrained problem (exact, for small n)."""
    n = len(low)
    best, best_var = None, np.inf
    for pattern in itertools.product((None, "low", "high"), repeat=n):
        fixed = {i: (low[i] if p == "low" else high[i]) for i, p in enumerate(pattern) if p}
        free = [i for i in range(n) if i not in fixed]
        w = np.zeros(n)
        for i, v in fixed.items():
            w[i] = v
        if free:
            # Stationarity on the free block with the budget: S_ff w_f + S_fx w_x = lambda 1.
            S_ff, S_fx = cov[np.ix_(free, free)], cov[np.ix_(free, list(fixed))]
            k = len(free)
            kkt = np.block([[S_ff, -np.ones((k, 1))], [np.ones((1, k)), np.zeros((1, 1))]])
            rhs = np.concatenate([-S_fx @ w[list(fixed)], [1 - w.sum()]])
            w[free] = np.linalg.solve(kkt, rhs)[:k]
        elif abs(w.sum() - 1) > 1e-12:
            continue
        if np.all(w >= low - 1e-12) and np.all(w <= high + 1e-12) and abs(w.sum() - 1) < 1e-9:
            var = w @ cov @ w
            if var < best_var:
                best, best_var = w, var
    return best


def test_min_volatility_matches_brute_force_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(25):
        mu, cov = random_market(rng, 5)
        low = rng.uniform(0, 0.1, 5)
        high = low + rng.uniform(0.15, 0.6, 5)
        if high.sum() < 1:
            high += (1 - high.sum()) / 5 + 0.01
        bounds = {a: (lo, hi) for a, lo, hi in zip(mu.index, low, high, strict=True)}
        ours = optimize(mu, cov, "min_volatility", bounds=bounds).to_numpy()
        np.testing.assert_allclose(ours, brute_force_min_variance(cov.to_numpy(), low, high),
                                   atol=1e-9)


@pytest.mark.parametrize("objective", ["max_sharpe", "target_return", "target_volatility"])
def test_agrees_with_scipy_slsqp(objective):
    rng = np.random.default_rng(5)
    for _ in range(8):
        mu, cov = random_market(rng, 8)
        m, c = mu.to_numpy(), cov.to_numpy()
        bounds = [(0.0, 0.3)] * 8
        cons = [{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(8)}]
        if objective == "max_sharpe":
            kwargs = {"risk_free_rate": 0.01}

            def fun(w, m=m, c=c):
                return -(m @ w - 0.01) / np.sqrt(w @ c @ w)
        elif objective == "target_return":
            kwargs = {"target": float(np.sort(m)[-3:].mean() * 0.9)}

            def fun(w, c=c):
                return w @ c @ w
            cons.append({"type": "ineq", "fun": lambda w, r=kwargs["target"], m=m: m @ w - r})
        else:
            floor = optimize(mu, cov, "min_volatility", bounds=(0, 0.3))
            kwargs = {"target": float(np.sqrt(floor @ c @ floor) * 1.3)}

            def fun(w, m=m):
                return -(m @ w)
            cons.append({"type": "ineq",
                         "fun": lambda w, v=kwargs["target"], c=c: v**2 - w @ c @ w})
        ours = optimize(mu, cov, objective, bounds=(0.0, 0.3), **kwargs).to_numpy()
        ref = minimize(fun, np.full(8, 1 / 8), method="SLSQP", bounds=bounds, constraints=cons,
                       options={"ftol": 1e-15, "maxiter": 1000})
        assert ref.success
        np.testing.assert_allclose(ours, ref.x, atol=2e-5)
        assert fun(ours) <= fun(ref.x) + 1e-10  # never worse than the general-purpose solver


# --------------------------------------------------------------------------------------------
# PyPortfolioOpt on real data


@pytest.mark.parametrize(("objective", "kwargs"), OBJECTIVES)
def test_agrees_with_pypfopt_on_sp500(sp500, objective, kwargs):
    ours = optimize(*sp500, objective, **kwargs)
    theirs = pypfopt_weights(*sp500, objective, **kwargs)
    assert (ours - theirs).abs().max() < 1e-4


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
    ours = optimize(mu, cov, objective, **limits, **kwargs)
    theirs = pypfopt_weights(mu, cov, objective, **limits, **kwargs)
    assert (ours - theirs).abs().max() < 1e-4
    assert ours[["AAPL", "AMD", "MSFT"]].sum() == pytest.approx(0.20, abs=1e-12)


@pytest.mark.parametrize(("objective", "kwargs"), [
    ("min_volatility", {}),
    ("max_sharpe", {"risk_free_rate": 0.035}),
    ("target_return", {"target": 0.06}),
    ("target_volatility", {"target": 0.10}),
])
def test_agrees_with_pypfopt_on_asset_classes_with_policy(classes, policy, objective, kwargs):
    ours = optimize(*classes, objective, **policy, **kwargs)
    theirs = pypfopt_weights(*classes, objective, **policy, **kwargs)
    assert (ours - theirs).abs().max() < 1e-4


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
        assert dup.sum() == pytest.approx(1, abs=1e-12)
        merged = dup.drop("us_equity_copy")
        merged["us_equity"] += dup["us_equity_copy"]
        assert (merged - base).abs().max() < 1e-5
        assert np.sqrt(dup @ dup_cov @ dup) == pytest.approx(np.sqrt(base @ cov @ base), rel=1e-7)


def test_covariance_labels_in_another_order(classes):
    mu, cov = classes
    shuffled = cov.iloc[::-1, ::-1]
    w = optimize(mu, shuffled, "max_sharpe", risk_free_rate=0.03)
    assert list(w.index) == list(mu.index)
    assert (w - optimize(mu, cov, "max_sharpe", risk_free_rate=0.03)).abs().max() < 1e-14


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
    # No feasible random portfolio is less volatile.
    rng = np.random.default_rng(seed)
    n = len(mu)
    for d in rng.dirichlet(np.ones(n), size=200):
        candidate = low + (1 - n * low) * d
        if candidate.max() <= high:
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
