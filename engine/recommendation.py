"""The recommendation: from an investor profile to a strategic asset allocation, its projection,
its explanation and its disclosures, in one JSON-serialisable record.

Steps: score the risk (engine.risk), let the policy fix the equity share and the bounds
(engine.policy), let the optimizer choose the mix inside those bounds (engine.optimizer, maximum
Sharpe ratio against cash), round the weights to 0.1 %, lower the equity share until the mix keeps
to the client's stated loss limit (engine.loss_limit), then project the balance (engine.projection)
and explain the result (engine.explanation).

The market (``market="cn"``) chooses the assumptions file and the class-level rules; in the China
market the client's suitability class also limits the mix (engine/suitability/), and the
recommendation carries its suitability record (:class:`engine.suitability.SuitableRecommendation`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from engine.assumptions import (
    DEFAULT_MARKET,
    GROUPS,
    AssumptionsError,
    CapitalMarketAssumptions,
    load_assumptions,
)
from engine.explanation import DEFAULT_LANGUAGE, Explanation, Statement, disclosures, explain
from engine.history import HistoricalStress, market_history, stress
from engine.loss_limit import limit_losses, unreachable_flag
from engine.optimizer import InfeasibleError, optimize
from engine.policy import (
    CAP_TOLERANCE,
    SUITABILITY_CAP,
    US_RULES,
    AllocationRules,
    BindingConstraint,
    PolicyTargets,
    cap_equity,
    targets,
)
from engine.profile import InvestorProfile
from engine.projection import DEFAULT_PATHS, DEFAULT_SEED, Projection, bad_year, project
from engine.questionnaire import questionnaire
from engine.rebalancing import DEFAULT_THRESHOLD
from engine.risk import RiskAssessment, assess
from engine.suitability.grades import within_band

try:
    ENGINE_VERSION = metadata.version("robo-advisor")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    ENGINE_VERSION = "0+unknown"

#: Weights are rounded to this step (0.1 %): finer figures suggest a precision the inputs lack.
WEIGHT_STEP = 0.001
#: The optimizer's objective inside the policy bounds, and the fallback when it has no solution
#: (maximum Sharpe needs a portfolio that beats cash; very short horizons may not have one).
OBJECTIVE = "max_sharpe"
FALLBACK_OBJECTIVE = "min_volatility"


class PolicySummary(BaseModel):
    """The rules' decisions, as fractions of the portfolio."""

    equity: float
    equity_for_score: float
    horizon_cap: float
    goal_cap: float
    outlook_tilt: float
    cash_floor: float
    short_money_floor: float
    binding: list[str]
    #: The limits that held equity down, with their figures (the suitability record keeps them).
    constraints: list[BindingConstraint] = []
    #: The largest one-year fall the client said they could accept, when they set one.
    loss_limit: float | None = None


class Recommendation(BaseModel):
    """A strategic asset allocation with everything the suitability record needs.

    Weights and returns are fractions (0.054 means 5.4 %); returns and volatility are annual and
    arithmetic; ``bad_year`` is the 5th-percentile one-year return, never worse than the client's
    ``policy.loss_limit`` unless ``policy.binding`` says ``loss_limit_unreachable``. Amounts are in
    the account currency.
    """

    model_config = ConfigDict(protected_namespaces=())

    profile: InvestorProfile
    horizon_years: float
    risk: RiskAssessment
    policy: PolicySummary
    objective: str
    weights: dict[str, float]
    groups: dict[str, float]
    expected_return: float
    volatility: float
    bad_year: float
    #: What the mix did in market history (engine.history), beside the model's bad year.
    history: HistoricalStress
    projection: Projection
    explanation: Explanation
    disclosures: list[Statement]
    engine_version: str
    assumptions_version: str
    questionnaire_version: str


