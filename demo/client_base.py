"""Seed the database with a synthetic client base for demos: clients, their event history and a
first lifecycle scoring, so the console and the signed-in chat have every stage to show.

The base comes from ``engine.lifecycle.synthetic`` (seeded, so every fresh database holds the same
clients). It is demo data only and never evidence of accuracy on real clients.

The base lives in today's time: it is generated up to now, and a database seeded on an earlier day
is brought up to date when ``python -m demo`` runs again (``bring_up_to_date``): when its newest
client event is more than ``STALE_AFTER`` old, every client's history moves forward by that gap
and the base is scored again, so that a demo client last active "yesterday" stays so whenever the
demo is started.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db.clients import Client, ClientEvent, last_event_at, shift_history
from db.clock import utcnow
from db.lifecycle_store import refresh
from engine.lifecycle.synthetic import generate

#: Size of the demo base: large enough for every segment and stage, small enough to seed in seconds.
DEMO_CLIENTS = 5_000
ROWS_PER_INSERT = 20_000
#: Age of the newest client event beyond which ``bring_up_to_date`` moves the demo history to now.
STALE_AFTER = timedelta(days=1)
#: The e-mail domain of the demo base's clients (RFC 2606 reserves it for examples).
DEMO_EMAIL_DOMAIN = "@example.com"


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
            "email": f"client{row.client_id:05d}{DEMO_EMAIL_DOMAIN}",
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


def is_demo_base(session: Session) -> bool:
    """Whether every client of the database is a demo client (a demo e-mail address, or none, as
    the demo accounts' own clients have): only such a base may be moved in time."""
    others = session.scalar(select(func.count()).select_from(Client).where(
        Client.email.is_not(None), Client.email.not_like(f"%{DEMO_EMAIL_DOMAIN}")))
    return not others


def bring_up_to_date(engine: Engine, now: datetime | None = None) -> timedelta | None:
    """Move a stale demo base's history to ``now`` (default: the clock's now) and score it again.

    Returns the shift, or None when the base is current, empty, or not the demo's.
    """
    now = now or utcnow()
    with Session(engine) as session, session.begin():
        newest = last_event_at(session)
        if newest is None or now - newest <= STALE_AFTER or not is_demo_base(session):
            return None
        gap = timedelta(seconds=int((now - newest).total_seconds()))
        shift_history(session, gap)
    refresh(engine.url.render_as_string(hide_password=False), as_of=now)
    return gap
