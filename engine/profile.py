"""The investor profile: what the advisor knows about a person before recommending.

Validation messages name the field and its valid range, because the chat and the API show them to
the person who typed the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from engine.questionnaire import questionnaire


@dataclass(frozen=True)
class Range:
    """Valid values of one numeric input, in the input's unit; ``high`` is always included."""

    low: float
    high: float
    #: False when ``low`` itself is not valid (a target amount must be above 0).
    low_included: bool = True

    def contains(self, value: float) -> bool:
        """Whether ``value`` is valid (None and NaN are not)."""
        if value is None or value != value:
            return False
        above = value >= self.low if self.low_included else value > self.low
        return above and value <= self.high

    def bounds(self) -> dict[str, float]:
        """The range as pydantic ``Field`` constraints (``ge``/``gt`` and ``le``)."""
        return {"ge" if self.low_included else "gt": self.low, "le": self.high}

    def words(self) -> str:
        """The range as the validation messages word it: "18 to 100", "above 0 and at most 1
        trillion"."""
        low, high = _words(self.low), _words(self.high)
        return f"{low} to {high}" if self.low_included else f"above {low} and at most {high}"


def _words(number: float) -> str:
    # Amount caps read better as "100 billion" than as 100,000,000,000.
    for scale, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if number >= scale and (number / scale) == int(number / scale):
            return f"{int(number / scale):,} {name}"
    return f"{number:,.0f}" if number == int(number) else f"{number:,}"


#: Age of the person, years.
AGE_RANGE = Range(18, 100)
#: Years until the money is first needed.
HORIZON_RANGE = Range(0, 60)
#: Planned retirement age, years (retirement goal).
RETIREMENT_AGE_RANGE = Range(40, 80)
#: Amount invested now, account currency.
INITIAL_AMOUNT_RANGE = Range(0, 1e11)
#: Amount added each month, account currency per month.
MONTHLY_CONTRIBUTION_RANGE = Range(0, 1e9)
#: Amount hoped for at the horizon, account currency (no target is None, not 0).
TARGET_AMOUNT_RANGE = Range(0, 1e12, low_included=False)
#: Financial assets the person could invest (savings, deposits, funds, shares), account currency.
INVESTABLE_ASSETS_RANGE = Range(0, 1e12)
#: The household's income over a year, account currency per year.
HOUSEHOLD_INCOME_RANGE = Range(0, 1e11)
#: The range of each numeric field of :class:`InvestorProfile`, by field name.
INPUT_RANGES = {
    "age": AGE_RANGE,
    "horizon_years": HORIZON_RANGE,
    "retirement_age": RETIREMENT_AGE_RANGE,
    "initial_amount": INITIAL_AMOUNT_RANGE,
    "monthly_contribution": MONTHLY_CONTRIBUTION_RANGE,
    "target_amount": TARGET_AMOUNT_RANGE,
    "investable_assets": INVESTABLE_ASSETS_RANGE,
    "household_income": HOUSEHOLD_INCOME_RANGE,
}


def input_range(field: str) -> Range:
    """The valid range of the numeric profile input ``field`` (a field of InvestorProfile).

    Raises
    ------
    KeyError
        ``field`` is not a numeric input; the message lists those that are.
    """
    try:
        return INPUT_RANGES[field]
    except KeyError:
        raise KeyError(f"{field!r} is not a numeric profile input "
                       f"(valid: {', '.join(INPUT_RANGES)})") from None


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

def goal_key(value: Any) -> Any:
    """The goal value that ``value`` names, aliases read ("Home" -> "major_purchase"); anything
    but a string is returned unchanged."""
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        return GOAL_ALIASES.get(key, key)
    return value


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


class InvestmentKnowledge(StrEnum):
    """What the person knows of investing, as the person describes it."""

    none = "none"  # knows little or nothing of investment products
    basic = "basic"  # knows the difference between deposits, bonds and shares
    good = "good"  # understands funds, diversification and the risks of shares
    extensive = "extensive"  # works in finance or holds a finance qualification


