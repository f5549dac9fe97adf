"""One-turn latency of the advisor through Rasa's REST channel, actions included.

Starts the action server and the Rasa server on 127.0.0.1 (free ports, a fresh SQLite database),
runs complete onboarding conversations one at a time and times every turn from request to reply.
Reports the median and 95th percentile in milliseconds, for all turns and for the turn that
computes the recommendation, and the time of the last ``rasa train`` if its log is given.

Run: ``.venv/bin/python -m bench.turn_latency [--conversations 5] [--compare] [--language zh]``
(needs models/advisor.tar.gz); ``--compare`` first measures Rasa's stock command line in the same
run; ``--language zh`` types the onboarding in Chinese (:data:`harness.advisor.ONBOARDING_ZH`, whose
first message makes the conversation Chinese) instead of English (:data:`harness.advisor.ONBOARDING`).
The servers are started by :func:`harness.advisor.running_advisor`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from harness.advisor import ONBOARDING, ONBOARDING_ZH, RASA, ROOT, running_advisor

#: Rasa's own command line, unchanged: the baseline of ``--compare``.
STOCK_RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
#: The onboarding typed in each language ``--language`` offers.
ONBOARDINGS = {"en": ONBOARDING, "zh": ONBOARDING_ZH}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(conversations: int, rasa: Path = RASA,
            onboarding: list[str] = ONBOARDING) -> dict[str, float]:
    """Milliseconds per turn over ``conversations`` complete onboardings (the messages of
    ``onboarding``), one at a time."""
    turns: list[float] = []
    recommendation_turns: list[float] = []
    with running_advisor(rasa=rasa) as advisor:
        advisor.say("warm-up", onboarding[0])  # first message loads lazily imported code
        for n in range(conversations):
            for text in onboarding:
                start = time.perf_counter()
                messages = advisor.say(f"bench-{n}", text)
                elapsed = (time.perf_counter() - start) * 1000
                turns.append(elapsed)
                if any(m.get("custom", {}).get("type") == "allocation" for m in messages):
                    recommendation_turns.append(elapsed)
    if len(recommendation_turns) != conversations:
        raise RuntimeError("not every conversation reached a recommendation")
    return {
        "turns": len(turns),
        "median_ms": statistics.median(turns),
        "p95_ms": percentile(turns, 95),
        "recommendation_median_ms": statistics.median(recommendation_turns),
        "recommendation_p95_ms": percentile(recommendation_turns, 95),
    }


def report(label: str, result: dict[str, float]) -> None:
    print(f"{label}: one turn median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms; "
          f"recommendation turn median {result['recommendation_median_ms']:.1f} ms, "
          f"p95 {result['recommendation_p95_ms']:.1f} ms ({result['turns']} turns)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turn_latency", description=__doc__)
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--compare", action="store_true",
                        help="also measure Rasa's stock command line, in the same run, first")
    parser.add_argument("--language", choices=sorted(ONBOARDINGS), default="en",
                        help="the language the onboarding is typed in (default: en)")
    args = parser.parse_args(argv)
    onboarding = ONBOARDINGS[args.language]
    print(f"{args.conversations} onboardings of {len(onboarding)} turns in {args.language}, "
          "one at a time")
    if args.compare:
        report("stock rasa run", measure(args.conversations, STOCK_RASA, onboarding))
    report("advisor" if not args.compare else "scripts/rasa.sh",
           measure(args.conversations, onboarding=onboarding))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
