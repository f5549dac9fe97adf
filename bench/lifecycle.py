"""Benchmark of lifecycle scoring: wall time and peak memory of ``score()`` on a large base.

    .venv/bin/python -m bench.lifecycle [--clients 1000000] [--events-per-client 10] [--repeat 3]
    .venv/bin/python -m bench.lifecycle --clients 5000000 --engine both --master 'local[2]'

``--engine spark`` scores the same files with :mod:`engine.lifecycle.spark` (Parquet in and out);
``both`` alternates the two engines run by run, so that they share the machine's load. The peak
memory of a Spark run is that of its whole process tree (driver, JVM and Python workers), sampled
every 0.2 s.

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
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
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


def _one_spark_run(folder: Path, master: str, driver_memory: str) -> dict:
    import pandas as pd

    from engine.lifecycle.spark import score_files, session

    spark = session(master, driver_memory=driver_memory)
    with tempfile.TemporaryDirectory(dir=CACHE) as out:
        # The cached clients file keeps client_id as the pandas index; Spark reads it as a column.
        clients = pd.read_parquet(folder / "clients.parquet").reset_index()
        clients = clients.drop(columns=[c for c in clients.columns if c.startswith("truth_")])
        clients.to_parquet(Path(out) / "clients.parquet", index=False)
        start = time.perf_counter()
        result = score_files(folder / "events.parquet", "2025-12-31", Path(out) / "scores",
                             Path(out) / "clients.parquet", horizon_days=90, spark=spark)
        elapsed = time.perf_counter() - start
        clients = result.frame.count()
    events = pd.read_parquet(folder / "events.parquet", columns=["kind"]).shape[0]
    spark.stop()
    return {"seconds": round(elapsed, 2), "clients": clients, "events": events,
            "buckets": result.buckets}


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 2**20


def _measured(command: list[str]) -> tuple[dict, float]:
    """Run ``command``, returning its last JSON line and the peak memory of its process tree."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=ROOT)
    peak = [0.0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), peak[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--events-per-client", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=("single", "spark", "both"), default="single")
    parser.add_argument("--master", default="local[2]", help="Spark master of the Spark runs")
    parser.add_argument("--driver-memory", default="6g", help="Spark driver memory (local masters)")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        if args.engine == "spark":
            run = _one_spark_run(Path(args.run_one), args.master, args.driver_memory)
        else:
            run = _one_run(Path(args.run_one))
        print(json.dumps(run))
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
    engines = ("single", "spark") if args.engine == "both" else (args.engine,)
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for _ in range(args.repeat):
        for engine in engines:
            command = [sys.executable, "-m", "bench.lifecycle", "--run-one", str(folder),
                       "--engine", engine, "--master", args.master,
                       "--driver-memory", args.driver_memory]
            run, peak = _measured(command)
            run["peak_tree_rss_mb"] = round(peak)
            runs[engine].append(run)
            print(engine, run, flush=True)
    for engine, done in runs.items():
        line = (f"{engine}: clients {done[0]['clients']:,}, events {done[0]['events']:,}: "
                f"median {statistics.median(r['seconds'] for r in done):.1f} s wall")
        if engine == "single":
            line += f", {statistics.median(r['cpu_seconds'] for r in done):.1f} s CPU"
        else:
            line += f" on {args.master} in {done[0]['buckets']} buckets"
        print(line + f", peak memory {max(r['peak_tree_rss_mb'] for r in done):,.0f} MB "
              f"over {len(done)} run(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
