"""What a mix did in market history: its worst calendar year, worst 12 months, deepest fall and
recovery, and its path through named episodes (1973-74, 2000-02, 2008, 2020, 2022).

The bad year of a recommendation (engine.projection) comes from a lognormal model; this module
replays the mix through real monthly returns instead. Each asset class is represented by a series
of the data shipped in the ``arch`` wheel (monthly Fama/French market and T-bill returns from
Kenneth R. French's data library, 1926-07 to 2018-11, and Moody's Aaa and Baa corporate bond yields
from FRED, 1919-01 to 2018-12), as ``engine/data/market_history.yml`` sets out class by class with
the reason for each stand-in. The mix is rebalanced to its weights at the end of every month, so its
monthly return is the weighted sum of the classes' returns; fees, taxes and inflation are left out.

The data files are read from the installed distribution (``importlib.metadata``), without importing
``arch`` itself, and each is checked against the SHA-256 pinned in the proxies file: the figures name
the exact data they come from (:attr:`HistoricalStress.data_version`). The files are read and the
monthly returns of every class prepared once per proxies file; a mix then costs a matrix-vector
product and a few passes over some 1,100 months.

Months are written "YYYY-MM". A value "at the end of" a month is the mix's worth after that month's
return; the data start with 1 at the end of the month before their first month.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "market_history.yml"


class HistoryDataError(RuntimeError):
    """The market data cannot be used: missing, changed, or not covering a class of the mix."""


# -- the proxies file ---------------------------------------------------------------------------

class DataFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    covers: str
    title: str
    url: str


class Proxy(BaseModel):
    """The series that represents one asset class."""

    model_config = ConfigDict(extra="forbid")

    series: str = Field(pattern=r"^(stock_market|t_bills|aaa_yield|baa_yield)$")
    duration: float | None = Field(default=None, gt=0, le=30)
    stand_in: bool = False
    note: str


class Episode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    start: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    end: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


class Proxies(BaseModel):
    """The contents of ``market_history.yml``."""

    model_config = ConfigDict(extra="forbid")

    version: str
    package: str
    package_version: str
    licence: str
    files: dict[str, DataFile]
    proxies: dict[str, Proxy]
    episodes: list[Episode]


# -- the figures --------------------------------------------------------------------------------

class YearReturn(BaseModel):
    """The mix's return over one calendar year (a fraction; -0.27 is a 27 % loss)."""

    year: int
    total_return: float


class Window(BaseModel):
    """The mix's return over the months ``start`` to ``end``, both included."""

    start: str
    end: str
    total_return: float


class Drawdown(BaseModel):
    """The deepest fall from a high: ``depth`` (<= 0) from the end of ``peak`` to the end of
    ``trough``; ``recovered`` is the first month the mix ended at or above its peak again, None
    when it had not by the end of the data."""

    depth: float
    peak: str
    trough: str
    recovered: str | None
    months_to_recover: int | None = Field(description="from the trough to the recovery")
    months_underwater: int | None = Field(description="from the peak to the recovery")


class EpisodeResult(BaseModel):
    """The mix through one named episode; the figures are None when the data do not cover it.

    ``total_return`` runs from the end of the month before ``start`` to the end of ``end``;
    ``worst_fall`` is the lowest value inside the episode against that starting value (<= 0);
    ``months_to_recover`` counts from the episode's start until the mix, after that low, first
    ended a month at or above its starting value again (0 when it never fell below it, None when
    it had not by the end of the data).
    """

    name: str
    start: str
    end: str
    covered: bool
    total_return: float | None = None
    worst_fall: float | None = None
    months_to_recover: int | None = None


class HistoricalStress(BaseModel):
    """What a mix, rebalanced monthly to its weights, did in the market history of the data."""

    data_version: str
    first_month: str
    last_month: str
    first_full_year: int
    last_full_year: int
    worst_calendar_year: YearReturn
    worst_12_months: Window
    deepest_drawdown: Drawdown
    episodes: list[EpisodeResult]
    #: Classes of the mix with no series of their own in the data, and their total weight.
    stand_ins: list[str]
    stand_in_weight: float

    @property
    def not_covered(self) -> list[str]:
        """Names of the episodes the data do not reach."""
        return [e.name for e in self.episodes if not e.covered]

    @property
    def hardest_episode(self) -> EpisodeResult | None:
        """The covered episode in which the mix fell furthest (the later one on a tie); None when
        the data cover none of them."""
        covered = [e for e in self.episodes if e.covered]
        return min(reversed(covered), key=lambda e: e.worst_fall) if covered else None


