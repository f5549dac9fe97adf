"""Plain-language explanation of a recommendation, and the disclosures that go with it.

The engine decides which statements apply and gives each one a code and language-neutral
parameters: fractions, amounts, counts and codes (a goal, an objective, a market view), never
pre-written words. Wording is a separate step, :func:`render`, which fills a phrase template from
any source of texts: ``engine/data/explanations.yml`` gives the English ``text`` kept on each
statement for the JSON API and the CLI; the chat fills the same codes from the Rasa domain.

Placeholders in a phrase say how their value is shown, after a colon:

- ``{x:percent}`` a fraction as a whole percentage ("54%"), ``{x:percent.1}`` with one decimal;
- ``{x:points}`` a fraction as percentage points ("5"), ``{x:signed_points}`` with its sign ("+3");
- ``{x:money}`` an amount in whole currency units with thousands separators ("1,000,000");
- ``{x:number}`` a count or a number of years ("30", "2.5"), ``{x:number.1}`` with one decimal;
- ``{x:goal}`` (any other word) the phrase named ``goal_<value>``; for a list of statements, each
  one written with the phrase ``<word>_<code>``, joined by the phrase ``list_separator``;
- ``{x}`` a name or version shown as it is (a list of names is joined by ``list_separator``).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

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
#: Phrase that joins the items of a list ("; " in English).
LIST_SEPARATOR = "list_separator"


class MissingText(LookupError):
    """A phrase that a statement needs is missing from the source of texts."""

    def __str__(self) -> str:
        return f"no text for the phrase {self.args[0]!r}"


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


Texts = Callable[[str], str]


# -- wording -----------------------------------------------------------------------------------

def _number(value: float, digits: str) -> str:
    if digits:
        return f"{value:,.{int(digits)}f}"
    # Whole numbers without decimals, others with one ("30", "2.5").
    return f"{round(value, 1):,.1f}".removesuffix(".0")


#: Ways of showing a number, by the word after the placeholder's colon.
NUMBER_FORMATS: dict[str, Callable[[float, str], str]] = {
    "percent": lambda v, d: f"{v * 100:.{int(d or 0)}f}%",
    "points": lambda v, d: f"{v * 100:.{int(d or 0)}f}",
    "signed_points": lambda v, d: f"{v * 100:+.{int(d or 0)}f}",
    "money": lambda v, d: f"{v:,.{int(d or 0)}f}",
    "number": _number,
}


def format_value(value: float, spec: str) -> str:
    """Show a number as ``spec`` says: ``percent``, ``percent.1``, ``points``, ``money``, ...

    Parameters
    ----------
    value : float
        A fraction for ``percent`` and the points (0.054 is 5.4%), currency units for ``money``.
    spec : str
        A key of :data:`NUMBER_FORMATS`, optionally followed by ``.<decimals>``.
    """
    kind, _, digits = spec.partition(".")
    if kind not in NUMBER_FORMATS:
        raise ValueError(f"unknown number format {spec!r}; use one of {sorted(NUMBER_FORMATS)}")
    return NUMBER_FORMATS[kind](float(value), digits)


class _Wording(string.Formatter):
    def __init__(self, texts: Texts):
        self.texts = texts

    def format_field(self, value: Any, format_spec: str) -> str:
        kind = format_spec.partition(".")[0]
        if kind in NUMBER_FORMATS:
            return format_value(value, format_spec)
        if isinstance(value, list):
            if format_spec:
                items = [self.phrase(f"{format_spec}_{s.code}", s.params) for s in value]
            else:
                items = [str(item) for item in value]
            return self.texts(LIST_SEPARATOR).join(items)
        if format_spec:
            return self.phrase(f"{format_spec}_{value}", {})
        if not isinstance(value, str):
            # A bare number would reach the client unformatted ("0.5432").
            raise ValueError(f"the number {value!r} needs a format, such as {{name:percent}}")
        return value

    def phrase(self, name: str, params: Mapping[str, Any]) -> str:
        template = self.texts(name)
        try:
            return self.vformat(template, (), params)
        except KeyError as error:
            raise ValueError(f"the phrase {name!r} uses {error}, which is not one of its "
                             f"values {sorted(params)}") from None


def render(name: str, params: Mapping[str, Any], texts: Texts) -> str:
    """Write the phrase ``name`` with its values, taking every template from ``texts``.

    Parameters
    ----------
    name : str
        Name of the phrase, such as ``reason_risk_score`` or ``disclosure_no_guarantee``.
    params : mapping
        The statement's values, shown as the placeholders say (see the module docstring).
    texts : callable
        Returns the template of a phrase name; raises :class:`MissingText` when it has none.
    """
    return _Wording(texts).phrase(name, params)


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return data["phrases"]


def phrase_names() -> list[str]:
    """Names of every phrase the engine's statements may need (the English file's keys)."""
    return sorted(_texts())


def engine_texts(language: str = DEFAULT_LANGUAGE) -> Texts:
    """Templates from ``explanations.yml`` in ``language``, English when a text is untranslated."""

    def text(name: str) -> str:
        entry = _texts().get(name)
        if entry is None:
            raise MissingText(name)
        return entry.get(language) or entry[DEFAULT_LANGUAGE]

    return text


class _Writer:
    """Makes the statements of one kind (``reason``, ``disclosure``, ...) in one language."""

    def __init__(self, kind: str, language: str):
        self.kind = kind
        self.texts = engine_texts(language)

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
        Language of the texts; English when a text has no translation.
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
        short_money = max(policy.short_money_floor, policy.cash_floor)
        reasons.append(say("horizon_cap", cap=policy.horizon_cap, short_money=short_money))
    if "goal_cap" in policy.binding:
        reasons.append(say("goal_cap", goal=goal, cap=policy.goal_cap))
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
    language: str = DEFAULT_LANGUAGE,
) -> list[Statement]:
    """The statements that must be shown with every recommendation (SEC IM Guidance 2017-02).

    ``sources`` are the citations of the assumptions (titles of publications, kept as published).
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
    if outlook_tilt != 0:
        statements.append(say("outlook_tilt", tilt=outlook_tilt, max_tilt=MAX_OUTLOOK_TILT))
    return statements
