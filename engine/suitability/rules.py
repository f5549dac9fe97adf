"""The suitability rules of the China market as data: ``engine/data/suitability_cn.yml``.

The file holds the scoring table of the investor's class, the answers of the lowest category, the
product grade of each asset class, the bands of the portfolio grade and the re-assessment period,
each with the source it is modelled on. :func:`suitability_rules` reads and checks it once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.profile import InvestmentKnowledge
from engine.questionnaire import questionnaire

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "suitability_cn.yml"

#: Investor classes, from the lowest risk tolerance to the highest.
InvestorClass = Literal["C1", "C2", "C3", "C4", "C5"]
CLASSES: tuple[str, ...] = get_args(InvestorClass)
#: Risk grades of products and portfolios, from the lowest risk to the highest.
Grade = Literal["R1", "R2", "R3", "R4", "R5"]
GRADES: tuple[str, ...] = get_args(Grade)


class SuitabilityRulesError(ValueError):
    """A suitability rules file that cannot be used, with the reason."""


def level(code: str) -> int:
    """The number of a class or grade: 1 for "C1" or "R1", 5 for "C5" or "R5"."""
    if code not in CLASSES and code not in GRADES:
        raise ValueError(f"{code!r} is neither an investor class ({', '.join(CLASSES)}) nor a "
                         f"risk grade ({', '.join(GRADES)})")
    return int(code[1])


def grade_of(investor_class: str) -> str:
    """The highest grade a class may be recommended: R1 for C1, ... R5 for C5."""
    return GRADES[level(investor_class) - 1]


class Band(BaseModel):
    """Points for an amount from ``from_`` up to the next band's lower bound."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: float = Field(alias="from", ge=0)
    points: int = Field(ge=0)


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")

    risk_score_points: int = Field(gt=0)
    investable_assets: list[Band]
    household_income: list[Band]
    investment_knowledge: dict[InvestmentKnowledge, int]
    classes: dict[InvestorClass, float]

    @model_validator(mode="after")
    def _ordered(self) -> Scoring:
        for name in ("investable_assets", "household_income"):
            bands = getattr(self, name)
            lows = [b.from_ for b in bands]
            if not bands or lows[0] != 0 or lows != sorted(set(lows)):
                raise ValueError(f"{name}: bands must start at 0 and rise")
        if set(self.investment_knowledge) != set(InvestmentKnowledge):
            raise ValueError("investment_knowledge: needs points for "
                             f"{', '.join(k.value for k in InvestmentKnowledge)}")
        lows = [self.classes.get(c) for c in CLASSES]
        if None in lows or lows[0] != 0 or lows != sorted(set(lows)):
            raise ValueError(f"classes: needs the lowest points of {', '.join(CLASSES)}, "
                             "starting at 0 and rising")
        return self

    @property
    def most_points(self) -> int:
        return (self.risk_score_points + self.investable_assets[-1].points
                + self.household_income[-1].points + max(self.investment_knowledge.values()))


class SuitabilityRules(BaseModel):
    """The contents of ``suitability_cn.yml``."""

    model_config = ConfigDict(extra="forbid")

    version: str
    sources: dict[str, dict[str, str]]
    scoring: Scoring
    lowest_category: dict[str, str]
    product_grades: dict[str, Grade]
    portfolio_bands: dict[Grade, float]
    reassess_after_months: int = Field(gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> SuitabilityRules:
        form = questionnaire()
        for question, option in self.lowest_category.items():
            form.question(question).option(option)  # names the question or option it lacks
        shares = [self.portfolio_bands[g] for g in sorted(self.portfolio_bands)]
        if shares != sorted(shares) or shares[-1] != 1.0 or not all(0 < s <= 1 for s in shares):
            raise ValueError("portfolio_bands: shares must rise and end at 1.0")
        if min(self.portfolio_bands) != self.risk_asset_grade:
            raise ValueError(f"portfolio_bands: must start at {self.risk_asset_grade}, the lowest "
                             "grade of a risk asset")
        return self

    @property
    def risk_asset_grade(self) -> str:
        """The lowest grade of an asset class that counts as a risk asset (R3 here)."""
        return min(g for g in self.product_grades.values() if g not in ("R1", "R2"))

    @property
    def risk_assets(self) -> tuple[str, ...]:
        """Asset classes graded as risk assets, whose total share sets the portfolio's band."""
        return tuple(name for name, grade in self.product_grades.items()
                     if level(grade) >= level(self.risk_asset_grade))

    def risk_asset_cap(self, grade: str) -> float:
        """The largest share of risk assets a portfolio of at most ``grade`` may hold."""
        caps = [share for band, share in self.portfolio_bands.items() if level(band) <= level(grade)]
        return max(caps, default=0.0)


@lru_cache(maxsize=1)
def suitability_rules() -> SuitabilityRules:
    """The rules in force (read once).

    Raises
    ------
    SuitabilityRulesError
        When the file cannot be read or breaks a rule; the message names the problem.
    """
    try:
        raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
        return SuitabilityRules.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise SuitabilityRulesError(f"cannot read suitability rules {RULES_FILE}: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise SuitabilityRulesError(f"suitability rules {RULES_FILE}: {problems}") from exc