# -- the data -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarketHistory:
    """Monthly returns of every asset class, prepared once per proxies file.

    ``returns`` has one row per month (``months``) and one column per class (``classes``).
    ``year_ends`` are the positions, in the value series (which has one more entry than
    ``months``), of the end of each full calendar year, the first being the end of the year
    before ``full_years[0]``.
    """

    proxies: Proxies
    version: str
    months: pd.PeriodIndex
    labels: np.ndarray
    classes: tuple[str, ...]
    returns: np.ndarray
    full_years: np.ndarray
    year_ends: np.ndarray

    def label(self, position: int) -> str:
        """The month at whose end the value series stands at ``position``."""
        return str(self.labels[position])


def _read(proxies: Proxies, key: str) -> pd.DataFrame:
    spec = proxies.files[key]
    try:
        path = Path(str(metadata.distribution(proxies.package).locate_file(spec.member)))
        content = path.read_bytes()
    except (metadata.PackageNotFoundError, OSError) as error:
        raise HistoryDataError(
            f"the market data file {spec.member} of the {proxies.package} package "
            f"{proxies.package_version} cannot be read ({error}); install the project's "
            f"dependencies (make setup)") from None
    digest = hashlib.sha256(content).hexdigest()
    if digest != spec.sha256:
        raise HistoryDataError(
            f"{spec.member} has SHA-256 {digest}, not the pinned {spec.sha256}: install "
            f"{proxies.package}=={proxies.package_version} as requirements/app.lock pins it")
    return pd.read_csv(path)


def _bond_returns(yields: pd.Series, duration: float) -> pd.Series:
    # A constant-duration bond: a month's carry plus the first-order price change of its yield.
    y = yields / 100.0
    return y.shift(1) / 12.0 - duration * y.diff()


def _load(path: Path) -> MarketHistory:
    try:
        proxies = Proxies.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise HistoryDataError(f"market history proxies {path}: {error}") from None
    for name, proxy in proxies.proxies.items():
        if proxy.series.endswith("_yield") and proxy.duration is None:
            raise HistoryDataError(f"market history proxies {path}: {name} uses "
                                   f"{proxy.series} and needs a duration")
    french = _read(proxies, "french")
    french.index = pd.PeriodIndex.from_fields(year=french["Date"] // 100,
                                              month=french["Date"] % 100, freq="M")
    moody = _read(proxies, "moody")
    moody.index = pd.to_datetime(moody["Date"], format="%m/%d/%Y").dt.to_period("M")
    series = {
        "stock_market": (french["Mkt-RF"] + french["RF"]) / 100.0,
        "t_bills": french["RF"] / 100.0,
    }
    columns = {}
    for name, proxy in proxies.proxies.items():
        if proxy.series in series:
            columns[name] = series[proxy.series]
        else:
            yields = moody["AAA" if proxy.series == "aaa_yield" else "BAA"]
            columns[name] = _bond_returns(yields, proxy.duration)
    # The months every series covers (the bond returns need the month before as well).
    frame = pd.DataFrame(columns).sort_index().dropna()
    months = frame.index
    if len(months) != (months[-1] - months[0]).n + 1:
        raise HistoryDataError(f"the market data have gaps between {months[0]} and {months[-1]}")
    labels = np.array([str(months[0] - 1), *(str(m) for m in months)])
    first_full = months[0].year + (months[0].month != 1)
    last_full = months[-1].year - (months[-1].month != 12)
    years = np.arange(first_full, last_full + 1)
    # Value position of the end of December of year y: months before January of y+1.
    year_ends = np.array([(pd.Period(year=y, month=12, freq="M") - months[0]).n + 1
                          for y in range(first_full - 1, last_full + 1)])
    digests = "+".join(proxies.files[key].sha256[:8] for key in ("french", "moody"))
    returns = frame.to_numpy(dtype=float)
    returns.setflags(write=False)
    return MarketHistory(
        proxies=proxies, version=f"{proxies.version}+{proxies.package}-{proxies.package_version}"
        f"+{digests}", months=months, labels=labels, classes=tuple(frame.columns),
        returns=returns, full_years=years, year_ends=year_ends,
    )


@lru_cache(maxsize=4)
def market_history(path: str | Path | None = None) -> MarketHistory:
    """The monthly returns of every asset class (read once per proxies file).

    Raises
    ------
    HistoryDataError
        When the proxies file or a data file cannot be used.
    """
    return _load(Path(path) if path is not None else DEFAULT_FILE)


