"""A what-if with more risk, matched against the client's class, and the re-assessment rule.

"What if I take more risk?" moves every risk answer one option towards more risk
(:func:`engine.what_if.shift_risk`) and finds the mix the policy gives those answers with every
limit but the suitability class's (the horizon, the goal, the stated loss limit still apply). Its
grade is then matched against the client's class, which the what-if does not change:

* within the class: the what-if's mix, limited to the client's class, is shown as any other;
* above it, for the lowest category: refused; nothing above R1 is shown, even on request;
* above it, for any other client: the special risk warning and the client's explicit confirmation
  are required first (``confirmation_required``, with the warning's locale key and values); with
  ``confirmed=True`` the mix is returned, its suitability record naming the warning shown and the
  confirmation given, and saying it does not match.

Re-assessment (:func:`reassessment_due`): an assessment older than ``reassess_after_months`` (12)
is due again, and so is one whose stated situation has changed since.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from engine.assumptions import load_assumptions
from engine.policy import CN_RULES
from engine.profile import InvestorProfile
from engine.projection import DEFAULT_PATHS, DEFAULT_SEED
from engine.recommendation import allocate
from engine.risk import assess
from engine.suitability.advice import (
    BEYOND_CLASS,
    WARNING_BEYOND_CLASS,
    SuitableRecommendation,
    allowed_grade,
    recommend_suitable,
)
from engine.suitability.classes import InvestorClassification, class_points, classify
from engine.suitability.grades import limits, portfolio_grade
from engine.suitability.rules import GRADES, level, suitability_rules
from engine.what_if import shift_risk
from engine.wording import DEFAULT_LANGUAGE

#: The locale key of the refusal shown to the lowest category.
REFUSED_LOWEST_CATEGORY = "suitability_refused_lowest_category"


class Outcome(StrEnum):
    within_class = "within_class"
    refused = "refused"
    confirmation_required = "confirmation_required"
    shown_after_warning = "shown_after_warning"


class MoreRiskWhatIf(BaseModel):
    """The result of a more-risk what-if in the China market.

    ``requested_grade`` is the grade of the what-if's mix without the class's limit;
    ``allowed_grade`` the highest the client's class allows. ``warning`` and ``refusal`` are locale keys, worded with ``message_params``.
    ``recommendation`` is None when refused or while the confirmation is outstanding.
    """

    outcome: Outcome
    investor_class: str
    lowest_category: bool
    allowed_grade: str
    requested_grade: str
    warning_required: bool
    confirmation_required: bool
    warning: str | None = None
    refusal: str | None = None
    message_params: dict[str, str] = {}
    recommendation: SuitableRecommendation | None = None


def more_risk(
    profile: InvestorProfile,
    *,
    confirmed: bool = False,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
    language: str = DEFAULT_LANGUAGE,
) -> MoreRiskWhatIf:
    """The more-risk what-if of ``profile`` (the client's current profile) in the China market.

    ``confirmed`` says the client has read the special risk warning and confirmed they want to
    see a mix above their class.

    Raises
    ------
    engine.what_if.WhatIfRefused
        ``AT_HIGHEST_RISK`` when every risk answer is already the most risk-seeking one.
    """
    cma = load_assumptions(market="cn")
    client = classify(profile, assess(profile))
    allowed = allowed_grade(client)
    shifted = shift_risk(profile, 1)
    # The mix the policy gives the bolder answers with every limit but the class's.
    unlimited = allocate(shifted, cma, limits(GRADES[-1], CN_RULES), seed=seed, paths=paths,
                         language=language)
    requested = portfolio_grade(unlimited.weights).grade
    base = dict(investor_class=client.investor_class, lowest_category=client.lowest_category,
                allowed_grade=allowed, requested_grade=requested)
    outcome = decide(client, requested, confirmed)
    result = MoreRiskWhatIf(
        outcome=outcome, warning_required=outcome in WARNED, confirmation_required=outcome in WARNED,
        warning=WARNING_BEYOND_CLASS if outcome in WARNED else None,
        refusal=REFUSED_LOWEST_CATEGORY if outcome is Outcome.refused else None,
        message_params={"investor_class": client.investor_class, "allowed": allowed,
                        "grade": requested} if outcome is not Outcome.within_class else {},
        **base)
    if outcome is Outcome.within_class:
        return result.model_copy(update={"recommendation": recommend_suitable(
            shifted, cma, seed=seed, paths=paths, language=language, investor=client)})
    if outcome is Outcome.shown_after_warning:
        return result.model_copy(update={"recommendation": recommend_suitable(
            shifted, cma, seed=seed, paths=paths, language=language, investor=client,
            limit_grade=requested, warnings_shown=[WARNING_BEYOND_CLASS],
            confirmations=[BEYOND_CLASS])})
    return result


#: Outcomes that come with the special risk warning and need the client's confirmation.
WARNED = frozenset({Outcome.confirmation_required, Outcome.shown_after_warning})


def decide(client: InvestorClassification, requested_grade: str, confirmed: bool) -> Outcome:
    """What a request to see a mix of ``requested_grade`` gets from ``client``: within the class,
    shown; above it, refused for the lowest category, else shown only once ``confirmed`` after
    the special risk warning."""
    if level(requested_grade) <= level(allowed_grade(client)):
        return Outcome.within_class
    if client.lowest_category:
        return Outcome.refused
    return Outcome.shown_after_warning if confirmed else Outcome.confirmation_required


# -- re-assessment -------------------------------------------------------------------------------

class Reassessment(BaseModel):
    """Whether a new assessment is due before any new recommendation, and why (codes:
    ``expired``, or ``changed_<field>`` for each situation item that changed)."""

    due: bool
    reasons: list[str]
    due_on: datetime


def _months_later(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days))


#: Situation fields compared as they are (the amounts are compared by the points of their band).
_COMPARED = ("income_stability", "liquidity_needs", "goal")


def situation_changes(assessed: InvestorProfile, current: InvestorProfile) -> list[str]:
    """The situation items of ``current`` that differ from those ``assessed``: the risk answers,
    income stability, liquidity needs and goal, and the investable assets, household income and
    investment knowledge whose points in the scoring table differ (a new band, or given where
    they were not)."""
    changed = [name for name in ("risk_answers", *_COMPARED)
               if getattr(assessed, name) != getattr(current, name)]
    risk = assess(assessed)
    before, after = class_points(assessed, risk), class_points(current, risk)
    changed += [name for name in ("investable_assets", "household_income", "investment_knowledge")
                if getattr(before, name) != getattr(after, name)]
    return changed


def reassessment_due(assessed_at: datetime, now: datetime,
                     assessed: InvestorProfile | None = None,
                     current: InvestorProfile | None = None) -> Reassessment:
    """Whether the assessment made at ``assessed_at`` must be made again at ``now``: it is older
    than the rules' period (12 months), or the situation ``current`` states differs from the one
    ``assessed`` (both optional; no comparison without both).

    Raises
    ------
    ValueError
        When ``assessed_at`` is after ``now``, or one is timezone-aware and the other is not.
    """
    if (assessed_at.tzinfo is None) != (now.tzinfo is None):
        raise ValueError("assessed_at and now must both have a time zone or both have none")
    if assessed_at > now:
        raise ValueError(f"the assessment time {assessed_at.isoformat()} is after "
                         f"{now.isoformat()}")
    due_on = _months_later(assessed_at, suitability_rules().reassess_after_months)
    reasons = ["expired"] if now >= due_on else []
    if assessed is not None and current is not None:
        reasons += [f"changed_{name}" for name in situation_changes(assessed, current)]
    return Reassessment(due=bool(reasons), reasons=reasons, due_on=due_on)
