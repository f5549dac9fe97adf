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
[--rasa-servers N --web-workers 2] [--redis-url URL] [--json PATH]``; by default the layout of
``make run``: SQLite, two Rasa servers, one web worker. Several Rasa servers share the
tracker store; the web app sends each conversation to one of them unless ``RASA_ROUTING=turns``,
which needs Redis for their locks (``--redis-url $(scripts/redis.sh)``). ``--json PATH`` also writes
the figures as JSON (``-``: to standard output).

**Capacity mode** (``--capacity``, :mod:`bench.load_capacity`). The visitors above think 3 s before
each message, so 50 of them offer at most about 16 turns a second whatever the layout can take:
that mode measures offered load. ``--capacity`` finds the layout's saturation throughput instead,
then the latency at fractions of it:

- visitors without think time, each typing onboardings one after another, 1, 2, 4, ... of them
  (``--max-concurrency``, default 64), each step counted for ``--step-seconds`` (default 30) after
  a quarter of that to start them; the search ends at the first step whose turns a second rise by
  less than ``--plateau-gain`` (default 0.05) over the best so far, and the best is the capacity;
- then messages due at Poisson arrivals of each ``--load`` fraction of the capacity (default 0.5,
  0.8 and 1) for ``--rate-seconds`` each (default 60), every message the next of a visitor waiting
  for its next message (or of a new visitor), each latency counted from when its message was due;
- ``--capacity-turns-per-s X`` skips the search and offers the fractions of X.

