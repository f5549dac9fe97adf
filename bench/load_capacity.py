"""Capacity of one layout of the advisor: its saturation throughput, then latency at fractions of it.

``python -m bench.load --capacity`` (see :mod:`bench.load`) measures in two parts, on one running
system, every visitor an onboarding of its own through ``POST /api/chat`` with its own cookie session:

1. **Saturation throughput.** Closed-loop visitors with no think time: each sends its next message
   as soon as the reply to the last one came, and starts a new onboarding when one ends. The number
   of visitors doubles from 1 (1, 2, 4, ...) until the turns answered per second rise by less than
   ``plateau_gain`` over the best step so far, or ``max_concurrency`` is reached. A step starts its
   visitors spread over its first ``step_seconds / 4`` (so they do not type the same message at
   once) and counts the ``step_seconds`` after that, when its visitors stop, leaving the
   onboardings they were typing. The capacity is the most turns a second any step answered.
2. **Latency at a given load.** Open loop at ``fraction x capacity`` turns a second: messages are due
   at Poisson arrival times, whatever the replies do, and each due message goes to the visitor that
   has waited longest for its next message, or to a new visitor when all are waiting for a reply.
   A turn's latency is counted from when its message was due, not from when it was sent, so a
   bench that falls behind cannot hide a queue (no coordinated omission); ``max_lag_ms`` says how
   late the bench itself sent a message. When the load ends, visitors leave the onboardings they
   were typing: finishing them would take long after an overload, which opens a new onboarding
   for each message that finds every visitor waiting for a reply (so beyond the capacity the mix
   leans to the onboarding's first messages).

After each step and each load every conversation, whole or left, is checked as in the bench's
other mode: each message and reply in Rasa's ``events`` in order, each recommendation in the
suitability table (:func:`bench.load.lost_records`); an onboarding typed to its end without a
recommendation is an error.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from bench.load import Conversation, System, Visitor, converse, lost_records
from bench.turn_latency import percentile

#: Share of ``step_seconds`` over which a closed-loop step starts its visitors, not counted.
SETTLE = 0.25


@dataclass
class CapacityOptions:
    """How long and how far :func:`measure` goes; the defaults are the command line's."""

    max_concurrency: int = 64
    step_seconds: float = 30.0
    plateau_gain: float = 0.05
    rate_seconds: float = 60.0
    fractions: tuple[float, ...] = (0.5, 0.8, 1.0)
    #: A known capacity in turns a second: skip the search and measure latency at its fractions.
    capacity: float | None = None
    seed: int = 7


def connections() -> httpx.AsyncHTTPTransport:
    """Connections the visitors of one step share, as many as they need at once. An idle one is
    dropped after 2 s, before uvicorn closes it (after 5 s): a message sent on a connection the
    server is closing would fail in the bench, not in the advisor."""
    return httpx.AsyncHTTPTransport(limits=httpx.Limits(
        max_connections=None, max_keepalive_connections=None, keepalive_expiry=2.0))


def latency_figures(latencies_ms: list[float]) -> dict[str, float | None]:
    """p50, p95 and p99 in milliseconds (None when no turn was timed)."""
    return {f"p{q}": percentile(latencies_ms, q) if latencies_ms else None for q in (50, 95, 99)}


def window_figures(conversations: list[Conversation], begin: float,
                   end: float) -> dict[str, float | None]:
    """Turns whose message was sent (or due) in ``[begin, end)``: their number, latency and errors,
    and the turns a second answered in that window."""
    latencies, answered = [], 0
    for conversation in conversations:
        for ms, at in zip(conversation.latencies_ms, conversation.answered_at, strict=True):
            if begin <= at - ms / 1000 < end:
                latencies.append(ms)
            answered += begin <= at < end
    return {"turns": len(latencies), "turns_per_s": answered / (end - begin),
            **latency_figures(latencies),
            "conversations": len(conversations),
            "errors": sum(1 for c in conversations if c.errors)}


def check(system: System, conversations: list[Conversation], figures: dict) -> dict:
    """``figures`` with the conversations' losses counted; the first few losses and errors printed."""
    lost = lost_records(system.database_url, conversations)
    for line in ([e for c in conversations for e in c.errors] + lost)[:5]:
        print(f"  {line}")
    return {**figures, "lost": len(lost)}


async def closed_loop(system: System, concurrency: int, seconds: float, numbers: Iterator[int],
                      rng: random.Random) -> tuple[list[Conversation], float, float]:
    """``concurrency`` visitors without think time, each starting onboardings one after another
    until the window ends; the conversations and the window counted (perf_counter readings)."""
    conversations: list[Conversation] = []
    settle = seconds * SETTLE
    begin = time.perf_counter() + settle
    end = begin + seconds

    async def visitor_after(delay: float) -> None:
        await asyncio.sleep(delay)
        while time.perf_counter() < end:
            visitor = Visitor(system, Conversation(next(numbers)), transport)
            conversations.append(visitor.conversation)
            try:
                while not visitor.done and time.perf_counter() < end:
                    await visitor.turn()
            finally:
                await visitor.leave()

    async with connections() as transport:
        await asyncio.gather(*(visitor_after(rng.uniform(0, settle))
                               for _ in range(concurrency)))
    return conversations, begin, end


