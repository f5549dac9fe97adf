"""Seed the database with a synthetic client base for demos: clients, their event history and a
first lifecycle scoring, so the console and the signed-in chat have every stage to show.

The base comes from ``engine.lifecycle.synthetic`` (seeded, so every fresh database holds the same
clients). It is demo data only and never evidence of accuracy on real clients.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from db.clients import Client, ClientEvent
from db.clock import utcnow
from db.lifecycle_store import refresh
from engine.lifecycle.synthetic import generate

#: Size of the demo base: large enough for every segment and stage, small enough to seed in seconds.
DEMO_CLIENTS = 5_000
ROWS_PER_INSERT = 20_000


def _python_time(value) -> datetime | None:
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def seed_client_base(engine: Engine, *, n_clients: int = DEMO_CLIENTS, as_of=None,
                     seed: int = 0) -> int:
    """Insert a synthetic client base and score it, unless the database already has clients.

    ``as_of`` (default now, UTC) ends the generated history and is the date of the scoring.
    Returns the number of clients inserted (0 when the database already had some).
    """
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Client)).scalar():
            return 0
    as_of = pd.Timestamp(as_of if as_of is not None else utcnow()).floor("s")
    base = generate(n_clients, seed=seed, as_of=as_of)
    clients = [
        {
            "id": int(row.client_id),
            "name": f"Client {row.client_id:05d}",
            "email": f"client{row.client_id:05d}@example.com",
            "created_at": _python_time(row.created_at),
            "date_of_birth": None if pd.isna(row.date_of_birth) else row.date_of_birth.date(),
            "segment": row.segment,
            "first_funded_at": _python_time(row.first_funded_at),
            "aum": float(row.aum),
            "products": row.products,
            "last_review_at": _python_time(row.last_review_at),
            "do_not_contact": bool(row.do_not_contact),
        }
        for row in base.clients.itertuples(index=False)
    ]
    events = base.events.astype({"kind": str})
    with engine.begin() as connection:
        connection.execute(insert(Client), clients)
        for start in range(0, len(events), ROWS_PER_INSERT):
            chunk = events.iloc[start:start + ROWS_PER_INSERT]
            connection.execute(insert(ClientEvent), [
                {"client_id": int(c), "timestamp": t.to_pydatetime(), "kind": k, "amount": float(a)}
                for c, t, k, a in zip(chunk["client_id"], chunk["timestamp"], chunk["kind"],
                                      chunk["amount"], strict=True)
            ])
    refresh(engine.url.render_as_string(hide_password=False), as_of=as_of)
    return len(clients)