Every conversation of each step and load, whole or left when the step or load ends, is checked
for losses as above. Example: ``.venv/bin/python -m bench.load --capacity [--postgresql --rasa-servers 2
--web-workers 2 --redis-url $(scripts/redis.sh)] --json capacity.json``.
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
    #: ``time.perf_counter()`` when each timed turn's reply came, in the order of ``latencies_ms``.
    answered_at: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def postgresql_database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL of scripts/postgres.sh, dropped afterwards.

    A server this call had to start is stopped again at the end; one already running is left so.
    """
    script = str(ROOT / "scripts" / "postgres.sh")
    was_running = subprocess.run([script, "status"], capture_output=True).returncode == 0
    server = subprocess.run([script, "start"], check=True,
                            capture_output=True, text=True).stdout.strip().splitlines()[-1]
    try:
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
    finally:
        if not was_running:
            subprocess.run([script, "stop"], check=False, capture_output=True)


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


class Visitor:
    """One simulated visitor's browser, with its own cookie session, typing the onboarding of
    :data:`harness.advisor.ONBOARDING` into ``conversation`` one message per :meth:`turn`.

    Visitors may share the connections of one ``transport`` (closed by its owner), which spares
    each the tens of milliseconds a client of its own takes to build."""

    def __init__(self, system: System, conversation: Conversation,
                 transport: httpx.AsyncHTTPTransport | None = None) -> None:
        self.conversation = conversation
        self.browser = httpx.AsyncClient(base_url=system.web_url, timeout=TURN_TIMEOUT,
                                         transport=transport)
        self.shared_transport = transport is not None
        self.typed = 0

    @property
    def done(self) -> bool:
        """The onboarding is typed to its end, or a turn failed."""
        return bool(self.conversation.errors) or self.typed == len(ONBOARDING)

    async def turn(self, due: float | None = None) -> None:
        """Send the next message and record it, its replies and the turn's latency, counted from
        ``due`` (a ``time.perf_counter()`` reading: when the message was due) or else from now."""
        conversation, message = self.conversation, ONBOARDING[self.typed]
        self.typed += 1
        start = time.perf_counter() if due is None else due
        try:
            response = await self.browser.post("/api/chat", json={"text": message})
        except httpx.HTTPError as exc:
            conversation.errors.append(f"{message!r}: {type(exc).__name__}")
            return
        conversation.answered_at.append(time.perf_counter())
        conversation.latencies_ms.append((conversation.answered_at[-1] - start) * 1000)
        if response.status_code != 200:
            conversation.errors.append(f"{message!r}: HTTP {response.status_code}")
            return
        conversation.sent.append(message)
        for reply in response.json()["messages"]:
            if reply.get("text"):
                conversation.replies.append(reply["text"])
            if (reply.get("custom") or {}).get("type") == "allocation":
                conversation.recommendations += 1

    async def leave(self) -> None:
        """Keep the session cookie for the loss check and close the browser."""
        self.conversation.cookie = self.browser.cookies.get(COOKIE_NAME)
        if not self.shared_transport:
            await self.browser.aclose()
        if self.done and not self.conversation.errors and self.conversation.recommendations == 0:
            self.conversation.errors.append("no recommendation at the end of the onboarding")


async def converse(system: System, conversation: Conversation, think: float,
                   rng: random.Random) -> None:
    """Run one onboarding through /api/chat, pausing ``think`` seconds (0.5x to 1.5x) per turn."""
    visitor = Visitor(system, conversation)
    try:
        await asyncio.sleep(rng.uniform(0, think))  # visitors do not all arrive at once
        while not visitor.done:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            await visitor.turn()
    finally:
        await visitor.leave()


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
    # The capacity mode builds on this module's visitors and loss check.
    from bench.load_capacity import CapacityOptions, measure

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50, 100],
                        help="concurrent conversations, one level after another")
    parser.add_argument("--think-seconds", type=float, default=3.0,
                        help="mean pause of a visitor before each message (default 3)")
    parser.add_argument("--postgresql", action="store_true",
                        help="a fresh database on scripts/postgres.sh instead of SQLite")
    parser.add_argument("--rasa-servers", type=int, default=2,
                        help="Rasa servers (default 2, as make run starts them)")
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None,
                        help="Redis for the lock store and rate limit (default: $REDIS_URL)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", metavar="PATH",
                        help="also write the figures as JSON to PATH ('-': standard output)")
    capacity = parser.add_argument_group("capacity mode (bench/load_capacity.py)")
    capacity.add_argument("--capacity", action="store_true",
                          help="find the saturation throughput, then latency at fractions of it")
    capacity.add_argument("--max-concurrency", type=int, default=64,
                          help="most visitors without think time in the search (default 64)")
    capacity.add_argument("--step-seconds", type=float, default=30.0,
                          help="seconds counted per step of the search (default 30)")
    capacity.add_argument("--plateau-gain", type=float, default=0.05,
                          help="a step gaining less than this share of turns/s ends the search "
                               "(default 0.05)")
    capacity.add_argument("--load", type=float, nargs="+", default=[0.5, 0.8, 1.0],
                          help="fractions of the capacity offered open-loop (default 0.5 0.8 1)")
    capacity.add_argument("--rate-seconds", type=float, default=60.0,
                          help="seconds each open-loop load is offered (default 60)")
    capacity.add_argument("--capacity-turns-per-s", type=float,
                          help="skip the search: latency at fractions of this capacity")
    args = parser.parse_args(argv)
    if min(args.concurrency) < 1 or args.rasa_servers < 1 or args.web_workers < 1:
        parser.error("--concurrency, --rasa-servers and --web-workers must be at least 1")
    if args.capacity and (args.max_concurrency < 1 or args.step_seconds <= 0
                          or args.rate_seconds <= 0 or min(args.load) <= 0
                          or (args.capacity_turns_per_s or 1) <= 0):
        parser.error("--max-concurrency, --step-seconds, --rate-seconds, --load and "
                     "--capacity-turns-per-s must be positive")
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        database_url = (stack.enter_context(postgresql_database()) if args.postgresql
                        else f"sqlite:///{folder / 'advisor.db'}")
        system = stack.enter_context(running_system(
            database_url, folder, rasa_servers=args.rasa_servers, web_workers=args.web_workers,
            redis_url=args.redis_url))
        layout = {"database": make_url(database_url).get_backend_name(),
                  "rasa_servers": args.rasa_servers, "web_workers": args.web_workers,
                  "turns_per_conversation": len(ONBOARDING)}
        print(f"database {layout['database']}, {args.rasa_servers} Rasa server(s), "
              f"{args.web_workers} web worker(s), "
              + ("capacity mode, no think time" if args.capacity
                 else f"think {args.think_seconds:g} s")
              + f", {len(ONBOARDING)} turns per conversation", flush=True)
        if args.capacity:
            report = {"mode": "capacity", **layout, **measure(system, CapacityOptions(
                max_concurrency=args.max_concurrency, step_seconds=args.step_seconds,
                plateau_gain=args.plateau_gain, rate_seconds=args.rate_seconds,
                fractions=tuple(args.load), capacity=args.capacity_turns_per_s,
                seed=args.seed))}
        else:
            report = {"mode": "levels", **layout, "think_seconds": args.think_seconds,
                      "levels": []}
            print(HEADER)
            print("|---|---|---|---|---|---|---|---|")
            first = 0
            for level in args.concurrency:
                report["levels"].append(run_level(system, level, args.think_seconds, first,
                                                  args.seed))
                print(row(report["levels"][-1]), flush=True)
                first += level
    if args.json == "-":
        print(json.dumps(report, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
