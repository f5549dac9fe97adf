"""Time ``engine.recommend()`` end to end, and the Monte Carlo projection on its own.

Usage::

    python -m bench.recommend [--calls 300] [--paths 10000]

Each case is warmed up first (the assumptions load and the seed's normal draws are made once per
process), then called ``--calls`` times; the table gives the median and 95th percentile in
milliseconds. The first, cold call of the process is reported apart. The machine is shared, so
read the medians, not single runs.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

CAUTIOUS = {"loss_reaction": "sell_some", "max_loss": "loss_10", "return_priority": "protect_capital",
            "risk_self_view": "cautious", "gamble_choice": "sure_1000", "outcome_range": "narrow",
            "experience": "some"}

#: Bold answers, but a fall of about 10 % in a year at most.
BOLD_LIMITED = {"loss_reaction": "buy_more", "max_loss": "loss_10", "return_priority": "strong_growth",
                "risk_self_view": "risk_taker", "gamble_choice": "quarter_8000",
                "outcome_range": "moderate", "experience": "extensive"}


def cases() -> dict[str, dict]:
    """Investors of the acceptance checks, plus a long horizon for the projection's worst case.

    Built after the timed engine import, since the moderate answers come from the engine's
    questionnaire.
    """
    from engine.questionnaire import middle_answers

    moderate = middle_answers()
    return {
        "30, retirement (35 y)": {"age": 30, "goal": "retirement", "risk_answers": moderate,
                                  "initial_amount": 20_000, "monthly_contribution": 500,
                                  "target_amount": 1_000_000},
        "70, capital preservation (5 y)": {"age": 70, "goal": "capital_preservation",
                                           "risk_answers": CAUTIOUS, "initial_amount": 400_000},
        "40, home in 2 y": {"age": 40, "goal": "home", "horizon_years": 2, "risk_answers": moderate,
                            "initial_amount": 60_000, "monthly_contribution": 2_000,
                            "target_amount": 100_000},
        "25, wealth (60 y)": {"age": 25, "goal": "wealth_building", "horizon_years": 60,
                              "risk_answers": moderate, "monthly_contribution": 300},
        # the stated loss limit binds: the equity share is searched for (about ten optimizer runs)
        "35, wealth (30 y), 10 % loss limit": {"age": 35, "goal": "wealth_building",
                                               "horizon_years": 30, "risk_answers": BOLD_LIMITED,
                                               "monthly_contribution": 300},
    }


def timings(call, calls: int, warmup: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock and process CPU seconds of each of ``calls`` calls after ``warmup`` untimed ones.

    CPU time leaves out the time the process waits while other programs hold the cores, so on a
    shared machine it shows what the code costs; wall-clock time is what a caller waits.
    """
    for _ in range(warmup):
        call()
    wall, cpu = np.empty(calls), np.empty(calls)
    for i in range(calls):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall[i], cpu[i] = time.perf_counter() - start, time.process_time() - start_cpu
    return wall, cpu


HEADER = "| case | median ms | p95 ms | CPU median ms | calls |\n|---|---|---|---|---|"


def row(name: str, wall: np.ndarray, cpu: np.ndarray) -> str:
    ms, cpu_ms = wall * 1000, cpu * 1000
    return (f"| {name} | {np.median(ms):.2f} | {np.percentile(ms, 95):.2f} | "
            f"{np.median(cpu_ms):.2f} | {len(ms)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recommend", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="timed calls per case (default 300)")
    parser.add_argument("--paths", type=int, default=10_000, help="Monte Carlo paths (default 10000)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    from engine import InvestorProfile, recommend
    from engine.projection import project

    imported = time.perf_counter() - start
    profiles = {name: InvestorProfile(**data) for name, data in cases().items()}
    first = next(iter(profiles.values()))
    start = time.perf_counter()
    recommend(first, paths=args.paths)
    cold = time.perf_counter() - start

    print(f"engine import {imported * 1000:.0f} ms; first recommend() of the process "
          f"{cold * 1000:.1f} ms (loads assumptions, draws the seed's normals)\n")
    print(f"recommend() end to end, {args.paths:,} Monte Carlo paths\n")
    print(HEADER)
    walls, cpus = [], []
    for name, profile in profiles.items():
        wall, cpu = timings(lambda p=profile: recommend(p, paths=args.paths), args.calls)
        walls.append(wall)
        cpus.append(cpu)
        print(row(name, wall, cpu))
    print(row("all cases", np.concatenate(walls), np.concatenate(cpus)))

    print(f"\nMonte Carlo projection alone (engine.projection.project), {args.paths:,} paths\n")
    print(HEADER.replace("case", "horizon", 1))
    for years in (2, 10, 35, 60):
        wall, cpu = timings(
            lambda y=years: project(0.065, 0.12, years=y, initial=20_000, monthly=500,
                                    target=500_000, paths=args.paths),
            args.calls,
        )
        print(row(f"{years} years", wall, cpu))
    print(f"\nload average during the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
