"""Time of the staff console's conversation list on a large tracker store.

Fills a fresh database with ``--conversations`` conversations of ``--events-per-conversation``
events each, in the rows Rasa's SQL tracker store writes (user, bot, action and slot events, some
in Chinese, with fallbacks and handoffs), plus clients with lifecycle scores, ratings, flags and
reviews. The events go in before the list's summaries exist, and the first list request fills them
(``db.conversation_summary.ensure``, as for a store Rasa made before the migration); the last
conversations then go in through the trigger, so both costs are printed. It then times, in
milliseconds, the first page of 25 with its count: unfiltered, each filter, the search alone and
with filters (a search counts up to ``SEARCH_COUNT_AT_MOST``; the exact count is printed beside,
counted apart and not timed).

The tables are analyzed after the fill, as after any bulk load. With ``--old REV`` the list as it
was at git revision REV (``db/conversation_list.py``, or before it ``bot/conversations.py``, which
read every event into Python) is timed on the same data for the cases in ``OLD_CASES`` (or
those that ``--old-case`` patterns match), side by side.

Run: ``.venv/bin/python -m bench.staff_console [--conversations 5000] [--old REV]
[--old-case 'search*'] [--url postgresql+psycopg://...]`` (default: a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db import conversation_list as conversations
from db import conversation_summary
from db.accounts import StaffUser
from db.migrate import upgrade
from db.models import Client, LifecycleScore, ReviewEvent, SurveyAnswer
from db.session import make_engine
from engine.lifecycle.service import CLIENT_STAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25
WORDS = ("retirement", "bonds", "house", "pension", "stocks", "savings", "education", "gold")
WORDS_ZH = ("养老金", "理财规划", "债券", "股票")
START = datetime(2026, 1, 1).timestamp()
#: Conversations written after the summaries exist, through the trigger.
THROUGH_TRIGGER = 1_000
CASES = {
    "list page": {},
    "search": {"search": "pension"},
    "search + filter": {"search": "pension", "audience": "client"},
    "search, Chinese": {"search": "养老金"},
    "search, rare": {"search": "no-such-words"},
    # Shorter than a trigram: read in the texts rather than found through the index.
    "search, 2 characters": {"search": "理财"},
    "search, short, none": {"search": "zq"},
    # A common term with a filter that leaves out most of its conversations, or all of them.
    "search + narrow filter": {"search": "pension", "flagged": True},
    "search + other language": {"search": "my pension plan", "language": "zh"},
    "audience": {"audience": "client"},
    "stage": {"stage": "growth"},
    "fallback": {"fallback": True},
    "handoff": {"handoff": True},
    "flagged": {"flagged": True},
    "reviewed": {"reviewed": False},
    "rating": {"min_rating": 4},
    "intent": {"intent": "ask_fees"},
    "language": {"language": "zh"},
    "dates": {"date_from": date(2026, 1, 20), "date_to": date(2026, 1, 31)},
    "all filters": {"audience": "client", "fallback": True, "reviewed": False,
                    "language": "en", "date_from": date(2026, 1, 10)},
}
#: The cases timed for ``--old`` too (the old list reads every event: seconds each at scale).
OLD_CASES = ("list page", "search + filter")


def rasa_events_table(metadata: sa.MetaData) -> sa.Table:
    """The ``events`` table as Rasa 3.6's SQL tracker store creates it."""
    return sa.Table(
        "events", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text),
    )


def _conversation(rng: random.Random, sender: str, client_id: int | None, n_events: int,
                  start: float) -> list[dict]:
    """``n_events`` events of one conversation: turns of user, action, bot, slot, listen; one in
    ten in Chinese, one in fifty handed off."""
    rows: list[dict] = []
    t = start
    metadata = {"client_id": client_id} if client_id is not None else {}
    chinese = rng.random() < 0.1
    handoff = rng.random() < 0.02

    def add(kind: str, data: dict, intent: str | None = None, action: str | None = None):
        rows.append({"sender_id": sender, "type_name": kind, "timestamp": t,
                     "intent_name": intent, "action_name": action,
                     "data": json.dumps({"event": kind, "timestamp": t, **data})})

    stage = CLIENT_STAGES[client_id % len(CLIENT_STAGES)] if client_id is not None else "prospect"
    add("slot", {"name": "lifecycle_stage", "value": stage})
    if chinese:
        add("slot", {"name": "language", "value": "zh"})
    while len(rows) < n_events:
        t += rng.uniform(5, 60)
        intent = ("nlu_fallback" if rng.random() < 0.03
                  else rng.choice(("inform", "affirm", "ask", "ask_fees" if rng.random() < 0.1
                                   else "inform")))
        text = (f"我想了解{rng.choice(WORDS_ZH)}, {rng.randint(1, 99)}岁" if chinese
                else f"my {rng.choice(WORDS)} plan, {rng.randint(1, 99)} years")
        add("user", {"text": text, "metadata": metadata,
                     "parse_data": {"intent": {"name": intent, "confidence": rng.random()}}},
            intent=intent)
        action = "action_handoff" if handoff and len(rows) > n_events // 2 else "utter_ask"
        add("action", {"name": action}, action=action)
        add("bot", {"text": f"Noted: {rng.choice(WORDS)}.", "data": {}})
        add("slot", {"name": rng.choice(("age", "goal", "horizon_years")), "value": rng.randint(1, 60)})
        add("action", {"name": "action_listen"}, action="action_listen")
    return rows[:n_events]