def _apportion(values: np.ndarray, units: int) -> np.ndarray:
    """Split ``units`` whole units in proportion to ``values`` (largest remainder method)."""
    total = values.sum()
    if total <= 0 or units == 0:
        return np.zeros(len(values))
    exact = values / total * units
    whole = np.floor(exact)
    short = int(round(units - whole.sum()))
    whole[np.argsort(whole - exact, kind="stable")[:short]] += 1  # largest remainders first
    return whole


def round_weights(
    weights: np.ndarray, step: float = WEIGHT_STEP, groups: list[np.ndarray] | None = None
) -> np.ndarray:
    """Round weights to multiples of ``step`` that still sum to exactly 1.

    With ``groups`` (position arrays that partition the weights), each group's total is rounded
    first and its members then share it, so the group split stays as the policy set it: a 20 %
    equity cap is never shown as 20.1 %. Negative dust from the solver is dropped first.
    """
    clean = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    clean = clean / clean.sum()
    if groups is None:
        groups = [np.arange(len(clean))]
    totals = _apportion(np.array([clean[g].sum() for g in groups]), int(round(1.0 / step)))
    units = np.zeros(len(clean))
    for positions, total in zip(groups, totals, strict=True):
        units[positions] = _apportion(clean[positions], int(total))
    return np.round(units * step, 6)


@dataclass(frozen=True)
class _Market:
    """The assumptions as plain arrays, built once per assumptions object (pandas look-ups by
    label cost more than the whole optimization on this problem size)."""

    labels: list[str]
    members: dict[str, list[str]]
    positions: dict[str, np.ndarray]
    mu: np.ndarray
    cov: np.ndarray
    expected_returns: pd.Series
    covariance: pd.DataFrame
    cash_return: float


_MARKETS: weakref.WeakKeyDictionary[CapitalMarketAssumptions, _Market] = weakref.WeakKeyDictionary()


def _market(cma: CapitalMarketAssumptions) -> _Market:
    market = _MARKETS.get(cma)
    if market is None:
        labels = [str(name) for name in cma.labels]
        index = pd.Index(labels, dtype=object)
        mu = cma.arithmetic_returns.loc[labels].to_numpy(dtype=float)
        cov = cma.covariance.loc[labels, labels].to_numpy(dtype=float)
        members = {group: [str(name) for name in cma.members(group)] for group in GROUPS}
        market = _Market(
            labels=labels, members=members,
            positions={g: np.array([labels.index(n) for n in m], dtype=int) for g, m in members.items()},
            mu=mu, cov=cov, expected_returns=pd.Series(mu, index=index),
            covariance=pd.DataFrame(cov, index=index, columns=index),
            cash_return=float(mu[[labels.index(n) for n in members["cash"]]].min()),
        )
        _MARKETS[cma] = market
    return market


def _optimal_mix(market: _Market, policy: PolicyTargets, defensive: bool = False
                 ) -> tuple[np.ndarray, str]:
    bounds = {name: policy.bounds.get(name, (0.0, 1.0)) for name in market.labels}
    if defensive:
        weights = optimize(
            market.expected_returns, market.covariance, FALLBACK_OBJECTIVE, bounds=bounds,
            group_bounds=policy.group_bounds,
        )
        return weights.to_numpy(dtype=float), FALLBACK_OBJECTIVE
    try:
        weights = optimize(
            market.expected_returns, market.covariance, OBJECTIVE,
            risk_free_rate=market.cash_return, bounds=bounds, group_bounds=policy.group_bounds,
        )
        objective = OBJECTIVE
    except InfeasibleError:
        weights = optimize(
            market.expected_returns, market.covariance, FALLBACK_OBJECTIVE, bounds=bounds,
            group_bounds=policy.group_bounds,
        )
        objective = FALLBACK_OBJECTIVE
    return weights.to_numpy(dtype=float), objective


@dataclass(frozen=True)
class _Mix:
    """The optimizer's mix within a policy's bounds, rounded as shown, and its statistics."""

    weights: np.ndarray
    objective: str
    expected_return: float
    volatility: float
    bad_year: float


