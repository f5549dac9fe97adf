"""Load on the whole advisor: N concurrent conversations through the web app's ``POST /api/chat``.

Starts the whole system on 127.0.0.1 (the web app under uvicorn, one or more Rasa servers, the
action server and a fresh database: SQLite, or PostgreSQL with ``--postgresql``), then, for each
level of concurrency, runs that many simulated visitors at once. Each visitor has its own cookie
session and types the onboarding of :data:`harness.advisor.ONBOARDING` to a recommendation,
pausing like a person between messages (``--think-seconds``, 0.5 to 1.5 times it at random).

Reports turns per second, the p50, p95 and p99 latency of one turn (milliseconds) and the errors
(a turn that is not HTTP 200, or a conversation without its recommendation). Then it checks that
nothing was lost: every message sent and every reply is in Rasa's tracker store (``events``), in
order, and every recommendation received is in the suitability table.

The web app's chat rate limits would otherwise refuse a fast bench, whose visitors all come from
127.0.0.1: it gets ``CHAT_RATE_LIMIT`` from ``BENCH_CHAT_RATE_LIMIT`` (default 600 messages a minute
per session) and ``CHAT_ADDRESS_RATE_LIMIT`` from ``BENCH_CHAT_ADDRESS_RATE_LIMIT`` (default
1,000,000 a minute).

Run: ``.venv/bin/python -m bench.load --concurrency 1 10 50 100 [--postgresql]
[--rasa-servers 2 --web-workers 2]`` (two Rasa servers need PostgreSQL and Redis: scripts/redis.sh).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.turn_latency import percentile
from bot.auth.sessions import COOKIE_NAME
from db.migrate import upgrade
from db.models import SuitabilityRecord
from db.session import session_scope
from harness.advisor import (
    MODEL,
    ONBOARDING,
    PYTHON,
    ROOT,
    START_TIMEOUT,
    action_server_command,
    child_processes,
    free_port,
    lock_store_env,
    rasa_server_command,
    wait_rasa_ready,
    wait_ready,
)

#: Seconds one turn may take before the bench counts it as an error.
TURN_TIMEOUT = 60


@dataclass
class System:
    """The running advisor as a visitor reaches it, and the database behind it."""

    web_url: str
    database_url: str
    rasa_urls: list[str]


@dataclass
class Conversation:
    """One simulated visitor: what it sent, what came back, how long each turn took."""

    number: int
    cookie: str | None = None
    sent: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    recommendations: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def postgresql_database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL of scripts/postgres.sh, dropped afterwards."""
    server = subprocess.run([str(ROOT / "scripts" / "postgres.sh")], check=True,
                            capture_output=True, text=True).stdout.strip().splitlines()[-1]
    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def running_system(database_url: str, folder: Path, *, rasa_servers: int = 1, web_workers: int = 1,
                   redis_url: str | None = None) -> Iterator[System]:
    """Start the action server, ``rasa_servers`` Rasa servers and the web app on 127.0.0.1."""
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run scripts/train_model.sh first")
    if rasa_servers > 1 and os.environ.get("RASA_ROUTING") == "turns" and not redis_url:
        raise ValueError("Rasa servers taking turns must share their locks: give --redis-url")
    upgrade(database_url)
    action_port, web_port = free_port(), free_port()
    rasa_ports = [free_port() for _ in range(rasa_servers)]
    env = {**os.environ, "DATABASE_URL": database_url, "SANIC_HOST": "127.0.0.1",
           # Rasa's environment reaches PostgreSQL through psycopg2, the URL's default driver.
           "TRACKER_STORE_URL": database_url.replace("postgresql+psycopg:", "postgresql:"),
           "RASA_TELEMETRY_ENABLED": "false",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
           "RASA_URLS": ",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
           "CHAT_RATE_LIMIT": os.environ.get("BENCH_CHAT_RATE_LIMIT", "600"),
           "CHAT_ADDRESS_RATE_LIMIT": os.environ.get("BENCH_CHAT_ADDRESS_RATE_LIMIT", "1000000"),
           "RASA_TIMEOUT_SECONDS": str(TURN_TIMEOUT),
           **lock_store_env(redis_url)}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    with child_processes() as start:
        actions = start(action_server_command(action_port), env, folder / "actions.log")
        rasas = [start(rasa_server_command(port), env, folder / f"rasa-{port}.log")
                 for port in rasa_ports]
        web = start([str(PYTHON), "-m", "uvicorn", "bot.app:app", "--host", "127.0.0.1",
                     "--port", str(web_port), "--workers", str(web_workers),
                     "--log-level", "warning"], env, folder / "web.log")
        wait_ready(f"http://127.0.0.1:{action_port}/health", actions, folder / "actions.log",
                   START_TIMEOUT)
        for port, rasa in zip(rasa_ports, rasas, strict=True):
            wait_rasa_ready(f"http://127.0.0.1:{port}", rasa, folder / f"rasa-{port}.log")
        web_url = f"http://127.0.0.1:{web_port}"
        wait_ready(f"{web_url}/", web, folder / "web.log", START_TIMEOUT)
        yield System(web_url, database_url, env["RASA_URLS"].split(","))


