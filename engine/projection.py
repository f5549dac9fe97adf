"""Monte Carlo projection of a portfolio's balance with regular contributions.

Each path compounds a lognormal yearly growth factor whose arithmetic mean and standard deviation
are the portfolio's expected return and volatility. Contributions arrive evenly through the year,
so a year's contributions earn, on average, half of that year's growth; the projection models this
by growing them with the square root of the year's growth factor. Values are nominal (no inflation
adjustment), in the account currency.

Yearly steps keep 10,000 paths over 60 years to a few milliseconds (float32, vectorised over paths);
the percentiles of every year feed the fan chart. The standard normal draws depend only on the seed
and the number of paths, so they are drawn once per (seed, paths) and reused by later projections:
the same seed gives the same draws either way, and a chat turn then pays only for the arithmetic.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, Field

#: Fewest paths accepted: below this the 10th/90th percentiles move visibly from seed to seed.
MIN_PATHS = 1_000
DEFAULT_PATHS = 10_000
DEFAULT_SEED = 0
#: Longest projection in years (the profile's horizon is at most 60 years).
MAX_YEARS = 60
#: Paths whose percentiles draw the fan chart before the horizon (the horizon uses all paths).
BAND_PATHS = 5_000
#: Standard normal quantile at 5 %, for the bad-year figure.
Z_05 = -1.6448536269514722


class BandPoint(BaseModel):
    """Percentiles of the balance after ``year`` years (one point of the fan chart)."""

    year: float
    p10: float
    p50: float
    p90: float


class Projection(BaseModel):
    """Distribution of the balance at the horizon.

    Attributes
    ----------
    years : float
        Length of the projection in years (the profile's horizon).
    paths, seed : int
        Number of simulated paths and the seed that reproduces them.
    contributions : float
        Initial amount plus every monthly contribution until the horizon (no growth).
    median, p10, p90 : float
        Percentiles of the balance at the horizon, in the account currency (nominal).
    probability_of_target : float or None
        Share of paths ending at or above the target amount; None without a target.
    band : list of BandPoint
        Percentiles at each year end (and at the horizon when it falls mid-year), for a fan chart;
        years before the horizon use the first ``BAND_PATHS`` paths.
    """

    years: float
    paths: int
    seed: int
    contributions: float
    median: float
    p10: float
    p90: float
    target_amount: float | None = None
    probability_of_target: float | None = Field(default=None, ge=0, le=1)
    band: list[BandPoint]


def lognormal_parameters(mean: float, volatility: float) -> tuple[float, float]:
    """Mean and standard deviation of the log growth factor for an arithmetic mean and volatility.

    Parameters
    ----------
    mean : float
        Arithmetic mean of the yearly return, as a fraction (0.06 for 6 %).
    volatility : float
        Standard deviation of the yearly return, as a fraction.

    Returns
    -------
    (mu, sigma) : tuple of float
        Parameters of log(1 + r) per year.
    """
    if not mean > -1.0:
        raise ValueError(f"expected return must be above -100 %, got {mean}")
    if not volatility >= 0.0:
        raise ValueError(f"volatility must be 0 or more, got {volatility}")
    sigma2 = math.log1p((volatility / (1.0 + mean)) ** 2)
    return math.log1p(mean) - 0.5 * sigma2, math.sqrt(sigma2)


def bad_year(mean: float, volatility: float) -> float:
    """The 5th-percentile one-year return (a fraction; -0.12 means a 12 % loss)."""
    mu, sigma = lognormal_parameters(mean, volatility)
    return math.expm1(mu + Z_05 * sigma)


@lru_cache(maxsize=4)
def _standard_normals(seed: int, paths: int) -> np.ndarray:
    """Read-only standard normal draws, one row per year up to ``MAX_YEARS``."""
    draws = np.random.default_rng(seed).standard_normal((MAX_YEARS, paths), dtype=np.float32)
    draws.setflags(write=False)
    return draws


_local = threading.local()


def _workspace(paths: int, band_paths: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Work arrays kept per thread: allocating them afresh on every call costs more in page faults
    than the arithmetic done in them. Returns the running balance, the year's growth and the
    fan-chart rows."""
    buffers = getattr(_local, "buffers", None)
    if buffers is None or buffers[0].shape[0] != paths or buffers[2].shape[1] != band_paths:
        buffers = (np.empty(paths, dtype=np.float32), np.empty(paths, dtype=np.float32),
                   np.empty((MAX_YEARS + 1, band_paths), dtype=np.float32))
        _local.buffers = buffers
    return buffers


def _rank_positions(paths: int) -> list[int]:
    """Positions of the 10th, 50th and 90th percentiles in ``paths`` sorted values (nearest rank)."""
    return [min(paths - 1, math.ceil(q * paths) - 1) for q in (0.1, 0.5, 0.9)]


def _step_lengths(years: float) -> np.ndarray:
    whole = math.floor(years)
    steps = [1.0] * whole
    if years - whole > 1e-9:
        steps.append(years - whole)
    return np.asarray(steps, dtype=np.float64)


def project(
    expected_return: float,
    volatility: float,
    *,
    years: float,
    initial: float = 0.0,
    monthly: float = 0.0,
    target: float | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
) -> Projection:
    """Simulate the balance of a portfolio over ``years`` with monthly contributions.

    Parameters
    ----------
    expected_return, volatility : float
        Arithmetic mean and standard deviation of the portfolio's yearly return (fractions).
    years : float
        Horizon in years, 0 to ``MAX_YEARS`` (60).
    initial : float
        Amount invested today (currency), 0 or more.
    monthly : float
        Contribution each month until the horizon (currency), 0 or more.
    target : float, optional
        Amount the person hopes to reach; gives ``probability_of_target``.
    paths : int
        Number of simulated paths, at least ``MIN_PATHS``.
    seed : int
        Seed of the random generator; the same inputs and seed give the same projection.
    """
    if not 0.0 <= years <= MAX_YEARS:
        raise ValueError(f"years must be between 0 and {MAX_YEARS}, got {years}")
    if not (initial >= 0.0 and monthly >= 0.0):
        raise ValueError(f"initial and monthly amounts must be 0 or more, got {initial} and {monthly}")
    if paths < MIN_PATHS:
        raise ValueError(f"paths must be at least {MIN_PATHS}, got {paths}")
    if target is not None and not target > 0:
        raise ValueError(f"target must be above 0, got {target}")
    mu, sigma = lognormal_parameters(expected_return, volatility)
    steps = _step_lengths(years)

    # One year at a time over all paths, so the working set (a few vectors of ``paths`` floats)
    # stays in cache. ``half`` is the square root of the year's growth factor: contributions made
    # through the year earn about half its growth, and the full factor is half * half, so one
    # exponential serves both: B' = B * g + c * sqrt(g) = sqrt(g) * (B * sqrt(g) + c).
    # The horizon uses every path; the fan chart's earlier years use the first BAND_PATHS paths,
    # which moves their percentiles by about 1 % (one standard error) and halves the sorting.
    band_paths = min(paths, BAND_PATHS)
    balance, half, band_rows = _workspace(paths, band_paths)
    normals = _standard_normals(seed, paths)
    balance.fill(initial)
    band_rows[0] = balance[:band_paths]
    for t, length in enumerate(steps):
        np.multiply(normals[t], np.float32(0.5 * sigma * math.sqrt(length)), out=half)
        half += np.float32(0.5 * mu * length)
        np.exp(half, out=half)
        balance *= half
        balance += np.float32(12.0 * monthly * length)
        balance *= half
        band_rows[t + 1] = balance[:band_paths]

    probability = None
    if target is not None:
        probability = round(float(np.count_nonzero(balance >= target)) / paths, 4)
    # Balances are never negative, and non-negative float32 values order like their bit patterns
    # read as int32; sorting that view in place is faster here than np.quantile's partitioning.
    earlier = band_rows[: len(steps)]
    earlier.view(np.int32).sort(axis=1)
    balance.view(np.int32).sort()
    quantiles = np.vstack(
        (earlier[:, _rank_positions(band_paths)], balance[_rank_positions(paths)])
    ).T.astype(np.float64)
    times = np.concatenate(([0.0], np.cumsum(steps)))
    band = [
        BandPoint(year=round(float(t), 4), p10=round(lo, 2), p50=round(mid, 2), p90=round(hi, 2))
        for t, lo, mid, hi in zip(times, *quantiles.tolist(), strict=True)
    ]
    return Projection(
        years=float(years), paths=paths, seed=seed,
        contributions=round(initial + 12.0 * monthly * years, 2),
        median=band[-1].p50, p10=band[-1].p10, p90=band[-1].p90,
        target_amount=target, probability_of_target=probability, band=band,
    )