def _mix(market: _Market, policy: PolicyTargets, defensive: bool = False) -> _Mix:
    raw, objective = _optimal_mix(market, policy, defensive)
    w = round_weights(raw, groups=list(market.positions.values()))
    w = within_band(w, market.labels, policy.rules, WEIGHT_STEP)
    expected = float(w @ market.mu)
    volatility = float(np.sqrt(max(0.0, w @ market.cov @ w)))
    return _Mix(w, objective, expected, volatility, bad_year(expected, volatility))


def _limited(profile: InvestorProfile, score: float, market: _Market,
             rules: AllocationRules = US_RULES) -> tuple[PolicyTargets, _Mix]:
    """The rules' policy for a profile, held to its suitability limit (when ``rules`` set one)
    and to its stated loss limit, and the mix within it."""
    policy = targets(profile, score, market.members, rules)
    cap = rules.risk_asset_cap
    if cap is not None and policy.equity > cap + CAP_TOLERANCE:
        policy = cap_equity(policy, cap, market.members, code=SUITABILITY_CAP)
    return limit_losses(
        policy, market.members,
        lambda within_policy, defensive: _mix(market, within_policy, defensive),
    )


def _assumptions(assumptions: CapitalMarketAssumptions | str | Path | None,
                 market: str = DEFAULT_MARKET) -> CapitalMarketAssumptions:
    if isinstance(assumptions, CapitalMarketAssumptions):
        if assumptions.market != market:
            raise AssumptionsError(f"the assumptions {assumptions.version} are for the market "
                                   f"{assumptions.market!r}, not {market!r}")
        return assumptions
    return load_assumptions(assumptions, market)


def _history(weights: dict[str, float], required: bool) -> tuple[HistoricalStress | None, list[str]]:
    """What the mix did in market history, and the classes of the mix the data hold no series
    for. When ``required`` (the default market, whose every class has a series) a missing series
    is an error; otherwise a mix with a class the data do not cover gets no history at all rather
    than one made up from another market's series."""
    if not required:
        covered = market_history().classes
        missing = sorted(name for name, w in weights.items() if w > 0 and name not in covered)
        if missing:
            return None, missing
    return stress(weights), []


def recommend(
    profile: InvestorProfile,
    *,
    assumptions: CapitalMarketAssumptions | str | Path | None = None,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
    language: str = DEFAULT_LANGUAGE,
    market: str = DEFAULT_MARKET,
) -> Recommendation:
    """Recommend a strategic asset allocation for ``profile``.

    Parameters
    ----------
    profile : InvestorProfile
    assumptions : CapitalMarketAssumptions or path, optional
        Capital market assumptions, or the path of a file of them; the market's default file
        when None. They must be written for ``market``.
    seed : int
        Seed of the Monte Carlo projection (recorded in it).
    paths : int
        Number of Monte Carlo paths, at least 1,000.
    language : str
        Language of the explanation and disclosures.
    market : str
        ``"us"`` (the default) or ``"cn"``: the China market's assumptions in yuan, and its
        suitability rules, whose record the result carries
        (:class:`engine.suitability.SuitableRecommendation`).

    Raises
    ------
    engine.assumptions.AssumptionsError
        When an assumptions file cannot be used, is for another market, or the market is unknown.
    engine.optimizer.InfeasibleError
        When the policy's bounds cannot be met by the assumptions' asset classes.
    engine.history.HistoryDataError
        When the market history data cannot be read, or (default market) hold no series for a
        class of the mix.
    """
    cma = _assumptions(assumptions, market)
    if market != DEFAULT_MARKET:
        from engine.suitability.advice import recommend_suitable  # it builds on this module

        return recommend_suitable(profile, cma, seed=seed, paths=paths, language=language)
    return Recommendation(**allocate(profile, cma, US_RULES, seed=seed, paths=paths,
                                     language=language).fields)


