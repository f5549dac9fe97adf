"""The investor profile: what the advisor knows about a person before recommending.

Validation messages name the field and its valid range, because the chat and the API show them to
the person who typed the value.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.questionnaire import questionnaire

#: Age at which a retirement goal starts drawing on the savings unless the person says otherwise.
DEFAULT_RETIREMENT_AGE = 65
#: Age to which retirement savings are planned to last (the spending period of a retirement goal).
PLANNING_AGE = 90


class Goal(StrEnum):
    retirement = "retirement"
    major_purchase = "major_purchase"  # a home or another major purchase
    education = "education"
    wealth_building = "wealth_building"
    income = "income"
    capital_preservation = "capital_preservation"


GOAL_ALIASES = {
    "home": Goal.major_purchase,
    "home_purchase": Goal.major_purchase,
    "house": Goal.major_purchase,
    "purchase": Goal.major_purchase,
    "wealth": Goal.wealth_building,
    "growth": Goal.wealth_building,
    "preservation": Goal.capital_preservation,
}

#: Default horizon (years until the money is first needed) for goals without a natural date.
DEFAULT_HORIZON = {
    Goal.major_purchase: 5,
    Goal.education: 10,
    Goal.wealth_building: 15,
    Goal.income: 5,
    Goal.capital_preservation: 5,
}

#: Years over which the money of a goal is spent once the horizon is reached. A lump-sum goal is
#: spent at once; education over about four years; income is drawn over about ten.
SPENDING_YEARS = {
    Goal.major_purchase: 0,
    Goal.education: 4,
    Goal.wealth_building: 0,
    Goal.income: 10,
    Goal.capital_preservation: 0,
}


class IncomeStability(StrEnum):
    stable = "stable"
    somewhat_stable = "somewhat_stable"
    unstable = "unstable"


class LiquidityNeeds(StrEnum):
    """Share of the money that may be needed at short notice: low (<10 %), medium, high (>25 %)."""

    low = "low"
    medium = "medium"
    high = "high"


class MarketOutlook(StrEnum):
    bearish = "bearish"
    neutral = "neutral"
    bullish = "bullish"


class InvestorProfile(BaseModel):
    """Everything the engine needs to recommend an allocation.

    Amounts are in the account currency. ``horizon_years`` is the number of years until the money
    is first needed; when omitted it defaults from the goal and the age (retirement at
    ``retirement_age``, 65 unless given).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    age: int = Field(ge=18, le=100, description="Age in years, 18 to 100.")
    goal: Goal
    horizon_years: float | None = Field(
        default=None, ge=0, le=60, allow_inf_nan=False, description="Years until the money is needed, 0 to 60."
    )
    retirement_age: int | None = Field(
        default=None, ge=40, le=80, description="Planned retirement age, 40 to 80 (retirement goal)."
    )
    initial_amount: float = Field(
        default=0.0, ge=0, le=1e11, allow_inf_nan=False, description="Amount invested now, 0 to 100 billion."
    )
    monthly_contribution: float = Field(
        default=0.0, ge=0, le=1e9, allow_inf_nan=False, description="Monthly contribution, 0 to 1 billion."
    )
    target_amount: float | None = Field(
        default=None, gt=0, le=1e12, allow_inf_nan=False, description="Target amount, above 0 and at most 1 trillion."
    )
    risk_answers: dict[str, str] = Field(description="Question id -> option id, for every risk question.")
    income_stability: IncomeStability = IncomeStability.stable
    liquidity_needs: LiquidityNeeds = LiquidityNeeds.low
    market_outlook: MarketOutlook | None = None

    @field_validator("goal", mode="before")
    @classmethod
    def _goal_alias(cls, value):
        if isinstance(value, str):
            key = value.strip().lower().replace(" ", "_").replace("-", "_")
            return GOAL_ALIASES.get(key, key)
        return value

    @field_validator("risk_answers")
    @classmethod
    def _answers_complete(cls, answers: dict[str, str]) -> dict[str, str]:
        form = questionnaire()
        unknown = sorted(set(answers) - set(form.ids))
        if unknown:
            raise ValueError(
                f"unknown risk questions: {', '.join(unknown)} (valid: {', '.join(form.ids)})"
            )
        missing = [q for q in form.ids if q not in answers]
        if missing:
            raise ValueError(f"missing answers to risk questions: {', '.join(missing)}")
        for question_id, option_id in answers.items():
            form.question(question_id).option(option_id)
        return answers

    @model_validator(mode="after")
    def _retirement_age_after_age(self) -> InvestorProfile:
        if self.retirement_age is not None and self.goal is not Goal.retirement:
            raise ValueError("retirement_age applies only to the retirement goal")
        return self

    @property
    def planned_retirement_age(self) -> int:
        return self.retirement_age or DEFAULT_RETIREMENT_AGE

    @property
    def horizon(self) -> float:
        """Years until the money is first needed: as given, or the goal's default."""
        if self.horizon_years is not None:
            return float(self.horizon_years)
        if self.goal is Goal.retirement:
            return float(min(60, max(0, self.planned_retirement_age - self.age)))
        return float(DEFAULT_HORIZON[self.goal])

    @property
    def spending_years(self) -> float:
        """Years over which the goal's money is spent once the horizon is reached."""
        if self.goal is Goal.retirement:
            start = self.age + self.horizon
            return float(max(10.0, PLANNING_AGE - start))
        return float(SPENDING_YEARS[self.goal])

    @property
    def effective_horizon(self) -> float:
        """Years until, on average, the money is spent: the horizon plus half the spending period.

        Retirement savings are drawn over decades, so at the retirement date most of the money is
        still invested for years; a lump-sum goal is all needed at the horizon.
        """
        return self.horizon + self.spending_years / 2.0
