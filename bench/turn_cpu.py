"""CPU time of one turn, per server: what a turn costs the Rasa servers, the action server and the
web app, whatever else the machine is doing.

Starts the layout of :func:`bench.load.running_system` (SQLite, ``--rasa-servers`` Rasa servers, one
web worker, the action server), warms it with two onboardings, then runs ``--visitors`` onboardings
at once with no think time through ``POST /api/chat`` and reads each server's CPU time (user and
system, its child processes included) from ``/proc`` before and after. Prints the turns a second of
that run (which depends on the machine's load) and the milliseconds of CPU per turn of each server
(which hardly does), and checks that nothing was lost.

Run from the root of a checkout: ``.venv/bin/python -m bench.turn_cpu [--visitors 16]
[--rasa-servers 1]``. To compare with an older revision, run this same file from a checkout of it
(``git worktree add /tmp/old REV``, with ``.venv`` and ``.venv-rasa`` linked and its own model in
``ADVISOR_MODEL``): ``cd /tmp/old && ADVISOR_MODEL=... /path/to/.venv/bin/python
/path/to/bench/turn_cpu.py``; the servers, harness and bench are then the old revision's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the checkout this is run from, when run as a file

from bench.load import Conversation, converse, lost_records, running_system  # noqa: E402

#: Clock ticks a second, the unit of /proc/<pid>/stat's CPU times.
TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent pid, CPU ticks, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), command)
    return found


def server_of(command: str) -> str:
    if "rasa_cli.py" in command or "rasa run" in command:
        return "Rasa servers"
    if "rasa_sdk" in command:
        return "action server"
    if "uvicorn" in command:
        return "web app"
    return "other"


def cpu_by_process() -> dict[int, tuple[str, int]]:
    """This bench's servers, each process with all it spawned: pid -> (server, CPU ticks)."""
    table = _processes()
    me = os.getpid()
    servers = {pid: server_of(command) for pid, (parent, _, command) in table.items()
               if parent == me}

    def server(pid: int) -> str | None:
        while pid in table and pid not in servers:
            pid = table[pid][0]
        return servers.get(pid)

    return {pid: (name, ticks) for pid, (_, ticks, _) in table.items()
            if (name := server(pid)) is not None}


def measure(visitors: int, rasa_servers: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="turn-cpu-"))
    with running_system(f"sqlite:///{folder / 'advisor.db'}", folder,
                        rasa_servers=rasa_servers) as system:
        async def onboardings(count: int, first: int) -> list[Conversation]:
            conversations = [Conversation(first + n) for n in range(count)]
            await asyncio.gather(*(converse(system, c, 0.0, random.Random(c.number))
                                   for c in conversations))
            return conversations

        asyncio.run(onboardings(2, 0))  # loads each server's lazy parts
        before, start = cpu_by_process(), time.perf_counter()
        conversations = asyncio.run(onboardings(visitors, 1000))
        elapsed, after = time.perf_counter() - start, cpu_by_process()
        lost = lost_records(system.database_url, conversations)
    turns = sum(len(c.latencies_ms) for c in conversations)
    per_server: dict[str, float] = {}
    for pid, (name, ticks) in after.items():
        spent = ticks - before.get(pid, (name, 0))[1]
        per_server[name] = per_server.get(name, 0.0) + spent / TICK
    return {"turns": turns, "seconds": elapsed, "turns_per_s": turns / elapsed,
            "errors": sum(len(c.errors) for c in conversations), "lost": len(lost),
            "cpu_ms_per_turn": {name: 1000 * seconds / turns
                                for name, seconds in sorted(per_server.items())}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turn_cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=16, help="onboardings at once")
    parser.add_argument("--rasa-servers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.visitors < 1 or args.rasa_servers < 1:
        parser.error("--visitors and --rasa-servers must be at least 1")
    result = measure(args.visitors, args.rasa_servers)
    print(f"{result['turns']} turns in {result['seconds']:.1f} s ({result['turns_per_s']:.1f} "
          f"a second), {result['errors']} errors, {result['lost']} lost; load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| server | CPU ms per turn |\n|---|---:|")
    for name, ms in result["cpu_ms_per_turn"].items():
        if name != "other":
            print(f"| {name} | {ms:.1f} |")
    print(f"| all | {sum(result['cpu_ms_per_turn'].values()):.1f} |")
    return 1 if result["errors"] or result["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
