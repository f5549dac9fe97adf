"""Command line: ``python -m engine {recommend,questions,rebalance,lifecycle} ...``.

Every subcommand prints JSON on standard output. Bad input ends with exit status 2 and one line on
standard error naming the field and what it accepts.

``recommend --market cn`` recommends in the China market (yuan, suitability classes and grades);
without ``--market`` the deployment setting ``MARKET`` chooses, and without it the default market.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from pydantic import ValidationError

from engine.assumptions import DEFAULT_MARKET, MARKETS
from engine.profile import (
    AGE_RANGE,
    DEFAULT_RETIREMENT_AGE,
    GOAL_ALIASES,
    HORIZON_RANGE,
    HOUSEHOLD_INCOME_RANGE,
    INITIAL_AMOUNT_RANGE,
    INVESTABLE_ASSETS_RANGE,
    MONTHLY_CONTRIBUTION_RANGE,
    RETIREMENT_AGE_RANGE,
    TARGET_AMOUNT_RANGE,
    Goal,
    IncomeStability,
    InvestmentKnowledge,
    InvestorProfile,
    LiquidityNeeds,
    MarketOutlook,
)
from engine.questionnaire import question_phrase, questionnaire, questions
from engine.rebalancing import DEFAULT_THRESHOLD
from engine.wording import texts

EXIT_BAD_INPUT = 2
#: The deployment setting that chooses the market when ``--market`` is not given.
MARKET_ENV = "MARKET"
#: Monte Carlo paths accepted: fewer make the percentiles noisy, more need gigabytes of memory.
PATHS_RANGE = (1_000, 1_000_000)


class BadInput(ValueError):
    """Input the user can fix; the message is printed as is."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _count(low: int, high: int | None):
    """An argparse type: a whole number from ``low`` to ``high`` (no upper limit when None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < low or (high is not None and value > high):
            limit = f"at least {low}" + (f" and at most {high}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"must be {limit}, got {value}")
        return value

    return parse


def _option(question_id: str) -> str:
    return "--" + question_id.replace("_", "-")


def _validation_message(exc: ValidationError) -> str:
    """One line naming each bad field, the problem, the value given and the valid range."""
    fields = InvestorProfile.model_fields
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "profile"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] != "value_error" and "input" in error:
            message += f" (got {error['input']!r})"
        description = fields[error["loc"][0]].description if error["loc"] else None
        if description and error["loc"][0] != "risk_answers":
            message += f" [{description.rstrip('.')}]"
        parts.append(f"{field}: {message}")
    return "; ".join(parts)


def _answers(args: argparse.Namespace) -> dict[str, str]:
    answers: dict[str, str] = {}
    for item in filter(None, (args.answers or "").split(",")):
        question, sep, option = item.partition("=")
        if not sep:
            raise BadInput(f"--answers: expected question=option pairs separated by commas, got '{item}'")
        answers[question.strip()] = option.strip()
    for question_id in questionnaire().ids:
        chosen = getattr(args, question_id)
        if chosen is not None:
            answers[question_id] = chosen
    return answers


def _profile(args: argparse.Namespace) -> InvestorProfile:
    data = {
        "age": args.age, "goal": args.goal, "horizon_years": args.horizon,
        "retirement_age": args.retirement_age, "initial_amount": args.initial,
        "monthly_contribution": args.monthly, "target_amount": args.target,
        "risk_answers": _answers(args), "income_stability": args.income_stability,
        "liquidity_needs": args.liquidity, "market_outlook": args.outlook,
        "investable_assets": args.investable_assets, "household_income": args.household_income,
        "investment_knowledge": args.knowledge,
    }
    try:
        return InvestorProfile.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise BadInput(_validation_message(exc)) from None


def _market(args: argparse.Namespace) -> str:
    """The market of ``--market``, else of the ``MARKET`` setting, else the default."""
    if args.market is not None:
        return args.market
    market = os.environ.get(MARKET_ENV, "").strip().lower() or DEFAULT_MARKET
    if market not in MARKETS:
        raise BadInput(f"the {MARKET_ENV} setting is {market!r}; valid markets: "
                       f"{', '.join(MARKETS)}")
    return market


def _run_recommend(args: argparse.Namespace) -> int:
    profile = _profile(args)
    market = _market(args)
    from engine.recommendation import recommend  # after validation: it loads the optimizer

    try:
        recommendation = recommend(profile, assumptions=args.assumptions, seed=args.seed,
                                   paths=args.paths, language=args.language, market=market)
    except ValueError as exc:  # a bad assumptions file, infeasible bounds, too few paths
        raise BadInput(str(exc)) from None
    print(recommendation.model_dump_json(indent=2))
    return 0


def _run_questions(args: argparse.Namespace) -> int:
    form = questionnaire()
    print(json.dumps({"version": form.version, "questions": questions(args.language)},
                     indent=2, ensure_ascii=False))
    return 0


def _mapping(text: str, what: str) -> dict:
    """A JSON object given inline or as the path of a JSON file."""
    source = text
    if not text.lstrip().startswith("{"):
        try:
            source = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"--{what}: cannot read file '{text}': {exc.strerror}") from None
    try:
        value = json.loads(source)
    except json.JSONDecodeError as exc:
        raise BadInput(f"--{what}: not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise BadInput(f"--{what}: expected a JSON object of asset class -> number")
    return value


def _run_rebalance(args: argparse.Namespace) -> int:
    from engine.assumptions import load_assumptions
    from engine.rebalancing import rebalance

    try:
        classes = load_assumptions(args.assumptions, _market(args)).labels
        targets = _mapping(args.targets, "targets")
        # the output of `recommend` can serve as the targets: its weights are the target mix
        if isinstance(targets.get("weights"), dict):
            targets = targets["weights"]
        plan = rebalance(
            _mapping(args.holdings, "holdings"), targets,
            contribution=args.contribution, threshold=args.threshold, asset_classes=classes,
        )
    except ValueError as exc:  # AssumptionsError included
        raise BadInput(str(exc)) from None
    print(plan.model_dump_json(indent=2))
    return 0


def _add_recommend(subparsers) -> None:
    goals = sorted([g.value for g in Goal] + list(GOAL_ALIASES))
    p = subparsers.add_parser(
        "recommend", help="recommend an asset allocation (prints JSON)",
        description="Recommend a strategic asset allocation for an investor and print it as JSON.",
        epilog="Every risk question needs an answer, given in --answers or by its own option; "
               "`python -m engine questions` lists them.",
    )
    p.add_argument("--age", type=int, required=True, help=f"age in years, {AGE_RANGE.words()}")
    p.add_argument("--goal", required=True, metavar="GOAL",
                   help=f"investment goal, one of: {', '.join(goals)}")
    p.add_argument("--horizon", type=float, metavar="YEARS",
                   help=f"years until the money is needed, {HORIZON_RANGE.words()} "
                        "(default: from goal and age)")
    p.add_argument("--retirement-age", type=int, metavar="AGE",
                   help=f"planned retirement age, {RETIREMENT_AGE_RANGE.words()} "
                        f"(retirement goal; default {DEFAULT_RETIREMENT_AGE})")
    p.add_argument("--initial", type=float, metavar="AMOUNT",
                   help=f"amount invested now, {INITIAL_AMOUNT_RANGE.words()}")
    p.add_argument("--monthly", type=float, metavar="AMOUNT",
                   help=f"monthly contribution, {MONTHLY_CONTRIBUTION_RANGE.words()}")
    p.add_argument("--target", type=float, metavar="AMOUNT",
                   help=f"amount hoped for at the horizon, {TARGET_AMOUNT_RANGE.words()} "
                        "(gives the probability of reaching it)")
    p.add_argument("--answers", metavar="Q=A,...",
                   help="answers to the risk questions as question=option pairs; see `questions`")
    form = questionnaire()
    say = texts()
    for question in form.questions:
        p.add_argument(_option(question.id), dest=question.id, choices=[o.id for o in question.options],
                       help="risk question: " + say(question_phrase(question.id)).replace("%", "%%"))
    p.add_argument("--income-stability", choices=[v.value for v in IncomeStability],
                   help="how stable your income is (default: stable)")
    p.add_argument("--liquidity", choices=[v.value for v in LiquidityNeeds],
                   help="share of the money that may be needed at short notice: low (<10%%), "
                        "medium, high (>25%%) (default: low)")
    p.add_argument("--outlook", choices=[v.value for v in MarketOutlook],
                   help="your market view; moves equity by at most 5 points, disclosed")
    p.add_argument("--investable-assets", type=float, metavar="AMOUNT",
                   help=f"investable financial assets, {INVESTABLE_ASSETS_RANGE.words()} "
                        "(counts towards the suitability class in the cn market)")
    p.add_argument("--household-income", type=float, metavar="AMOUNT",
                   help=f"household income a year, {HOUSEHOLD_INCOME_RANGE.words()} "
                        "(counts towards the suitability class in the cn market)")
    p.add_argument("--knowledge", choices=[v.value for v in InvestmentKnowledge],
                   help="investment knowledge (counts towards the suitability class in the cn "
                        "market)")
    p.add_argument("--market", choices=list(MARKETS),
                   help=f"market: assumptions, currency and suitability rules (default: the "
                        f"{MARKET_ENV} setting, else {DEFAULT_MARKET})")
    p.add_argument("--assumptions", metavar="FILE",
                   help="capital market assumptions YAML file (default: the bundled file)")
    p.add_argument("--seed", type=_count(0, None), default=0,
                   help="seed of the Monte Carlo projection, 0 or more (default 0)")
    p.add_argument("--paths", type=_count(*PATHS_RANGE), default=10_000,
                   help=f"number of Monte Carlo paths, {PATHS_RANGE[0]:,} to {PATHS_RANGE[1]:,} "
                        "(default 10,000)")
    p.add_argument("--language", default="en", help="language of the explanation (default en)")
    p.set_defaults(func=_run_recommend)


def _add_questions(subparsers) -> None:
    p = subparsers.add_parser("questions", help="print the risk questions (JSON)",
                              description="Print the risk questions, their options and scores as JSON.")
    p.add_argument("--language", default="en", help="language of the texts (default en)")
    p.set_defaults(func=_run_questions)


def _add_rebalance(subparsers) -> None:
    p = subparsers.add_parser(
        "rebalance", help="trades that restore a target mix (JSON)",
        description="Report the drift of holdings from target weights and, above the threshold, "
                    "the trades that restore them, using the contribution first.",
    )
    p.add_argument("--holdings", required=True, metavar="JSON|FILE",
                   help='amounts by asset class, e.g. \'{"us_equity": 6000, "cash": 400}\', or a JSON file')
    p.add_argument("--targets", required=True, metavar="JSON|FILE",
                   help="target weights by asset class summing to 1, inline JSON or a JSON file "
                        "(the JSON printed by `recommend` also works: its weights are used)")
    p.add_argument("--contribution", type=float, default=0.0, metavar="AMOUNT",
                   help="new money to invest now, 0 or more (default 0)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, metavar="FRACTION",
                   help=f"drift that triggers selling, between 0 and 1 (default {DEFAULT_THRESHOLD})")
    p.add_argument("--assumptions", metavar="FILE",
                   help="assumptions file whose asset classes are valid (default: the market's "
                        "bundled file)")
    p.add_argument("--market", choices=list(MARKETS),
                   help=f"market whose asset classes are valid (default: the {MARKET_ENV} setting, "
                        f"else {DEFAULT_MARKET})")
    p.set_defaults(func=_run_rebalance)


def _add_lifecycle(subparsers) -> None:
    """The lifecycle subcommand, when its module is installed."""
    try:
        module = import_module("engine.lifecycle.cli")
    except ModuleNotFoundError as exc:
        if exc.name in {"engine.lifecycle", "engine.lifecycle.cli"}:
            return
        raise
    register = getattr(module, "register", None)
    if register is not None:
        register(subparsers)


#: Subcommands other modules add; they are imported only when named or when help is asked for,
#: because some of them load heavy libraries that the other subcommands do not need.
_PLUGINS = {"lifecycle": _add_lifecycle}


def parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; ``argv`` decides which plug-in subcommands to load (all when None)."""
    root = _Parser(prog="python -m engine",
                   description="Strategic asset allocation engine: recommendations, risk questions, "
                               "rebalancing.")
    subparsers = root.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    _add_recommend(subparsers)
    _add_questions(subparsers)
    _add_rebalance(subparsers)
    first = next((arg for arg in argv if not arg.startswith("-")), None) if argv is not None else None
    for name, add in _PLUGINS.items():
        if argv is None or first in (None, name):
            add(subparsers)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    root = parser(argv)
    args = root.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # a command group given without its subcommand
        root.error(f"'{args.command}' needs a subcommand; see python -m engine {args.command} --help")
    try:
        return func(args)
    except BadInput as exc:
        print(f"python -m engine {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
