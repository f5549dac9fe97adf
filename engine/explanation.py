"""Plain-language explanation of a recommendation, and the disclosures that go with it.

Texts live in ``engine/data/explanations.yml`` keyed by language; this module only decides which
statements apply and fills in their figures. Each statement keeps its code and parameters beside the
text, so the chat and the staff console can render them in another language later.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from engine.policy import MAX_OUTLOOK_TILT, PolicyTargets
from engine.profile import Goal, InvestorProfile
from engine.projection import Projection
from engine.risk import RiskAssessment

TEXTS_FILE = Path(__file__).resolve().parent / "data" / "explanations.yml"
DEFAULT_LANGUAGE = "en"
#: Willingness and capacity closer than this are treated as equal (neither holds the score down).
LIMITING_MARGIN = 0.5


class Statement(BaseModel):
    """One sentence of the explanation or one disclosure."""

    code: str
    params: dict[str, str | float | int | None] = {}
    text: str


class Explanation(BaseModel):
    language: str
    summary: str
    reasons: list[Statement]


@lru_cache(maxsize=1)
def _texts() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def _pick(entry: dict[str, str], language: str) -> str:
    return entry.get(language) or entry[DEFAULT_LANGUAGE]


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


class _Writer:
    """Fills the statements of one section of the texts file in one language."""

    def __init__(self, section: str, language: str):
        self.entries = _texts()[section]
        self.language = language

    def __call__(self, code: str, **params) -> Statement:
        text = _pick(self.entries[code], self.language).format(**params)
        return Statement(code=code, params=params, text=text)


def _value(name: str, language: str) -> str:
    return _pick(_texts()["values"][name], language)


def _capacity_drivers(profile: InvestorProfile, risk: RiskAssessment, language: str) -> str:
    phrases = _texts()["reasons"]
    parts = [
        _pick(phrases["driver_horizon"], language).format(years=f"{profile.effective_horizon:.0f}")
    ]
    components = risk.capacity_components
    if components.get("age", 0) < 0:
        parts.append(_pick(phrases["driver_age"], language).format(age=profile.age))
    if components.get("income_stability", 0) < 0:
        value = _value(profile.income_stability.value, language)
        parts.append(_pick(phrases["driver_income_stability"], language).format(value=value))
    if components.get("liquidity_needs", 0) < 0:
        value = _value(profile.liquidity_needs.value, language)
        parts.append(_pick(phrases["driver_liquidity_needs"], language).format(value=value))
    return "; ".join(parts)


def _flag_texts(risk: RiskAssessment, language: str) -> str:
    entries = _texts()["flags"]
    return "; ".join(
        _pick(entries[flag.code], language).format(**flag.params)
        for flag in risk.flags
        if flag.severity == "inconsistent" and flag.code in entries
    )


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
        Language of the texts; English when a text has no translation.
    """
    say = _Writer("reasons", language)
    goal = _pick(_texts()["goals"][profile.goal.value], language)
    summary = say(
        "summary" if profile.horizon >= 0.5 else "summary_now", goal=goal, horizon=f"{profile.horizon:.0f}", equity=_pct(groups["equity"]),
        bonds=_pct(groups["bonds"]), cash=_pct(groups["cash"]),
        alternatives=_pct(groups["alternatives"]),
    )
    reasons = [
        say("risk_score", score=f"{risk.score:.1f}", willingness=f"{risk.willingness:.1f}",
            capacity=f"{risk.capacity:.1f}"),
    ]
    if risk.capacity + LIMITING_MARGIN < risk.willingness:
        reasons.append(say("capacity_limited", drivers=_capacity_drivers(profile, risk, language)))
    elif risk.willingness + LIMITING_MARGIN < risk.capacity:
        reasons.append(say("willingness_limited"))
    reasons.append(say("equity_from_score", score=f"{risk.score:.1f}",
                       equity=_pct(policy.equity_for_score)))
    if "horizon_cap" in policy.binding:
        short_money = max(policy.short_money_floor, policy.cash_floor)
        reasons.append(say("horizon_cap", cap=_pct(policy.horizon_cap), short_money=_pct(short_money)))
    if "goal_cap" in policy.binding:
        reasons.append(say("goal_cap", goal=goal, cap=_pct(policy.goal_cap)))
    if profile.goal is Goal.retirement and profile.horizon > 0:
        reasons.append(say("glide_path"))
    if profile.market_outlook is not None and policy.outlook_tilt != 0:
        reasons.append(say(
            "outlook_tilt", outlook=_value(profile.market_outlook.value, language),
            tilt=f"{policy.outlook_tilt * 100:+.0f}", max_tilt=f"{MAX_OUTLOOK_TILT * 100:.0f}",
        ))
    reasons.append(say(
        "bad_year", expected_return=_pct(statistics["expected_return"]),
        volatility=_pct(statistics["volatility"]), loss=_pct(-statistics["bad_year"]),
    ))
    if projection.years > 0 and projection.contributions > 0:
        reasons.append(say(
            "projection", paths=f"{projection.paths:,}", median=_money(projection.median),
            p10=_money(projection.p10), p90=_money(projection.p90),
        ))
    if projection.probability_of_target is not None:
        reasons.append(say(
            "probability_of_target", target=_money(projection.target_amount or 0.0),
            probability=_pct(projection.probability_of_target),
        ))
    # Notes for staff (severity "note") are already explained by the capacity statement above.
    if any(flag.severity == "inconsistent" for flag in risk.flags):
        reasons.append(say("flags", flags=_flag_texts(risk, language)))
    return Explanation(language=language, summary=summary.text, reasons=reasons)


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
    language: str = DEFAULT_LANGUAGE,
) -> list[Statement]:
    """The statements that must be shown with every recommendation (SEC IM Guidance 2017-02)."""
    say = _Writer("disclosures", language)
    statements = [
        say("algorithm", objective=_pick(_texts()["objectives"][objective], language),
            engine_version=engine_version),
        say("assumptions", version=assumptions_version, as_of=assumptions_as_of,
            sources="; ".join(sources)),
        say("information_used", questionnaire_version=questionnaire_version),
        say("limits", paths=f"{paths:,}"),
        say("no_guarantee"),
        say("human_review"),
        say("rebalancing", threshold=_pct(rebalancing_threshold)),
    ]
    if outlook_tilt != 0:
        statements.append(say("outlook_tilt", tilt=f"{outlook_tilt * 100:+.0f}",
                              max_tilt=f"{MAX_OUTLOOK_TILT * 100:.0f}"))
    return statements
