"""Benchmark of lifecycle scoring: wall time and peak memory of ``score()`` on a large base.

    .venv/bin/python -m bench.lifecycle [--clients 1000000] [--events-per-client 10] [--repeat 3]

The synthetic base is generated once and cached as Parquet under ``var/cache/bench`` (one folder per
size and version of the generator); each run then
reads it in a fresh process and times ``score()`` (model fit included). Reported: the median wall
and CPU time over the runs and the peak resident memory of a run (the input frames included). On a
shared machine the CPU time is the steadier figure; wall time grows with the other load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "cache" / "bench"


def _one_run(folder: Path) -> dict:
    import pandas as pd

    from engine.lifecycle import score

    events = pd.read_parquet(folder / "events.parquet")
    clients = pd.read_parquet(folder / "clients.parquet").reset_index()
    clients = clients.drop(columns=[c for c in clients.columns if c.startswith("truth_")])
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = score(events, "2025-12-31", clients, horizon_days=90)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(after.ru_maxrss / 1024), "clients": len(result),
            "events": len(events)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--events-per-client", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        print(json.dumps(_one_run(Path(args.run_one))))
        return 0
    # The generator's source in the name: a base cached before the generator changed is not reused.
    source = hashlib.sha256((ROOT / "engine/lifecycle/synthetic.py").read_bytes()).hexdigest()[:12]
    folder = CACHE / f"lifecycle-{args.clients}-{args.events_per_client:g}-{source}"
    if not (folder / "clients.parquet").exists():
        from engine.lifecycle.synthetic import generate

        base = generate(args.clients, args.events_per_client, seed=0)
        folder.mkdir(parents=True, exist_ok=True)
        base.events.to_parquet(folder / "events.parquet")
        base.clients.set_index("client_id").to_parquet(folder / "clients.parquet")
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-m", "bench.lifecycle", "--run-one", str(folder)],
                             check=True, capture_output=True, text=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(runs[-1], flush=True)
    print(f"clients {runs[0]['clients']:,}, events {runs[0]['events']:,}: "
          f"median {statistics.median(r['seconds'] for r in runs):.1f} s wall, "
          f"{statistics.median(r['cpu_seconds'] for r in runs):.1f} s CPU, "
          f"peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB over {len(runs)} run(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
