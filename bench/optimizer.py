"""The optimizer against PyPortfolioOpt (cvxpy), side by side on the same inputs.

``python -m bench.optimizer`` times every objective on two real problems, many repetitions each,
the two libraries interleaved so that both see the same machine load, and prints a markdown table:
median milliseconds per call, the speed ratio, and the largest absolute weight difference.

* S&P 500: daily adjusted prices of 20 stocks (bench/public_data.py), mean and sample covariance
  of daily returns, annualised (x 252).
* Capital market assumptions: the engine's 11 asset classes (arithmetic returns and covariance),
  once unconstrained and once with the bounds and group bounds of a moderate policy.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping

import cvxpy as cp
import numpy as np
import pandas as pd
from pypfopt import EfficientFrontier

from engine.assumptions import load_assumptions
from engine.optimizer import optimize

TRADING_DAYS = 252


def sp500_inputs() -> tuple[pd.Series, pd.DataFrame]:
    """Annualised mean and covariance of daily returns of the 20 S&P 500 stocks."""
    from bench.public_data import sp500_prices

    returns = sp500_prices().pct_change().dropna()
    return returns.mean() * TRADING_DAYS, returns.cov() * TRADING_DAYS


def policy_bounds(labels: list[str]) -> tuple[dict, dict]:
    """Bounds in the format engine.policy produces, for a moderate investor (60 % equity)."""
    equity = ["us_equity", "intl_developed_equity", "emerging_equity"]
    bounds = {"us_equity": (0.27, 0.42), "intl_developed_equity": (0.12, 0.24),
              "emerging_equity": (0.03, 0.09), "high_yield_bonds": (0.0, 0.08),
              "real_estate": (0.0, 0.07), "gold_commodities": (0.0, 0.05)}
    groups = {"equity": (equity, 0.60, 0.60), "cash": (["cash"], 0.05, 1.0),
              "bonds": ([a for a in labels if "bonds" in a], 0.20, 0.40)}
    return bounds, groups


def pypfopt_weights(expected_returns: pd.Series, covariance: pd.DataFrame, objective: str, *,
                    target: float | None = None, risk_free_rate: float = 0.0,
                    bounds: tuple | Mapping = (0.0, 1.0),
                    group_bounds: Mapping | None = None) -> pd.Series:
    """The same request solved by PyPortfolioOpt's EfficientFrontier (cvxpy)."""
    labels = list(expected_returns.index)
    if isinstance(bounds, Mapping):
        bounds = [tuple(bounds.get(a, (0.0, 1.0))) for a in labels]
    ef = EfficientFrontier(expected_returns, covariance, weight_bounds=bounds)
    for members, low, high in (group_bounds or {}).values():
        idx = [labels.index(m) for m in members]
        # Written as `expression <op> constant` so that max_sharpe can homogenise them.
        if low == high:
            ef.add_constraint(lambda w, idx=idx, low=low: cp.sum(w[idx]) == low)
            continue
        ef.add_constraint(lambda w, idx=idx, low=low: cp.sum(w[idx]) >= low)
        ef.add_constraint(lambda w, idx=idx, high=high: cp.sum(w[idx]) <= high)
    if objective == "min_volatility":
        ef.min_volatility()
    elif objective == "max_sharpe":
        ef.max_sharpe(risk_free_rate=risk_free_rate)
    elif objective == "target_volatility":
        ef.efficient_risk(target)
    elif objective == "target_return":
        ef.efficient_return(target)
    else:
        raise ValueError(f"unknown objective {objective!r}")
    return pd.Series(ef.weights, index=expected_returns.index, dtype=float)


def _median_ms(ours: Callable, theirs: Callable, repeat: int) -> tuple[float, float]:
    """Median wall time of each, calls interleaved so that both see the same load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, sink in ((ours, times[0]), (theirs, times[1])):
            start = time.perf_counter()
            fn()
            sink.append(time.perf_counter() - start)
    return float(np.median(times[0]) * 1e3), float(np.median(times[1]) * 1e3)


def cases() -> list[tuple[str, pd.Series, pd.DataFrame, str, dict]]:
    """(problem, expected returns, covariance, objective, keyword arguments) to compare."""
    mu, cov = sp500_inputs()
    cma = load_assumptions()
    a_mu, a_cov = cma.arithmetic_returns, cma.covariance
    bounds, groups = policy_bounds(cma.labels)
    policy = {"bounds": bounds, "group_bounds": groups}
    rows = []
    for name, m, c, kw, vol, ret in (
        ("S&P 500, 20 stocks", mu, cov, {}, 0.22, 0.25),
        ("11 asset classes", a_mu, a_cov, {}, 0.10, 0.07),
        ("11 classes, policy bounds", a_mu, a_cov, policy, 0.10, 0.06),
    ):
        rows += [
            (name, m, c, "min_volatility", kw),
            (name, m, c, "max_sharpe", {**kw, "risk_free_rate": 0.035 if m is not mu else 0.02}),
            (name, m, c, "target_volatility", {**kw, "target": vol}),
            (name, m, c, "target_return", {**kw, "target": ret}),
        ]
    return rows


def run(repeat: int = 200) -> list[dict]:
    """Time and compare every case; one dict per table row."""
    results = []
    for name, mu, cov, objective, kwargs in cases():
        ours = optimize(mu, cov, objective, **kwargs)
        theirs = pypfopt_weights(mu, cov, objective, **kwargs)
        ours_ms, theirs_ms = _median_ms(
            lambda mu=mu, cov=cov, o=objective, k=kwargs: optimize(mu, cov, o, **k),
            lambda mu=mu, cov=cov, o=objective, k=kwargs: pypfopt_weights(mu, cov, o, **k),
            repeat,
        )
        results.append({
            "problem": name, "objective": objective, "ours_ms": ours_ms,
            "pypfopt_ms": theirs_ms, "speedup": theirs_ms / ours_ms,
            "max_weight_diff": float((ours - theirs).abs().max()),
        })
    return results


def markdown(results: list[dict]) -> str:
    lines = [
        "| problem | objective | engine (ms) | PyPortfolioOpt (ms) | speed-up | max weight diff |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['problem']} | {r['objective']} | {r['ours_ms']:.3f} | {r['pypfopt_ms']:.2f} | "
            f"{r['speedup']:.0f}x | {r['max_weight_diff']:.1e} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per case (default 200)")
    args = parser.parse_args()
    print(markdown(run(args.repeat)))


if __name__ == "__main__":
    main()
