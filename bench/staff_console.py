"""Time of the staff console's conversation list on a large tracker store.

Fills a fresh database with ``--conversations`` conversations of ``--events-per-conversation``
events each, in the rows Rasa's SQL tracker store writes (user, bot, action and slot events), plus
clients with lifecycle scores, ratings and review actions. It then times, in milliseconds:

- the first page of the unfiltered list (the count and 25 rows);
- a filtered full-text search (signed-in clients whose messages mention a word).

The tables are analyzed after the fill, as after any bulk load. ``bot.conversations`` answers
both in SQL. With ``--old REV`` the module as it was at git revision
REV (which read every event into Python) is timed on the same data, side by side.

Run: ``.venv/bin/python -m bench.staff_console [--conversations 5000] [--old 124d0c1~1]
[--url postgresql+psycopg://...]`` (default: a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db import conversation_list as conversations
from db.migrate import upgrade
from db.models import Client, LifecycleScore, SurveyAnswer
from db.session import make_engine
from engine.lifecycle.service import CLIENT_STAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25
WORDS = ("retirement", "bonds", "house", "pension", "stocks", "savings", "education", "gold")
START = datetime(2026, 1, 1).timestamp()


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
    """``n_events`` events of one conversation: turns of user, action, bot, slot, listen."""
    rows: list[dict] = []
    t = start
    metadata = {"client_id": client_id} if client_id is not None else {}

    def add(kind: str, data: dict, intent: str | None = None, action: str | None = None):
        rows.append({"sender_id": sender, "type_name": kind, "timestamp": t,
                     "intent_name": intent, "action_name": action,
                     "data": json.dumps({"event": kind, "timestamp": t, **data})})

    stage = CLIENT_STAGES[client_id % len(CLIENT_STAGES)] if client_id is not None else "prospect"
    add("slot", {"name": "lifecycle_stage", "value": stage})
    while len(rows) < n_events:
        t += rng.uniform(5, 60)
        intent = "nlu_fallback" if rng.random() < 0.03 else rng.choice(("inform", "affirm", "ask"))
        text = f"my {rng.choice(WORDS)} plan, {rng.randint(1, 99)} years"
        add("user", {"text": text, "metadata": metadata,
                     "parse_data": {"intent": {"name": intent, "confidence": rng.random()}}},
            intent=intent)
        add("action", {"name": "utter_ask"}, action="utter_ask")
        add("bot", {"text": f"Noted: {rng.choice(WORDS)}.", "data": {}})
        add("slot", {"name": rng.choice(("age", "goal", "horizon_years")), "value": rng.randint(1, 60)})
        add("action", {"name": "action_listen"}, action="action_listen")
    return rows[:n_events]


def fill(url: str, n_conversations: int, events_per_conversation: int, seed: int = 0) -> None:
    """Migrate ``url`` and fill it with the synthetic conversations and records."""
    upgrade(url)
    rng = random.Random(seed)
    engine = make_engine(url)
    events = rasa_events_table(sa.MetaData())
    events.create(engine, checkfirst=True)
    n_clients = max(1, n_conversations // 10)
    now = datetime(2026, 11, 1)
    with engine.begin() as c:
        c.execute(sa.insert(Client), [
            {"id": i, "name": f"Client {i}", "created_at": now, "segment": "retail", "aum": 0.0,
             "products": "", "do_not_contact": False} for i in range(1, n_clients + 1)])
        c.execute(sa.insert(LifecycleScore), [
            {"client_id": i, "as_of": now, "stage": CLIENT_STAGES[i % len(CLIENT_STAGES)],
             "churn_risk": 0.1, "expected_value": 0.0, "reasons": "", "model_version": "bench",
             "scored_at": now}
            for i in range(1, n_clients + 1)])
        batch: list[dict] = []
        ratings = []
        for n in range(n_conversations):
            client_id = rng.randint(1, n_clients) if rng.random() < 0.4 else None
            sender = f"conversation-{n:06d}"
            batch += _conversation(rng, sender, client_id, events_per_conversation,
                                   START + n * 600)
            if rng.random() < 0.2:
                ratings.append({"conversation_id": sender, "survey": "satisfaction",
                                "question": "rating", "answer": str(rng.randint(1, 5)),
                                "created_at": now})
            if len(batch) >= 20_000:
                c.execute(sa.insert(events), batch)
                batch = []
        if batch:
            c.execute(sa.insert(events), batch)
        c.execute(sa.insert(SurveyAnswer), ratings)
    # Fresh statistics, as after any bulk load: without them PostgreSQL plans for empty tables.
    with engine.begin() as c:
        c.execute(sa.text("ANALYZE"))
    engine.dispose()


def old_module(revision: str) -> types.ModuleType:
    """``bot.conversations`` as it was at git ``revision``, loaded under another name."""
    source = subprocess.run(["git", "show", f"{revision}:bot/conversations.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("bench_old_conversations")
    sys.modules[module.__name__] = module  # dataclasses look their module up by name
    exec(compile(source, f"{revision}:bot/conversations.py", "exec"), module.__dict__)
    return module


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def new_page(db: Session, filters) -> tuple[int, list]:
    return (conversations.count(db, filters),
            conversations.summaries(db, filters, offset=0, limit=PAGE_SIZE))


def old_page(module, db: Session, filters) -> tuple[int, list]:
    items = module.summaries(db, filters)
    return len(items), items[:PAGE_SIZE]


def measure(url: str, repeat: int, old_revision: str | None) -> list[tuple[str, str, float, int]]:
    """(case, implementation, median ms, conversations found) for each case measured."""
    engine = make_engine(url)
    cases = {"list page": {}, "search + filter": {"search": "pension", "audience": "client"}}
    implementations: dict[str, Callable] = {"SQL (current)": new_page}
    if old_revision:
        module = old_module(old_revision)
        implementations[f"Python ({old_revision})"] = (
            lambda db, f, m=module: old_page(m, db, m.Filters(**vars(f))))
    results = []
    with Session(engine) as db:
        for case, params in cases.items():
            filters = conversations.Filters(**params)
            for name, page in implementations.items():
                total, rows = page(db, filters)
                results.append((case, name, median_ms(lambda p=page, f=filters: p(db, f), repeat),
                                total))
                if len(rows) != min(PAGE_SIZE, total):
                    raise RuntimeError(f"{name} returned {len(rows)} rows of {total}")
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.staff_console", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=5_000)
    parser.add_argument("--events-per-conversation", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old", metavar="REV", help="also time bot/conversations.py at REV")
    parser.add_argument("--url", help="an empty database to fill (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url = args.url or "sqlite:///" + str(
            Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bench.db")
        started = time.perf_counter()
        fill(url, args.conversations, args.events_per_conversation)
        print(f"{args.conversations} conversations, "
              f"{args.conversations * args.events_per_conversation} events on "
              f"{make_engine(url).dialect.name} (filled in {time.perf_counter() - started:.0f} s)")
        for case, name, ms, total in measure(url, args.repeat, args.old):
            print(f"{case:<16} {name:<22} median {ms:9.1f} ms  ({total} conversations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
