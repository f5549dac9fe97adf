"""One-turn latency of the advisor through Rasa's REST channel, actions included.

Starts the action server and the Rasa server on 127.0.0.1 (free ports, a fresh SQLite database),
runs complete onboarding conversations one at a time and times every turn from request to reply.
Reports the median and 95th percentile in milliseconds, for all turns and for the turn that
computes the recommendation, and the time of the last ``rasa train`` if its log is given.

Run: ``.venv/bin/python -m bench.turn_latency [--conversations 5]`` (needs models/advisor.tar.gz).
The end-to-end test reuses :func:`running_advisor` and :data:`ONBOARDING`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "advisor.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
TOKEN = "bench-and-test-token"
#: Seconds to wait for the Rasa server to load the model (TensorFlow start-up is slow).
START_TIMEOUT = 240

#: A complete onboarding, as a person would type it (risk answers as typed text, not buttons).
ONBOARDING = [
    "hello",
    "yes, let's start",
    "thirty-five",
    "for my retirement",
    "30 years",
    "$50k",
    "500 a month",
    "1 million",
    "I'd hold on and wait",
    "about 20%",
    "a balance of growth and stability",
    "cautious",
    '/inform{"choice": "half_2500"}',
    "between 9,300 and 11,200",
    "some experience",
    "my income is stable",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Advisor:
    """A running Rasa server and action server."""

    url: str
    token: str
    database_url: str
    client: httpx.Client

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        """Send one message over the REST channel and return the bot's messages."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        response = self.client.post(f"{self.url}/webhooks/rest/webhook", json=body)
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s; see {log}")


@contextlib.contextmanager
def running_advisor(workdir: Path | None = None) -> Iterator[Advisor]:
    """Start both servers on free ports of 127.0.0.1 with a fresh, migrated SQLite database."""
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run scripts/train_model.sh first")
    with contextlib.ExitStack() as stack:
        folder = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = f"sqlite:///{folder / 'advisor.db'}"
        upgrade(database_url)
        action_port, rasa_port = free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_STORE_URL": database_url,
               "SANIC_HOST": "127.0.0.1",
               "RASA_TELEMETRY_ENABLED": "false",
               "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}
        processes = []
        try:
            action_log = folder / "actions.log"
            actions = subprocess.Popen(
                [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "-p", str(action_port)],
                cwd=ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT,
            )
            processes.append(actions)
            rasa_log = folder / "rasa.log"
            rasa = subprocess.Popen(
                [str(RASA), "run", "--model", str(MODEL), "--enable-api", "-i", "127.0.0.1",
                 "-p", str(rasa_port), "--auth-token", TOKEN, "--endpoints", "endpoints.yml",
                 "--credentials", "credentials.yml"],
                cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
            )
            processes.append(rasa)
            _wait(f"http://127.0.0.1:{action_port}/health", actions, action_log, 60)
            _wait(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log, START_TIMEOUT)
            # Rasa answers "/" before the model is loaded; the status call needs the model.
            _wait(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", rasa, rasa_log,
                  START_TIMEOUT)
            with httpx.Client(timeout=60) as client:
                yield Advisor(f"http://127.0.0.1:{rasa_port}", TOKEN, database_url, client)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(conversations: int) -> dict[str, float]:
    """Milliseconds per turn over ``conversations`` complete onboardings, one at a time."""
    turns: list[float] = []
    recommendation_turns: list[float] = []
    with running_advisor() as advisor:
        advisor.say("warm-up", "hello")  # first message loads lazily imported code
        for n in range(conversations):
            for text in ONBOARDING:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turn_latency", description=__doc__)
    parser.add_argument("--conversations", type=int, default=5)
    args = parser.parse_args(argv)
    result = measure(args.conversations)
    print(f"turns measured: {result['turns']} ({args.conversations} onboardings, one at a time)")
    print(f"one turn: median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms")
    print(f"recommendation turn: median {result['recommendation_median_ms']:.1f} ms, "
          f"p95 {result['recommendation_p95_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