async def open_loop(system: System, rate: float, seconds: float, numbers: Iterator[int],
                    rng: random.Random) -> tuple[list[Conversation], float, float, float]:
    """Messages due at Poisson arrivals of ``rate`` a second for ``seconds``; the conversations,
    the window (perf_counter readings) and the most a message was sent late, in milliseconds."""
    waiting: deque[Visitor] = deque()  # visitors whose last message has its reply, longest first
    visitors: list[Visitor] = []
    turns: set[asyncio.Task] = set()
    lag = 0.0

    async def take_turn(visitor: Visitor, due: float) -> None:
        nonlocal lag
        lag = max(lag, time.perf_counter() - due)
        await visitor.turn(due)
        if not visitor.done:
            waiting.append(visitor)

    async with connections() as transport:
        begin = due = time.perf_counter()
        end = begin + seconds
        while (due := due + rng.expovariate(rate)) < end:
            await asyncio.sleep(due - time.perf_counter())
            if not waiting:
                visitors.append(Visitor(system, Conversation(next(numbers)), transport))
                waiting.append(visitors[-1])
            task = asyncio.create_task(take_turn(waiting.popleft(), due))
            turns.add(task)
            task.add_done_callback(turns.discard)
        await asyncio.gather(*list(turns))
        for visitor in visitors:
            await visitor.leave()
    return [v.conversation for v in visitors], begin, end, lag * 1000


def measure(system: System, options: CapacityOptions, first: int = 0) -> dict:
    """The capacity search's steps, the capacity and the latency at each of its fractions, as JSON
    types; conversations are numbered from ``first``. Prints each step and load as it ends."""
    numbers = itertools.count(first)
    rng = random.Random(options.seed)
    # One onboarding first, not timed: the servers' first turns load lazily imported code.
    warm_up = Conversation(next(numbers))
    asyncio.run(converse(system, warm_up, 0.0, rng))
    warmed = check(system, [warm_up], {"errors": len(warm_up.errors)})
    steps = []
    capacity, saturated = options.capacity, None
    if capacity is None:
        print(STEP_HEADER, flush=True)
        best, concurrency, saturated = 0.0, 1, False
        while concurrency <= options.max_concurrency:
            conversations, begin, end = asyncio.run(closed_loop(
                system, concurrency, options.step_seconds, numbers, rng))
            steps.append(check(system, conversations, {
                "concurrency": concurrency, "seconds": options.step_seconds,
                **window_figures(conversations, begin, end)}))
            print(step_row(steps[-1]), flush=True)
            if steps[-1]["turns_per_s"] < best * (1 + options.plateau_gain):
                saturated = True
                break
            best = max(best, steps[-1]["turns_per_s"])
            concurrency *= 2
        capacity = max(step["turns_per_s"] for step in steps)
        print(f"capacity {capacity:.1f} turns/s "
              f"({'plateau' if saturated else 'still rising at --max-concurrency'})", flush=True)
    loads = []
    print(LOAD_HEADER, flush=True)
    for fraction in options.fractions:
        conversations, begin, end, lag_ms = asyncio.run(open_loop(
            system, fraction * capacity, options.rate_seconds, numbers, rng))
        figures = window_figures(conversations, begin, end)
        loads.append(check(system, conversations, {
            "fraction": fraction, "offered_turns_per_s": fraction * capacity,
            "seconds": options.rate_seconds, **figures, "max_lag_ms": lag_ms}))
        print(load_row(loads[-1]), flush=True)
    return {"steps": steps, "capacity_turns_per_s": capacity, "saturated": saturated,
            "loads": loads,
            "errors": sum(part["errors"] for part in [warmed, *steps, *loads]),
            "lost": sum(part["lost"] for part in [warmed, *steps, *loads])}


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


STEP_HEADER = ("| visitors, no think time | turns | turns/s | p50 ms | p95 ms | p99 ms | errors "
               "| lost |\n|---:|---:|---:|---:|---:|---:|---:|---:|")
LOAD_HEADER = ("| load | offered turns/s | turns | turns/s | p50 ms | p95 ms | p99 ms | max lag ms "
               "| errors | lost |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def step_row(step: dict) -> str:
    return (f"| {step['concurrency']} | {step['turns']} | {step['turns_per_s']:.1f} | "
            f"{ms(step['p50'])} | {ms(step['p95'])} | {ms(step['p99'])} | {step['errors']} | "
            f"{step['lost']} |")


def load_row(load: dict) -> str:
    return (f"| {load['fraction']:.0%} | {load['offered_turns_per_s']:.1f} | {load['turns']} | "
            f"{load['turns_per_s']:.1f} | {ms(load['p50'])} | {ms(load['p95'])} | "
            f"{ms(load['p99'])} | {load['max_lag_ms']:.0f} | {load['errors']} | {load['lost']} |")