@dataclass(frozen=True)
class Allocation:
    """The fields of a recommendation (``fields``), with the decisions behind them."""

    fields: dict
    policy: PolicyTargets
    risk: RiskAssessment
    weights: dict[str, float]
    history_unavailable: list[str]


def allocate(
    profile: InvestorProfile,
    cma: CapitalMarketAssumptions,
    rules: AllocationRules,
    *,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
    language: str = DEFAULT_LANGUAGE,
    risk: RiskAssessment | None = None,
) -> Allocation:
    """The allocation of :func:`recommend` for ``profile`` under the class-level ``rules``
    (a market's, with its suitability limit), as the fields of a :class:`Recommendation`.
    ``risk`` is the profile's assessment when the caller already has it."""
    market = _market(cma)
    risk = risk if risk is not None else assess(profile)
    policy, mix = _limited(profile, risk.score, market, rules)
    if policy.outlook_tilt != 0 and policy.loss_limit is not None:
        # The loss limit may hold down the mix without the market view and not the one with it
        # (a bearish view): the tilt disclosed is the change the view made to what would have been
        # recommended without it, after every limit.
        neutral, _ = _limited(profile.model_copy(update={"market_outlook": None}), risk.score,
                              market, rules)
        policy = replace(policy, outlook_tilt=round(policy.equity - neutral.equity, 12))
    flag = unreachable_flag(policy, mix.bad_year)
    if flag is not None:
        risk = risk.model_copy(update={"flags": [*risk.flags, flag]})
    w, objective = mix.weights, mix.objective
    expected, volatility = mix.expected_return, mix.volatility
    groups = {group: round(float(w[pos].sum()), 6) for group, pos in market.positions.items()}
    statistics = {"expected_return": expected, "volatility": volatility, "bad_year": mix.bad_year}
    projection = project(
        expected, volatility, years=profile.horizon, initial=profile.initial_amount,
        monthly=profile.monthly_contribution, target=profile.target_amount, paths=paths, seed=seed,
    )
    form_version = questionnaire().version
    history, unavailable = _history(dict(zip(market.labels, w.tolist(), strict=True)),
                                    required=cma.market == DEFAULT_MARKET)
    weights = {name: float(value) for name, value in zip(market.labels, w, strict=True) if value > 0}
    fields = dict(
        profile=profile,
        horizon_years=profile.horizon,
        risk=risk,
        policy=PolicySummary(
            equity=round(policy.equity, 6), equity_for_score=round(policy.equity_for_score, 6),
            horizon_cap=round(policy.horizon_cap, 6), goal_cap=policy.goal_cap,
            outlook_tilt=round(policy.outlook_tilt, 6), cash_floor=policy.cash_floor,
            short_money_floor=round(policy.short_money_floor, 6), binding=policy.binding,
            constraints=policy.constraints(), loss_limit=policy.loss_limit,
        ),
        objective=objective,
        weights=weights,
        groups=groups,
        expected_return=round(expected, 6),
        volatility=round(volatility, 6),
        bad_year=round(statistics["bad_year"], 6),
        history=history,
        projection=projection,
        explanation=explain(profile, risk, policy, groups, statistics, projection,
                            language=language),
        disclosures=disclosures(
            assumptions_version=cma.version, assumptions_as_of=cma.as_of,
            sources=[source.get("title", key) + (f" ({source['date']})" if "date" in source else "")
                     for key, source in cma.sources.items()],
            objective=objective, engine_version=ENGINE_VERSION, questionnaire_version=form_version,
            paths=paths, rebalancing_threshold=DEFAULT_THRESHOLD, outlook_tilt=policy.outlook_tilt,
            history=history, language=language,
        ),
        engine_version=ENGINE_VERSION,
        assumptions_version=cma.version,
        questionnaire_version=form_version,
    )
    return Allocation(fields=fields, policy=policy, risk=risk, weights=weights,
                      history_unavailable=unavailable)