async def converse(system: System, conversation: Conversation, think: float,
                   rng: random.Random) -> None:
    """Run one onboarding through /api/chat, pausing ``think`` seconds (0.5x to 1.5x) per turn."""
    async with httpx.AsyncClient(base_url=system.web_url, timeout=TURN_TIMEOUT) as browser:
        await asyncio.sleep(rng.uniform(0, think))  # visitors do not all arrive at once
        for message in ONBOARDING:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            start = time.perf_counter()
            try:
                response = await browser.post("/api/chat", json={"text": message})
            except httpx.HTTPError as exc:
                conversation.errors.append(f"{message!r}: {type(exc).__name__}")
                break
            conversation.latencies_ms.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                conversation.errors.append(f"{message!r}: HTTP {response.status_code}")
                break
            conversation.sent.append(message)
            for reply in response.json()["messages"]:
                if reply.get("text"):
                    conversation.replies.append(reply["text"])
                if (reply.get("custom") or {}).get("type") == "allocation":
                    conversation.recommendations += 1
        conversation.cookie = browser.cookies.get(COOKIE_NAME)
    if not conversation.errors and conversation.recommendations == 0:
        conversation.errors.append("no recommendation at the end of the onboarding")


def delivered_parts(bot_events: Iterable[dict]) -> list[str]:
    """The texts of Rasa's ``bot`` events as its REST channel delivers them: a text without
    buttons goes out one paragraph per message."""
    parts = []
    for event in bot_events:
        text = event.get("text")
        if not text:
            continue
        if (event.get("data") or {}).get("buttons"):
            parts.append(text)
        else:
            parts.extend(text.strip().split("\n\n"))
    return parts


def lost_records(database_url: str, conversations: list[Conversation]) -> list[str]:
    """What the database lacks of what the visitors sent and received, one line per loss."""
    engine = create_engine(database_url)
    losses = []
    try:
        with session_scope(engine) as db:
            for conversation in conversations:
                if conversation.cookie is None:
                    losses.append(f"conversation {conversation.number}: no session cookie")
                    continue
                token = conversation.cookie.rsplit(".", 1)[0]  # the cookie is token.signature
                sender = db.execute(
                    text("SELECT conversation_id FROM web_sessions WHERE token_hash = :h"),
                    {"h": hashlib.sha256(token.encode()).hexdigest()}).scalar_one()
                rows = db.execute(
                    text("SELECT type_name, data FROM events WHERE sender_id = :s AND "
                         "type_name IN ('user', 'bot') ORDER BY id"), {"s": sender}).all()
                events = [(kind, json.loads(data)) for kind, data in rows]
                said = [event.get("text") for kind, event in events if kind == "user"]
                answered = delivered_parts(event for kind, event in events if kind == "bot")
                if said != conversation.sent:
                    losses.append(f"{sender}: {len(conversation.sent)} messages sent, tracker "
                                  f"store has {len(said)} (or another order)")
                if answered != conversation.replies:
                    losses.append(f"{sender}: {len(conversation.replies)} replies received, "
                                  f"tracker store has {len(answered)} (or another order)")
                stored = len(db.scalars(select(SuitabilityRecord.id).where(
                    SuitabilityRecord.conversation_id == sender)).all())
                if stored != conversation.recommendations:
                    losses.append(f"{sender}: {conversation.recommendations} recommendations, "
                                  f"{stored} suitability records")
    finally:
        engine.dispose()
    return losses


def run_level(system: System, concurrency: int, think: float, first: int,
              seed: int) -> dict[str, float]:
    """``concurrency`` visitors at once, numbered from ``first``; the level's figures."""
    conversations = [Conversation(first + n) for n in range(concurrency)]
    rngs = [random.Random(seed * 100_003 + c.number) for c in conversations]

    async def everyone() -> None:
        await asyncio.gather(*(converse(system, c, think, r)
                               for c, r in zip(conversations, rngs, strict=True)))

    start = time.perf_counter()
    asyncio.run(everyone())
    elapsed = time.perf_counter() - start
    latencies = [ms for c in conversations for ms in c.latencies_ms]
    errors = [e for c in conversations for e in c.errors]
    lost = lost_records(system.database_url, conversations)
    for line in (errors + lost)[:5]:
        print(f"  {line}")
    return {"concurrency": concurrency, "turns": len(latencies), "seconds": elapsed,
            "turns_per_s": len(latencies) / elapsed, "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "errors": len(errors), "lost": len(lost)}


HEADER = "| N | turns | turns/s | p50 ms | p95 ms | p99 ms | errors | lost |"


def row(result: dict[str, float]) -> str:
    return (f"| {result['concurrency']} | {result['turns']} | {result['turns_per_s']:.1f} | "
            f"{result['p50']:.0f} | {result['p95']:.0f} | {result['p99']:.0f} | "
            f"{result['errors']} | {result['lost']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50, 100],
                        help="concurrent conversations, one level after another")
    parser.add_argument("--think-seconds", type=float, default=3.0,
                        help="mean pause of a visitor before each message (default 3)")
    parser.add_argument("--postgresql", action="store_true",
                        help="a fresh database on scripts/postgres.sh instead of SQLite")
    parser.add_argument("--rasa-servers", type=int, default=1)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None,
                        help="Redis for the lock store and rate limit (default: $REDIS_URL)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if min(args.concurrency) < 1 or args.rasa_servers < 1 or args.web_workers < 1:
        parser.error("--concurrency, --rasa-servers and --web-workers must be at least 1")
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        database_url = (stack.enter_context(postgresql_database()) if args.postgresql
                        else f"sqlite:///{folder / 'advisor.db'}")
        system = stack.enter_context(running_system(
            database_url, folder, rasa_servers=args.rasa_servers, web_workers=args.web_workers,
            redis_url=args.redis_url))
        print(f"database {make_url(database_url).get_backend_name()}, {args.rasa_servers} Rasa "
              f"server(s), {args.web_workers} web worker(s), think {args.think_seconds:g} s, "
              f"{len(ONBOARDING)} turns per conversation")
        print(HEADER)
        print("|---|---|---|---|---|---|---|---|")
        first = 0
        for level in args.concurrency:
            print(row(run_level(system, level, args.think_seconds, first, args.seed)), flush=True)
            first += level
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