#: Situation fields that suitability rules ask for (engine/suitability/); optional, and left out of
#: a profile's record when not given, so that a profile without them reads as it always has.
SITUATION_FIELDS = ("investable_assets", "household_income", "investment_knowledge")


class InvestorProfile(BaseModel):
    """Everything the engine needs to recommend an allocation.

    Amounts are in the account currency. ``horizon_years`` is the number of years until the money
    is first needed; when omitted it defaults from the goal and the age (retirement at
    ``retirement_age``, 65 unless given).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    age: int = Field(**AGE_RANGE.bounds(), description=f"Age in years, {AGE_RANGE.words()}.")
    goal: Goal
    horizon_years: float | None = Field(
        default=None, **HORIZON_RANGE.bounds(), allow_inf_nan=False,
        description=f"Years until the money is needed, {HORIZON_RANGE.words()}.",
    )
    retirement_age: int | None = Field(
        default=None, **RETIREMENT_AGE_RANGE.bounds(),
        description=f"Planned retirement age, {RETIREMENT_AGE_RANGE.words()} (retirement goal).",
    )
    initial_amount: float = Field(
        default=0.0, **INITIAL_AMOUNT_RANGE.bounds(), allow_inf_nan=False,
        description=f"Amount invested now, {INITIAL_AMOUNT_RANGE.words()}.",
    )
    monthly_contribution: float = Field(
        default=0.0, **MONTHLY_CONTRIBUTION_RANGE.bounds(), allow_inf_nan=False,
        description=f"Monthly contribution, {MONTHLY_CONTRIBUTION_RANGE.words()}.",
    )
    target_amount: float | None = Field(
        default=None, **TARGET_AMOUNT_RANGE.bounds(), allow_inf_nan=False,
        description=f"Target amount, {TARGET_AMOUNT_RANGE.words()}.",
    )
    risk_answers: dict[str, str] = Field(description="Question id -> option id, for every risk question.")
    income_stability: IncomeStability = IncomeStability.stable
    liquidity_needs: LiquidityNeeds = LiquidityNeeds.low
    market_outlook: MarketOutlook | None = None
    investable_assets: float | None = Field(
        default=None, **INVESTABLE_ASSETS_RANGE.bounds(), allow_inf_nan=False,
        description=f"Investable financial assets, {INVESTABLE_ASSETS_RANGE.words()}.",
    )
    household_income: float | None = Field(
        default=None, **HOUSEHOLD_INCOME_RANGE.bounds(), allow_inf_nan=False,
        description=f"Household income a year, {HOUSEHOLD_INCOME_RANGE.words()}.",
    )
    investment_knowledge: InvestmentKnowledge | None = None

    @model_serializer(mode="wrap")
    def _situation_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        for name in SITUATION_FIELDS:
            if name in data and data[name] is None:
                del data[name]
        return data

    @field_validator("goal", mode="before")
    @classmethod
    def _goal_alias(cls, value):
        return goal_key(value)

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
        return default_horizon(self.goal, self.age, self.retirement_age)

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


def default_horizon(goal: Goal | str, age: float, retirement_age: float | None = None) -> float:
    """Years until the money is first needed when the person does not say.

    Parameters
    ----------
    goal : Goal or str
        The goal (its value or an alias such as "home").
    age : float
        Age in years.
    retirement_age : float, optional
        Planned retirement age in years (retirement goal); ``DEFAULT_RETIREMENT_AGE`` when None.

    Returns
    -------
    float
        Years: for retirement, the years left until the retirement age (within ``HORIZON_RANGE``);
        for any other goal, its ``DEFAULT_HORIZON``.
    """
    goal = Goal(goal_key(goal))
    if goal is Goal.retirement:
        left = (retirement_age or DEFAULT_RETIREMENT_AGE) - age
        return float(min(HORIZON_RANGE.high, max(HORIZON_RANGE.low, left)))
    return float(DEFAULT_HORIZON[goal])
