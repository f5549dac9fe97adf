"""The advisor's servers started for tests and benchmarks, on 127.0.0.1.

:func:`running_advisor` starts the action server and the Rasa server with the product's command
lines (scripts/serve.sh) on free ports and a fresh, migrated SQLite database, and stops them when
the block ends. :data:`ONBOARDING` is a complete onboarding as a person would type it
(:data:`ONBOARDING_ZH` in Chinese). The end-to-end, browser and hardening tests and the latency,
load and field-set benchmarks share them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
#: The trained model; ADVISOR_MODEL names another one (a candidate pipeline measured beside it).
MODEL = Path(os.environ.get("ADVISOR_MODEL") or ROOT / "models" / "advisor.tar.gz")
#: Rasa's command line as the product runs it (action replies checked by a compiled schema).
RASA = ROOT / "scripts" / "rasa.sh"
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
#: The same onboarding in Chinese as a person would type it, figures in words (三十五岁, 五万块,
#: 每个月两千): the same answers but 2,000 a month.
ONBOARDING_ZH = [
    "你好",
    "好的，开始吧",
    "我今年三十五岁",
    "给自己养老用的",
    "大概三十年以后",
    "手头有五万块",
    "每个月两千",
    "希望能攒到一百万",
    "不卖，等它涨回来",
    "两成左右吧",
    "增长和稳定都要兼顾",
    "朋友都说我比较谨慎",
    "选五成机会拿两千五的",
    "最少九千三，最多一万一千二",
    "买过一点基金",
    "工作很稳定",
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


def wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float,
               name: str | None = None) -> None:
    """Wait until ``url`` answers 200, failing early if ``process`` (the server ``name``, by
    default named by its URL) exits; its log says why."""
    name = name or url
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{name} did not answer {url} within {timeout:.0f} s; see {log}")


def action_server_command(port: int) -> list[str]:
    return [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)]


def rasa_server_command(port: int, rasa: Path = RASA, token: str = TOKEN) -> list[str]:
    return [str(rasa), "run", "--model", str(MODEL), "--enable-api", "-i", "127.0.0.1",
            "-p", str(port), "--auth-token", token, "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml"]


def server_env(database_url: str, action_port: int) -> dict[str, str]:
    """The environment both servers run in: one database for the tracker store and the records,
    the action server on ``action_port``, everything on 127.0.0.1, no telemetry."""
    return {**os.environ, "DATABASE_URL": database_url, "TRACKER_STORE_URL": database_url,
            "SANIC_HOST": "127.0.0.1", "RASA_TELEMETRY_ENABLED": "false",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}


def fresh_database(stack: contextlib.ExitStack, folder: Path | None) -> tuple[Path, str]:
    """``folder`` (a temporary one, removed with ``stack``, when None) and the URL of a migrated
    SQLite database in it; fails first when the trained model is missing."""
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run scripts/train_model.sh first")
    folder = folder or Path(stack.enter_context(tempfile.TemporaryDirectory()))
    database_url = f"sqlite:///{folder / 'advisor.db'}"
    upgrade(database_url)
    return folder, database_url


def lock_store_env(redis_url: str | None = None) -> dict[str, str]:
    """endpoints.yml's lock store: in memory for one Rasa server, else the Redis of ``redis_url``
    (``redis://host:port/db``)."""
    if not redis_url:
        return {"LOCK_STORE_TYPE": "in_memory", "LOCK_STORE_HOST": "127.0.0.1",
                "LOCK_STORE_PORT": "6379", "LOCK_STORE_DB": "0"}
    parts = urlsplit(redis_url)
    return {"LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": parts.hostname or "127.0.0.1",
            "LOCK_STORE_PORT": str(parts.port or 6379),
            "LOCK_STORE_DB": parts.path.strip("/") or "0"}


@contextlib.contextmanager
def child_processes() -> Iterator[Callable[[list[str], dict[str, str], Path], subprocess.Popen]]:
    """``start(command, env, log)`` runs a command from the repository's root, output to ``log``;
    every process started is stopped (terminated, then killed after 20 s) when the block ends."""
    processes: list[subprocess.Popen] = []

    def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                       stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_rasa_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    wait_ready(f"{url}/", process, log, START_TIMEOUT)
    # Rasa answers "/" before the model is loaded; the status call needs the model.
    wait_ready(f"{url}/status?token={TOKEN}", process, log, START_TIMEOUT)


@contextlib.contextmanager
def running_advisor(workdir: Path | None = None, rasa: Path = RASA) -> Iterator[Advisor]:
    """Start both servers on free ports of 127.0.0.1 with a fresh, migrated SQLite database.

    ``rasa`` is the command line that starts the Rasa server (the product's by default).
    """
    with contextlib.ExitStack() as stack:
        folder, database_url = fresh_database(stack, workdir)
        action_port, rasa_port = free_port(), free_port()
        env = {**server_env(database_url, action_port), **lock_store_env()}
        start = stack.enter_context(child_processes())
        actions = start(action_server_command(action_port), env, folder / "actions.log")
        server = start(rasa_server_command(rasa_port, rasa), env, folder / "rasa.log")
        wait_ready(f"http://127.0.0.1:{action_port}/health", actions, folder / "actions.log",
                   START_TIMEOUT)
        url = f"http://127.0.0.1:{rasa_port}"
        wait_rasa_ready(url, server, folder / "rasa.log")
        with httpx.Client(timeout=60) as client:
            yield Advisor(url, TOKEN, database_url, client)