# -- the figures of one value path --------------------------------------------------------------

def drawdown(values: np.ndarray) -> tuple[int, int, int | None]:
    """Positions of the peak, the trough and the recovery of the deepest fall in ``values``.

    The recovery is the first position after the trough at or above the peak's value (None when
    there is none). With no fall at all, peak and trough are both position 0.
    """
    values = np.asarray(values, dtype=float)
    highs = np.maximum.accumulate(values)
    trough = int(np.argmin(values / highs))
    peak = int(np.argmax(values[: trough + 1]))
    if trough == peak:
        return 0, 0, 0
    after = np.flatnonzero(values[trough:] >= values[peak])
    return peak, trough, (trough + int(after[0])) if after.size else None


def _episode(history: MarketHistory, values: np.ndarray, episode: Episode) -> EpisodeResult:
    start, end = pd.Period(episode.start, freq="M"), pd.Period(episode.end, freq="M")
    first, last = history.months[0], history.months[-1]
    result = EpisodeResult(name=episode.name, start=episode.start, end=episode.end,
                           covered=first <= start and end <= last)
    if not result.covered:
        return result
    begin = (start - first).n  # value position at the end of the month before the start
    finish = (end - first).n + 1
    inside = values[begin: finish + 1]
    low = int(np.argmin(inside))
    recovery = None
    if inside[low] >= inside[0]:
        recovery = 0
    else:
        back = np.flatnonzero(values[begin + low:] >= values[begin])
        recovery = low + int(back[0]) if back.size else None
    return result.model_copy(update={
        "total_return": round(float(values[finish] / values[begin] - 1.0), 6),
        "worst_fall": round(float(inside[low] / inside[0] - 1.0), 6),
        "months_to_recover": recovery,
    })


def stress(weights: Mapping[str, float], history: MarketHistory | None = None) -> HistoricalStress:
    """What the mix ``weights`` (asset class -> fraction, summing to 1) did in market history.

    Raises
    ------
    HistoryDataError
        When a class of the mix has no series in the proxies file.
    ValueError
        When the weights are negative or do not sum to 1.
    """
    history = history if history is not None else market_history()
    missing = sorted(name for name, weight in weights.items()
                     if weight > 0 and name not in history.classes)
    if missing:
        raise HistoryDataError(f"no market history series for {', '.join(missing)}: add "
                               f"{'it' if len(missing) == 1 else 'them'} to {DEFAULT_FILE.name}")
    w = np.array([float(weights.get(name, 0.0)) for name in history.classes])
    if min(weights.values(), default=0.0) < 0 or abs(w.sum() - 1.0) > 1e-6:
        raise ValueError(f"weights must be 0 or more and sum to 1, got {dict(weights)}")
    values = np.concatenate(([1.0], np.cumprod(1.0 + history.returns @ w)))

    yearly = values[history.year_ends[1:]] / values[history.year_ends[:-1]] - 1.0
    worst_year = int(np.argmin(yearly))
    rolling = values[12:] / values[:-12] - 1.0  # position i: the 12 months after value i
    worst_window = int(np.argmin(rolling))
    peak, trough, recovered = drawdown(values)
    stand_ins = [name for name in history.classes
                 if weights.get(name, 0.0) > 0 and history.proxies.proxies[name].stand_in]
    return HistoricalStress(
        data_version=history.version,
        first_month=str(history.months[0]), last_month=str(history.months[-1]),
        first_full_year=int(history.full_years[0]), last_full_year=int(history.full_years[-1]),
        worst_calendar_year=YearReturn(year=int(history.full_years[worst_year]),
                                       total_return=round(float(yearly[worst_year]), 6)),
        worst_12_months=Window(start=history.label(worst_window + 1),
                               end=history.label(worst_window + 12),
                               total_return=round(float(rolling[worst_window]), 6)),
        deepest_drawdown=Drawdown(
            depth=round(float(values[trough] / values[peak] - 1.0), 6),
            peak=history.label(peak), trough=history.label(trough),
            recovered=history.label(recovered) if recovered is not None else None,
            months_to_recover=recovered - trough if recovered is not None else None,
            months_underwater=recovered - peak if recovered is not None else None,
        ),
        episodes=[_episode(history, values, e) for e in history.proxies.episodes],
        stand_ins=stand_ins,
        stand_in_weight=round(float(sum(weights[name] for name in stand_ins)), 6),
    )
