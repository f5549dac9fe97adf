"""The recommendation of the China market: the allocation limited to the client's class, and its
suitability record.

The client's class (engine/suitability/classes.py) sets the highest grade the mix may have: the
grade of the class (R1 for C1, ... R5 for C5), R1 alone for the lowest category. The optimizer works
within that grade's limits (engine/suitability/grades.py), so the mix never exceeds the class; only a
what-if shown after the special risk warning and the client's confirmation is built under a higher
limit (engine/suitability/what_if.py), and its record says it does not match.
"""

from __future__ import annotations

from pydantic import BaseModel

from engine.assumptions import CapitalMarketAssumptions
from engine.explanation import Statement
from engine.history import HistoricalStress
from engine.policy import CN_RULES, SUITABILITY_CAP
from engine.profile import InvestorProfile
from engine.projection import DEFAULT_PATHS, DEFAULT_SEED
from engine.recommendation import Recommendation, allocate
from engine.risk import assess
from engine.suitability.classes import ClassPoints, InvestorClassification, classify
from engine.suitability.grades import PortfolioGrade, limits, portfolio_grade
from engine.suitability.rules import grade_of, level
from engine.wording import DEFAULT_LANGUAGE, render, texts

#: The confirmation a client gives to see a mix above their class, as the record names it.
BEYOND_CLASS = "beyond_class"
#: The locale key of the special risk warning shown before such a mix.
WARNING_BEYOND_CLASS = "suitability_warning_beyond_class"


class Suitability(BaseModel):
    """The suitability record of one recommendation.

    ``allowed_grade`` is the highest grade the class may be recommended; ``limit_grade`` the one
    the mix was built under (above ``allowed_grade`` only after ``warnings_shown`` and
    ``confirmations``); ``matched`` whether the mix's grade is within the allowed one.
    """

    market: str
    rules_version: str
    investor_class: str
    lowest_category: bool
    points: ClassPoints
    total_points: float
    portfolio_grade: str
    risk_asset_share: float
    highest_holding_grade: str
    allowed_grade: str
    limit_grade: str
    matched: bool
    warnings_shown: list[str] = []
    confirmations: list[str] = []
    reasons: list[Statement]


class SuitableRecommendation(Recommendation):
    """A recommendation of a market with suitability rules: amounts in ``currency``; ``history``
    is None when the market data hold no series for a class of the mix (``history_unavailable``
    names them), and the disclosures say so."""

    market: str
    currency: str
    history: HistoricalStress | None
    history_unavailable: list[str]
    suitability: Suitability


def allowed_grade(investor: InvestorClassification) -> str:
    """The highest grade ``investor`` may be recommended: R1 for the lowest category, else the
    grade of the class."""
    return "R1" if investor.lowest_category else grade_of(investor.investor_class)


def _say(code: str, language: str, **params) -> Statement:
    return Statement(code=code, params=params,
                     text=render(f"suitability_{code}", params, texts(language)))


def _reasons(investor: InvestorClassification, grade: PortfolioGrade, allowed: str,
             capped: float | None, matched: bool, language: str) -> list[Statement]:
    points = investor.points
    reasons = [_say("class", language, investor_class=investor.investor_class,
                    total_points=investor.total_points, risk_points=points.risk_score,
                    risk_score=investor.risk_score,
                    situation_points=round(investor.total_points - points.risk_score, 2))]
    reasons += [_say("missing", language, item=item) for item in points.missing]
    if investor.lowest_category:
        reasons.append(_say("lowest_category", language))
    reasons.append(_say("grade", language, grade=grade.grade, risk_share=grade.risk_asset_share,
                        holding_grade=grade.highest_holding_grade))
    if capped is not None:
        reasons.append(_say("cap", language, investor_class=investor.investor_class,
                            cap=capped))
    reasons.append(_say("matched" if matched else "not_matched", language,
                        investor_class=investor.investor_class, grade=grade.grade,
                        allowed=allowed))
    return reasons


def recommend_suitable(
    profile: InvestorProfile,
    cma: CapitalMarketAssumptions,
    *,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
    language: str = DEFAULT_LANGUAGE,
    investor: InvestorClassification | None = None,
    limit_grade: str | None = None,
    warnings_shown: list[str] | None = None,
    confirmations: list[str] | None = None,
) -> SuitableRecommendation:
    """The recommendation for ``profile`` in the market of ``cma``, limited to its class.

    ``investor`` is the client's classification when the profile is a what-if of theirs (the
    record matches the mix against the client's class, not the what-if's); ``limit_grade``, above
    the class's grade, is for a what-if the client confirmed after the warning (``warnings_shown``,
    ``confirmations``).
    """
    risk = assess(profile)
    investor = investor if investor is not None else classify(profile, risk)
    allowed = allowed_grade(investor)
    limit = limit_grade or allowed
    if level(limit) > level(allowed):
        if investor.lowest_category:
            raise ValueError(f"a mix above {allowed} is never built for the lowest category, "
                             "even on request")
        if WARNING_BEYOND_CLASS not in (warnings_shown or []) or BEYOND_CLASS not in (
                confirmations or []):
            raise ValueError(f"a mix above {allowed} needs the special risk warning "
                             f"({WARNING_BEYOND_CLASS}) shown and the client's confirmation "
                             f"({BEYOND_CLASS}) given first")
    rules = limits(limit, CN_RULES)
    result = allocate(profile, cma, rules, seed=seed, paths=paths, language=language, risk=risk)
    fields = result.fields
    grade = portfolio_grade(result.weights)
    matched = level(grade.grade) <= level(allowed)
    capped = rules.risk_asset_cap if SUITABILITY_CAP in result.policy.binding else None
    if capped is not None:  # beside the other limits, before the bad year
        reasons = fields["explanation"].reasons
        at = next(i for i, r in enumerate(reasons) if r.code == "bad_year")
        reasons.insert(at, Statement(
            code=SUITABILITY_CAP, params={"cap": capped},
            text=render(f"reason_{SUITABILITY_CAP}", {"cap": capped}, texts(language))))
    if result.history_unavailable:  # beside the limits of the model
        statements = fields["disclosures"]
        at = [s.code for s in statements].index("limits") + 1
        statements.insert(at, Statement(code="history_unavailable", params={},
                                        text=render("disclosure_history_unavailable", {},
                                                    texts(language))))
    return SuitableRecommendation(
        **fields, market=cma.market, currency=cma.currency,
        history_unavailable=result.history_unavailable,
        suitability=Suitability(
            market=cma.market, rules_version=investor.rules_version,
            investor_class=investor.investor_class, lowest_category=investor.lowest_category,
            points=investor.points, total_points=investor.total_points,
            portfolio_grade=grade.grade, risk_asset_share=grade.risk_asset_share,
            highest_holding_grade=grade.highest_holding_grade, allowed_grade=allowed,
            limit_grade=limit, matched=matched, warnings_shown=list(warnings_shown or []),
            confirmations=list(confirmations or []),
            reasons=_reasons(investor, grade, allowed, capped, matched, language),
        ),
    )