def _insert_conversations(c: sa.Connection, events: sa.Table, rng: random.Random,
                          numbers: range, events_per_conversation: int, n_clients: int,
                          now: datetime) -> list[dict]:
    """Insert the events of conversations ``numbers``; return their survey answers to add."""
    batch: list[dict] = []
    ratings = []
    for n in numbers:
        client_id = rng.randint(1, n_clients) if rng.random() < 0.4 else None
        sender = f"conversation-{n:06d}"
        batch += _conversation(rng, sender, client_id, events_per_conversation, START + n * 600)
        if rng.random() < 0.2:
            ratings.append({"conversation_id": sender, "survey": "satisfaction",
                            "question": "rating", "answer": str(rng.randint(1, 5)),
                            "created_at": now})
        if len(batch) >= 20_000:
            c.execute(sa.insert(events), batch)
            batch = []
    if batch:
        c.execute(sa.insert(events), batch)
    return ratings


def fill(url: str, n_conversations: int, events_per_conversation: int,
         seed: int = 0) -> dict[str, float]:
    """Migrate ``url`` and fill it with the synthetic conversations and records; return the
    seconds it took to write the events before the summaries existed, to fill the summaries
    from them, and per event written through the trigger."""
    upgrade(url)
    rng = random.Random(seed)
    engine = make_engine(url)
    events = rasa_events_table(sa.MetaData())
    events.create(engine, checkfirst=True)
    n_clients = max(1, n_conversations // 10)
    now = datetime(2026, 11, 1)
    late = min(THROUGH_TRIGGER, n_conversations // 10)
    seconds = {}
    with engine.begin() as c:
        c.execute(sa.insert(Client), [
            {"id": i, "name": f"Client {i}", "created_at": now, "segment": "retail", "aum": 0.0,
             "products": "", "do_not_contact": False} for i in range(1, n_clients + 1)])
        c.execute(sa.insert(LifecycleScore), [
            {"client_id": i, "as_of": now, "stage": CLIENT_STAGES[i % len(CLIENT_STAGES)],
             "churn_risk": 0.1, "expected_value": 0.0, "reasons": "", "model_version": "bench",
             "scored_at": now}
            for i in range(1, n_clients + 1)])
        staff = c.execute(sa.insert(StaffUser).returning(StaffUser.id), {
            "username": "bench", "password_hash": "-", "role": "reviewer", "active": True,
            "created_at": now}).scalar_one()
        started = time.perf_counter()
        ratings = _insert_conversations(c, events, rng, range(n_conversations - late),
                                        events_per_conversation, n_clients, now)
        seconds["events written"] = time.perf_counter() - started
        reviews = [{"conversation_id": f"conversation-{n:06d}", "staff_user_id": staff,
                    "action": rng.choice(("flag", "reviewed", "reviewed")), "value": "",
                    "created_at": now} for n in rng.sample(range(n_conversations),
                                                           n_conversations // 50)]
        c.execute(sa.insert(ReviewEvent), reviews)
    started = time.perf_counter()
    with Session(engine) as db:
        conversation_summary.ensure(db)  # what the first list request does
    seconds["summaries filled"] = time.perf_counter() - started
    with engine.begin() as c:
        started = time.perf_counter()
        ratings += _insert_conversations(c, events, rng, range(n_conversations - late,
                                                                 n_conversations),
                                         events_per_conversation, n_clients, now)
        seconds["per event through the trigger"] = (
            (time.perf_counter() - started) / max(1, late * events_per_conversation))
        c.execute(sa.insert(SurveyAnswer), ratings)
    # Fresh statistics, as after any bulk load: without them PostgreSQL plans for empty tables.
    with engine.begin() as c:
        c.execute(sa.text("ANALYZE"))
    engine.dispose()
    return seconds


def old_module(revision: str) -> tuple[types.ModuleType, bool]:
    """The conversation list as it was at git ``revision``, loaded under another name, and
    whether it pages in the database (``db/conversation_list.py``) rather than in Python."""
    for path in ("db/conversation_list.py", "bot/conversations.py"):
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT,
                               capture_output=True, text=True)
        if shown.returncode == 0:
            break
    else:
        raise SystemExit(f"{revision} has neither db/conversation_list.py nor bot/conversations.py")
    paged = path.startswith("db/")
    module = types.ModuleType("bench_old_conversations")
    sys.modules[module.__name__] = module  # dataclasses look their module up by name
    exec(compile(shown.stdout, f"{revision}:{path}", "exec"), module.__dict__)
    return module, paged


def timed_ms(run: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall-clock ms, this process's CPU ms) of each of ``repeat`` runs: on SQLite the CPU time
    is the query's own, which other work on the machine does not stretch."""
    times = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        times.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    return times


def page(module, db: Session, filters) -> tuple[int, bool, list]:
    """The first page and its count: (count, whether there are more than that, rows)."""
    if hasattr(module, "list_page"):
        total, rows = module.list_page(db, filters, offset=0, limit=PAGE_SIZE)
        if isinstance(total, int):  # before a search's count was bounded
            return total, False, rows
        return total.n, total.more, rows
    return (module.count(db, filters), False,
            module.summaries(db, filters, offset=0, limit=PAGE_SIZE))


def python_page(module, db: Session, filters) -> tuple[int, bool, list]:
    items = module.summaries(db, filters)
    return len(items), False, items[:PAGE_SIZE]


def measure(url: str, repeat: int, old_revision: str | None, old_repeat: int,
            old_cases: tuple[str, ...] = OLD_CASES
            ) -> list[tuple[str, str, list[tuple[float, float]], str]]:
    """(case, implementation, times (``timed_ms``), conversations found) for each case."""
    engine = make_engine(url)
    implementations: dict[str, tuple[Callable, int, tuple[str, ...]]] = {
        "summaries (current)": (lambda db, f: page(conversations, db, f), repeat, tuple(CASES))}
    if old_revision:
        module, paged = old_module(old_revision)
        run = page if paged else python_page
        implementations[f"old ({old_revision})"] = (
            lambda db, f, m=module, run=run: run(m, db, m.Filters(**vars(f))), old_repeat,
            old_cases)
    results = []
    with Session(engine) as db:
        page(conversations, db, conversations.Filters())  # the summaries are there already
        for case, params in CASES.items():
            filters = conversations.Filters(**params)
            for name, (run, times, cases) in implementations.items():
                if case not in cases:
                    continue
                total, more, rows = run(db, filters)
                if len(rows) != min(PAGE_SIZE, total):
                    raise RuntimeError(f"{name} returned {len(rows)} rows of {total}")
                found = (f"more than {total} ({conversations.count(db, filters)})" if more
                         else str(total))
                results.append((case, name, timed_ms(lambda r=run, f=filters: r(db, f), times),
                                found))
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.staff_console", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=5_000)
    parser.add_argument("--events-per-conversation", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--old", metavar="REV", help="also time the list as it was at REV")
    parser.add_argument("--old-repeat", type=int, default=3)
    parser.add_argument("--old-case", action="append", metavar="PATTERN",
                        help="time --old for the cases this shell pattern matches (repeatable; "
                             f"default: {', '.join(OLD_CASES)})")
    parser.add_argument("--url", help="an empty database to fill (default: a temporary SQLite file)")
    parser.add_argument("--filled", action="store_true",
                        help="--url is already filled by this bench: time only")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url = args.url or "sqlite:///" + str(
            Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bench.db")
        print(f"{args.conversations} conversations, "
              f"{args.conversations * args.events_per_conversation} events on "
              f"{make_engine(url).dialect.name}")
        if not args.filled:
            seconds = fill(url, args.conversations, args.events_per_conversation)
            print(f"events written in {seconds['events written']:.0f} s, summaries filled from "
                  f"them in {seconds['summaries filled']:.1f} s, "
                  f"{seconds['per event through the trigger'] * 1e6:.0f} µs per event written "
                  f"through the trigger")
        print(f"load average before timing: {os.getloadavg()[0]:.1f}")
        old_cases = tuple(case for case in CASES if any(
            fnmatch.fnmatchcase(case, pattern) for pattern in args.old_case)
        ) if args.old_case else OLD_CASES
        if args.old_case and not old_cases:
            parser.error(f"--old-case: no case matches {' or '.join(args.old_case)}")
        for case, name, times, total in measure(url, args.repeat, args.old, args.old_repeat,
                                                old_cases):
            wall = [t for t, _ in times]
            print(f"{case:<24} {name:<24} median {statistics.median(wall):9.1f} ms "
                  f"(min {min(wall):.1f}, max {max(wall):.1f}; CPU here "
                  f"{statistics.median(c for _, c in times):.1f} ms; {total} conversations)",
                  flush=True)
        print(f"load average after timing: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
