"""Risk grades R1-R5: of each asset class, of a portfolio, and the limits a grade puts on the mix.

A portfolio's grade is the higher of its riskiest holding's grade and the grade of its share of
risk assets (classes graded R3 or above) in the bands of ``engine/data/suitability_cn.yml``:
no risk assets, the grade of the holdings (R1 money-market funds only, else R2); up to 50 %, R3;
up to 80 %, R4; above, R5.

Matching is enforced in the optimizer's bounds rather than checked afterwards: a mix limited to a
grade holds no class graded above it, and its risk assets stay within the grade's band
(:func:`limits`). The weights are rounded to 0.1 % after the optimizer; when the rounding lifts the
risk assets above the band by a step, :func:`within_band` moves that step to money-market funds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
from pydantic import BaseModel

from engine.policy import CN_RULES, AllocationRules
from engine.suitability.rules import GRADES, level, suitability_rules

#: Shares this close to a band's edge count as on it (the weights are sums of 0.1 % steps).
TOLERANCE = 1e-9


class PortfolioGrade(BaseModel):
    """A portfolio's grade and the two figures it comes from."""

    grade: str
    risk_asset_share: float
    highest_holding_grade: str


def product_grade(asset_class: str) -> str:
    """The grade of one asset class (raises ValueError naming the graded classes if unknown)."""
    grades = suitability_rules().product_grades
    if asset_class not in grades:
        raise ValueError(f"no risk grade for the asset class {asset_class!r} "
                         f"(graded: {', '.join(grades)})")
    return grades[asset_class]


def portfolio_grade(weights: Mapping[str, float]) -> PortfolioGrade:
    """The grade of the mix ``weights`` (asset class -> fraction; classes at 0 are ignored)."""
    rules = suitability_rules()
    held = {name: w for name, w in weights.items() if w > TOLERANCE}
    if not held:
        raise ValueError("a portfolio needs at least one holding to be graded")
    highest = max((product_grade(name) for name in held), key=level)
    share = round(sum(w for name, w in held.items() if name in rules.risk_assets), 6)
    grade = highest
    if share > TOLERANCE:
        band = min((g for g, top in rules.portfolio_bands.items() if share <= top + TOLERANCE),
                   key=level)
        grade = max(grade, band, key=level)
    return PortfolioGrade(grade=grade, risk_asset_share=share, highest_holding_grade=highest)


def limits(grade: str, base: AllocationRules = CN_RULES) -> AllocationRules:
    """The market's rules with the limits of ``grade``: no class graded above it, and risk assets
    at most the grade's band (none below R3)."""
    if grade not in GRADES:
        raise ValueError(f"unknown risk grade {grade!r} (valid: {', '.join(GRADES)})")
    rules = suitability_rules()
    excluded = frozenset(name for name, g in rules.product_grades.items() if level(g) > level(grade))
    return replace(base, excluded=base.excluded | excluded, risk_assets=rules.risk_assets,
                   risk_asset_cap=rules.risk_asset_cap(grade))


def within_band(weights: np.ndarray, labels: list[str], rules: AllocationRules,
                step: float) -> np.ndarray:
    """``weights`` (rounded to ``step``) with the risk assets brought back within
    ``rules.risk_asset_cap``: each ``step`` above it moves from the largest risk asset to the class
    of the lowest grade (money-market funds in the China market)."""
    if rules.risk_asset_cap is None:
        return weights
    risky = [labels.index(n) for n in rules.risk_assets if n in labels]
    safe = min((i for i, n in enumerate(labels) if n not in rules.risk_assets),
               key=lambda i: level(product_grade(labels[i])))
    w = weights.copy()
    excess = int(round((w[risky].sum() - rules.risk_asset_cap) / step))
    for _ in range(max(0, excess)):
        largest = risky[int(np.argmax(w[risky]))]
        w[largest] = round(w[largest] - step, 6)
        w[safe] = round(w[safe] + step, 6)
    return w
