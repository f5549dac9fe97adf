"""The investor's class, C1 to C5, and the lowest category inside C1.

Points out of 100 (the table is in ``engine/data/suitability_cn.yml``, with what it is modelled on):

* the risk score of engine/risk.py (1-10, willingness and capacity with the more cautious one
  dominating) gives ``risk_score_points`` x (score - 1) / 9;
* investable assets, household income and investment knowledge each give the points of their band;
  an item not given scores 0 and is named in the reasons;
* the total falls in the band of one class (C1 from 0, C2 from 20, ...).

The lowest category is set by the answers alone: a client whose answers say they cannot bear a
loss is in it, and so in C1, whatever the points.
"""

from __future__ import annotations

from pydantic import BaseModel

from engine.profile import InvestorProfile
from engine.risk import RiskAssessment
from engine.suitability.rules import CLASSES, Band, suitability_rules


class ClassPoints(BaseModel):
    """The points of each item (the situation items are None when not given)."""

    risk_score: float
    investable_assets: int | None
    household_income: int | None
    investment_knowledge: int | None

    @property
    def total(self) -> float:
        return round(self.risk_score + sum(
            p or 0 for p in (self.investable_assets, self.household_income,
                             self.investment_knowledge)), 2)

    @property
    def missing(self) -> list[str]:
        """The situation items not given."""
        return [name for name in ("investable_assets", "household_income", "investment_knowledge")
                if getattr(self, name) is None]


class InvestorClassification(BaseModel):
    """The class of one client, the points it comes from, and the version of the rules."""

    investor_class: str
    lowest_category: bool
    #: The risk score (engine/risk.py) the points come from.
    risk_score: float
    points: ClassPoints
    total_points: float
    rules_version: str


def _band_points(bands: list[Band], amount: float | None) -> int | None:
    if amount is None:
        return None
    return [b.points for b in bands if amount >= b.from_][-1]


def lowest_category(profile: InvestorProfile) -> bool:
    """Whether the answers say the client cannot bear a loss (every answer of the rules' list)."""
    wanted = suitability_rules().lowest_category
    return all(profile.risk_answers.get(question) == option for question, option in wanted.items())


def class_points(profile: InvestorProfile, risk: RiskAssessment) -> ClassPoints:
    """The points of each item of the scoring table for ``profile`` and its risk assessment."""
    table = suitability_rules().scoring
    knowledge = profile.investment_knowledge
    return ClassPoints(
        risk_score=round(table.risk_score_points * (risk.score - 1.0) / 9.0, 2),
        investable_assets=_band_points(table.investable_assets, profile.investable_assets),
        household_income=_band_points(table.household_income, profile.household_income),
        investment_knowledge=None if knowledge is None else table.investment_knowledge[knowledge],
    )


def class_for_points(total: float) -> str:
    """The class whose band holds ``total`` points."""
    lows = suitability_rules().scoring.classes
    return [c for c in CLASSES if total >= lows[c]][-1]


def classify(profile: InvestorProfile, risk: RiskAssessment) -> InvestorClassification:
    """The class of ``profile`` (C1-C5) and whether it is in the lowest category.

    Parameters
    ----------
    profile : InvestorProfile
        The answers and the situation; ``investable_assets`` and ``household_income`` in yuan.
    risk : RiskAssessment
        The profile's risk assessment (:func:`engine.risk.assess`).
    """
    points = class_points(profile, risk)
    lowest = lowest_category(profile)
    return InvestorClassification(
        investor_class="C1" if lowest else class_for_points(points.total),
        lowest_category=lowest, risk_score=risk.score, points=points, total_points=points.total,
        rules_version=suitability_rules().version,
    )
