"""Plain-language explanation of a recommendation, and the disclosures that go with it.

The engine decides which statements apply and gives each one a code and language-neutral
parameters: fractions, amounts, counts and codes (a goal, an objective, a market view), never
pre-written words. Wording is a separate step, :func:`engine.wording.render`, which fills the phrase
``<kind>_<code>`` (kind: ``reason``, ``reason_driver``, ``reason_flag``, ``disclosure``) from the
locale files (``locales/<language>/advice.yml``): the ``text`` kept on each statement for the JSON
API and the CLI, and the chat's recommendation, come from the same phrases. The placeholders of a
phrase are described in :mod:`engine.wording`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from engine.policy import MAX_OUTLOOK_TILT, PolicyTargets
from engine.profile import Goal, InvestorProfile
from engine.projection import Projection
from engine.risk import RiskAssessment
from engine.wording import DEFAULT_LANGUAGE, texts
from engine.wording import MissingText as MissingText  # re-exported: callers catch it from here
from engine.wording import format_value as format_value  # re-exported with render
from engine.wording import render as render

if TYPE_CHECKING:  # only its figures are read: importing it would load pandas for every caller
    from engine.history import HistoricalStress

#: Willingness and capacity closer than this are treated as equal (neither holds the score down).
LIMITING_MARGIN = 0.5


class Statement(BaseModel):
    """One sentence of the explanation or one disclosure.

    ``params`` hold numbers (fractions for shares and rates, currency units for amounts), codes,
    names, or the statements of a list (the reasons a capacity is low, the answers that conflict).
    """

    code: str
    params: dict[str, str | float | int | None | list[Statement] | list[str]] = {}
    text: str


class Explanation(BaseModel):
    language: str
    summary: str
    summary_statement: Statement
    reasons: list[Statement]


class _Writer:
    """Makes the statements of one kind (``reason``, ``disclosure``, ...) in one language."""

    def __init__(self, kind: str, language: str):
        self.kind = kind
        self.texts = texts(language)

    def __call__(self, code: str, **params: Any) -> Statement:
        text = render(f"{self.kind}_{code}", params, self.texts)
        return Statement(code=code, params=params, text=text)


# -- the statements ----------------------------------------------------------------------------

def _capacity_drivers(profile: InvestorProfile, risk: RiskAssessment, language: str) -> list:
    say = _Writer("reason_driver", language)
    drivers = [say("horizon", years=profile.effective_horizon)]
    components = risk.capacity_components
    if components.get("age", 0) < 0:
        drivers.append(say("age", age=profile.age))
    if components.get("income_stability", 0) < 0:
        drivers.append(say("income_stability", value=profile.income_stability.value))
    if components.get("liquidity_needs", 0) < 0:
        drivers.append(say("liquidity_needs", value=profile.liquidity_needs.value))
    return drivers


def explain(
    profile: InvestorProfile,
    risk: RiskAssessment,
    policy: PolicyTargets,
    groups: dict[str, float],
    statistics: dict[str, float],
    projection: Projection,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> Explanation:
    """Why this mix suits this person, as short statements.

    Parameters
    ----------
    profile, risk, policy
        The inputs and the decisions of the engine.
    groups : dict
        Weight of each group (equity, bonds, cash, alternatives), fractions.
    statistics : dict
        ``expected_return``, ``volatility`` and ``bad_year`` of the portfolio (annual fractions).
    projection : Projection
        The Monte Carlo projection to the horizon.
    language : str
        Language of the texts; English when the language, or a text, has no translation.
    """
    say = _Writer("reason", language)
    goal = profile.goal.value
    summary = say(
        "summary" if profile.horizon >= 0.5 else "summary_now", goal=goal, horizon=profile.horizon,
        equity=groups["equity"], bonds=groups["bonds"], cash=groups["cash"],
        alternatives=groups["alternatives"],
    )
    reasons = [
        say("risk_score", score=risk.score, willingness=risk.willingness, capacity=risk.capacity),
    ]
    if risk.capacity + LIMITING_MARGIN < risk.willingness:
        reasons.append(say("capacity_limited", drivers=_capacity_drivers(profile, risk, language)))
    elif risk.willingness + LIMITING_MARGIN < risk.capacity:
        reasons.append(say("willingness_limited"))
    reasons.append(say("equity_from_score", score=risk.score, equity=policy.equity_for_score))
    if "horizon_cap" in policy.binding:
        reasons.append(say("horizon_cap", cap=policy.horizon_cap, short_money=policy.short_money))
    if "goal_cap" in policy.binding:
        reasons.append(say("goal_cap", goal=goal, cap=policy.goal_cap))
    for code in ("loss_limit", "loss_limit_unreachable"):
        if code in policy.binding:
            reasons.append(say(code, limit=policy.loss_limit, equity=groups["equity"],
                               loss=-statistics["bad_year"]))
    if profile.goal is Goal.retirement and profile.horizon > 0:
        reasons.append(say("glide_path"))
    if profile.market_outlook is not None and policy.outlook_tilt != 0:
        reasons.append(say("outlook_tilt", outlook=profile.market_outlook.value,
                           tilt=policy.outlook_tilt, max_tilt=MAX_OUTLOOK_TILT))
    reasons.append(say("bad_year", expected_return=statistics["expected_return"],
                       volatility=statistics["volatility"], loss=-statistics["bad_year"]))
    if projection.years > 0 and projection.contributions > 0:
        reasons.append(say("projection", paths=projection.paths, median=projection.median,
                           p10=projection.p10, p90=projection.p90))
    if projection.probability_of_target is not None:
        reasons.append(say("probability_of_target", target=projection.target_amount or 0.0,
                           probability=projection.probability_of_target))
    # Notes for staff (severity "note") are already explained by the capacity statement above.
    conflicts = [f for f in risk.flags if f.severity == "inconsistent"]
    if conflicts:
        flag = _Writer("reason_flag", language)
        reasons.append(say("flags", flags=[flag(f.code, **f.params) for f in conflicts]))
    return Explanation(language=language, summary=summary.text, summary_statement=summary,
                       reasons=reasons)


def disclosures(
    *,
    assumptions_version: str,
    assumptions_as_of: str,
    sources: list[str],
    objective: str,
    engine_version: str,
    questionnaire_version: str,
    paths: int,
    rebalancing_threshold: float,
    outlook_tilt: float,
    history: HistoricalStress | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Statement]:
    """The statements that must be shown with every recommendation (SEC IM Guidance 2017-02).

    ``sources`` are the citations of the assumptions (titles of publications, kept as published).
    ``history``, what the mix did in market history, adds the statement that the bad year is a
    model's estimate and that history has been worse, with the data it comes from.
    """
    say = _Writer("disclosure", language)
    statements = [
        say("algorithm", objective=objective, engine_version=engine_version),
        say("assumptions", version=assumptions_version, as_of=assumptions_as_of,
            sources=list(sources)),
        say("information_used", questionnaire_version=questionnaire_version),
        say("limits", paths=paths),
        say("no_guarantee"),
        say("human_review"),
        say("rebalancing", threshold=rebalancing_threshold),
    ]
    if history is not None:  # beside the limits of the model
        at = [s.code for s in statements].index("limits") + 1
        statements.insert(at, say(
            "history", version=history.data_version, first_month=history.first_month,
            last_month=history.last_month, stand_in_weight=history.stand_in_weight,
            not_covered=history.not_covered))
    if outlook_tilt != 0:
        statements.append(say("outlook_tilt", tilt=outlook_tilt, max_tilt=MAX_OUTLOOK_TILT))
    return statements
