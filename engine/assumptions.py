"""Capital market assumptions: expected returns, volatilities and correlations of the asset classes.

The default file is ``engine/data/capital_market_assumptions.yml`` (sources and dates inside). A firm
may supply its own file of the same shape; :func:`load_assumptions` checks it and names any problem.

A file names its ``market`` (``us`` when it does not): the market decides the asset classes the file
must cover (:data:`MARKET_CLASSES`) and its default file (:data:`MARKET_FILES`); the China market's
file, in yuan, is ``engine/data/capital_market_assumptions_cn.yml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "capital_market_assumptions.yml"
CN_FILE = DEFAULT_FILE.with_name("capital_market_assumptions_cn.yml")

#: The markets the engine knows: a deployment setting (``MARKET``) read at the edges only.
Market = Literal["us", "cn"]
MARKETS: tuple[str, ...] = get_args(Market)
DEFAULT_MARKET = "us"

#: The groups an asset class belongs to, in the order recommendations report them.
Group = Literal["equity", "bonds", "cash", "alternatives"]
GROUPS: tuple[str, ...] = get_args(Group)

#: The asset classes every assumptions file must cover: the allocation policy is written for them.
REQUIRED_CLASSES = (
    "us_equity",
    "intl_developed_equity",
    "emerging_equity",
    "aggregate_bonds",
    "short_term_bonds",
    "inflation_linked_bonds",
    "high_yield_bonds",
    "cash",
    "real_estate",
    "gold_commodities",
)
#: The asset classes of the China market (yuan), for which its rules are written.
CN_CLASSES = (
    "cn_a_shares",
    "hk_equity",
    "global_equity_qdii",
    "cn_government_bonds",
    "cn_credit_bonds",
    "cn_money_market",
    "gold_cny",
    "c_reits",
)
MARKET_CLASSES = {"us": REQUIRED_CLASSES, "cn": CN_CLASSES}
MARKET_FILES = {"us": DEFAULT_FILE, "cn": CN_FILE}


class AssumptionsError(ValueError):
    """A capital-market-assumptions file that cannot be used, with the reason."""


class AssetClass(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    group: Group
    expected_return: float = Field(ge=-0.5, le=0.5, allow_inf_nan=False)
    volatility: float = Field(ge=0.0, le=1.5, allow_inf_nan=False)
    source: str


class Correlations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order: list[str]
    matrix: list[list[float]]

    @field_validator("matrix")
    @classmethod
    def _finite(cls, matrix: list[list[float]]) -> list[list[float]]:
        values = np.asarray(matrix, dtype=float)
        if not np.all(np.isfinite(values)):
            raise ValueError("correlations contain a value that is not a finite number")
        return matrix


class AssumptionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    as_of: str
    market: Market = DEFAULT_MARKET
    currency: str = "USD"
    sources: dict[str, dict[str, str]]
    asset_classes: dict[str, AssetClass]
    correlations: Correlations


class CapitalMarketAssumptions:
    """Validated assumptions, as pandas objects the optimizer can use.

    Attributes
    ----------
    version : str
        Recorded with every recommendation for the suitability record.
    classes : pandas.DataFrame
        One row per asset class: name, group, expected_return (geometric, annual fraction),
        volatility (annual fraction), source.
    correlation : pandas.DataFrame
        Correlation matrix indexed both ways by asset class.
    """

    def __init__(self, spec: AssumptionsFile):
        self.version = spec.version
        self.as_of = spec.as_of
        self.market = spec.market
        self.currency = spec.currency
        self.sources = spec.sources
        self.classes = pd.DataFrame(
            {key: value.model_dump() for key, value in spec.asset_classes.items()}
        ).T
        self.classes[["expected_return", "volatility"]] = self.classes[
            ["expected_return", "volatility"]
        ].astype(float)
        order = spec.correlations.order
        self.correlation = pd.DataFrame(spec.correlations.matrix, index=order, columns=order).loc[
            self.classes.index, self.classes.index
        ]
        vol = self.classes["volatility"].to_numpy()
        self.covariance = self.correlation * np.outer(vol, vol)
        # Mean-variance needs arithmetic means; the published figures are geometric (median
        # compound) returns, so add half the variance.
        self.arithmetic_returns = self.classes["expected_return"] + 0.5 * vol**2

    @property
    def labels(self) -> list[str]:
        return list(self.classes.index)

    def members(self, group: str) -> list[str]:
        return list(self.classes.index[self.classes["group"] == group])


def load_assumptions(path: str | Path | None = None, market: str = DEFAULT_MARKET
                     ) -> CapitalMarketAssumptions:
    """Load and check a capital-market-assumptions file (the market's default one when ``path``
    is None).

    Raises
    ------
    AssumptionsError
        When the file is missing or unreadable, a field is missing or out of range, an asset class
        is missing, or the correlation matrix is not a valid, positive semi-definite correlation
        matrix. The message names the problem; also when ``market`` is not a known market, or
        the file is written for another market.
    """
    if market not in MARKETS:
        raise AssumptionsError(f"unknown market {market!r} (valid: {', '.join(MARKETS)})")
    cma = _default_assumptions(market) if path is None else _load(Path(path))
    if cma.market != market:
        raise AssumptionsError(f"assumptions file {path} is for the market {cma.market!r}, "
                               f"not {market!r}")
    return cma


@lru_cache(maxsize=len(MARKETS))
def _default_assumptions(market: str = DEFAULT_MARKET) -> CapitalMarketAssumptions:
    return _load(MARKET_FILES[market])


def _load(path: Path) -> CapitalMarketAssumptions:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AssumptionsError(f"cannot read assumptions file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise AssumptionsError(f"assumptions file {path} is not valid YAML: {exc}") from exc
    try:
        spec = AssumptionsFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise AssumptionsError(f"assumptions file {path}: {problems}") from exc
    _check_consistency(spec, path)
    return CapitalMarketAssumptions(spec)


def _check_consistency(spec: AssumptionsFile, path: Path) -> None:
    classes = set(spec.asset_classes)
    missing = [name for name in MARKET_CLASSES[spec.market] if name not in classes]
    if missing:
        raise AssumptionsError(f"assumptions file {path}: missing asset classes: {', '.join(missing)}")
    unknown_sources = sorted(
        {c.source for c in spec.asset_classes.values()} - set(spec.sources)
    )
    if unknown_sources:
        raise AssumptionsError(
            f"assumptions file {path}: asset classes cite undefined sources: {', '.join(unknown_sources)}"
        )
    order = spec.correlations.order
    if sorted(order) != sorted(classes) or len(set(order)) != len(order):
        raise AssumptionsError(
            f"assumptions file {path}: correlations.order must list each asset class exactly once "
            f"(missing: {sorted(classes - set(order))}, unknown or repeated: "
            f"{sorted({o for o in order if o not in classes or order.count(o) > 1})})"
        )
    matrix = np.asarray(spec.correlations.matrix, dtype=float)
    n = len(order)
    if matrix.shape != (n, n):
        raise AssumptionsError(
            f"assumptions file {path}: correlation matrix must be {n}x{n}, got "
            f"{'x'.join(str(s) for s in matrix.shape)}"
        )
    if not np.allclose(np.diag(matrix), 1.0):
        raise AssumptionsError(f"assumptions file {path}: correlation matrix diagonal must be 1")
    if np.any(np.abs(matrix) > 1.0):
        raise AssumptionsError(f"assumptions file {path}: correlations must lie in [-1, 1]")
    if not np.allclose(matrix, matrix.T, atol=1e-12):
        i, j = np.unravel_index(np.argmax(np.abs(matrix - matrix.T)), matrix.shape)
        raise AssumptionsError(
            f"assumptions file {path}: correlation matrix is not symmetric "
            f"({order[i]}/{order[j]} = {matrix[i, j]} but {order[j]}/{order[i]} = {matrix[j, i]})"
        )
    smallest = float(np.linalg.eigvalsh(matrix).min())
    if smallest < -1e-10:
        raise AssumptionsError(
            f"assumptions file {path}: correlation matrix is not positive semi-definite "
            f"(smallest eigenvalue {smallest:.4g})"
        )
