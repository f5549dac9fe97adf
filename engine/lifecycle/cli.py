"""Command line of the lifecycle classifier on files: ``score`` and ``generate``.

Used as ``python -m engine lifecycle ...`` (through :func:`register`) or on its own as
``python -m engine.lifecycle.cli ...``. Bad input exits with status 2 and one line on stderr.
The engine has no database code: the database mode is ``python -m db.lifecycle_store refresh``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.lifecycle.io import DEFAULT_HORIZON_DAYS, LifecycleInputError, read_table, write_table


def _progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_score(args) -> int:
    if args.engine == "spark":
        return run_score_spark(args)
    from engine.lifecycle.scoring import score

    try:
        events = read_table(args.events)
        clients = read_table(args.clients) if args.clients else None
        history = read_table(args.offer_history) if args.offer_history else None
        result = score(events, args.as_of, clients, args.horizon_days, offer_history=history,
                       progress=_progress(args))
        write_table(result, args.out)
    except (LifecycleInputError, ValueError) as exc:
        return _fail(str(exc).splitlines()[0])
    if not args.quiet:
        for note in result.attrs.get("notes", []):
            print(f"note: {note}", file=sys.stderr)
        counts = result["stage"].value_counts().to_dict()
        print(f"scored {len(result)} clients to {args.out}: "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def run_score_spark(args) -> int:
    """``score --engine spark``: Parquet in, a folder of Parquet out, Spark's stage progress shown."""
    from engine.lifecycle.spark import SparkUnavailable, score_files

    try:
        history = read_table(args.offer_history) if args.offer_history else None
        result = score_files(args.events, args.as_of, args.out, args.clients, args.horizon_days,
                             offer_history=history, master=args.master,
                             clients_per_bucket=args.clients_per_bucket, progress=_progress(args))
    except (LifecycleInputError, ValueError, SparkUnavailable) as exc:
        return _fail(str(exc).splitlines()[0])
    if not args.quiet:
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
        counts = {row["stage"]: row["count"] for row in result.frame.groupBy("stage").count().collect()}
        print(f"scored {sum(counts.values())} clients in {result.buckets} bucket(s) to {args.out}: "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def run_generate(args) -> int:
    from engine.lifecycle.synthetic import generate

    if args.clients < 1 or args.events_per_client <= 0:
        return _fail("--clients must be at least 1 and --events-per-client positive")
    try:
        base = generate(args.clients, args.events_per_client, args.seed, args.as_of,
                        args.horizon_days)
        out = Path(args.out_dir)
        suffix = f".{args.format}"
        write_table(base.events, out / f"events{suffix}")
        write_table(base.clients.set_index("client_id"), out / f"clients{suffix}")
        write_table(base.future, out / f"future_events{suffix}")
    except (LifecycleInputError, ValueError) as exc:
        return _fail(str(exc).splitlines()[0])
    if not args.quiet:
        print(f"wrote {len(base.clients)} clients and {len(base.events)} events to {out}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``lifecycle`` command and its subcommands to an argparse subparsers object."""
    parser = subparsers.add_parser("lifecycle", help="client lifecycle stages, churn risk and offers",
                                   description=__doc__)
    commands = parser.add_subparsers(dest="lifecycle_command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--horizon-days", type=float, default=DEFAULT_HORIZON_DAYS,
                         help="horizon of churn risk and expected value, days "
                              f"(default {DEFAULT_HORIZON_DAYS:g})")
        sub.add_argument("--quiet", action="store_true", help="no progress bar or summary")

    scoring = commands.add_parser("score", help="score clients from event and client files")
    scoring.add_argument("--events", required=True, help="events file (.csv or .parquet)")
    scoring.add_argument("--clients", help="clients file (.csv or .parquet), optional")
    scoring.add_argument("--offer-history", help="offers already made: client_id, offer_id, timestamp")
    scoring.add_argument("--as-of", required=True, help="scoring date, e.g. 2025-12-31")
    scoring.add_argument("--out", required=True,
                         help="output file (.csv or .parquet); with --engine spark, a folder of Parquet")
    scoring.add_argument("--engine", choices=("single", "spark"), default="single",
                         help="single: this machine, in memory (default); spark: Apache Spark, "
                              "Parquet in and out (pip install '.[spark]', Java 17 or later)")
    scoring.add_argument("--master", default="local[*]",
                         help="Spark master URL with --engine spark (default local[*])")
    scoring.add_argument("--clients-per-bucket", type=int, default=20_000,
                         help="clients scored together in one Spark task (default 20000)")
    common(scoring)
    scoring.set_defaults(func=run_score)

    making = commands.add_parser("generate", help="write a seeded synthetic client base")
    making.add_argument("--clients", type=int, default=10_000, help="number of clients")
    making.add_argument("--events-per-client", type=float, default=25.0)
    making.add_argument("--seed", type=int, default=0)
    making.add_argument("--as-of", default="2025-12-31")
    making.add_argument("--out-dir", required=True, help="folder for events, clients, future_events")
    making.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    common(making)
    making.set_defaults(func=run_generate)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.lifecycle.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["lifecycle", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
