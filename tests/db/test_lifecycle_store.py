"""Database mode (`python -m db.lifecycle_store refresh`) on a new database: an SQLite file, or a
PostgreSQL database when TEST_POSTGRESQL_URL is set."""

import pandas as pd
import pytest
from sqlalchemy import insert
from support.databases import empty_database

from db.lifecycle_store import latest_scores, main, refresh
from db.migrate import upgrade
from db.models import Client, ClientEvent
from db.session import make_engine
from engine.lifecycle.synthetic import generate


@pytest.fixture
def database_url(tmp_path):
    with empty_database(tmp_path) as url:
        yield url


def load(url: str, n: int = 600):
    base = generate(n, seed=5)
    engine = make_engine(url)
    clients = base.clients
    rows = [
        {"id": int(c.client_id), "name": f"Client {c.client_id}", "email": None,
         "created_at": c.created_at.to_pydatetime(),
         "date_of_birth": c.date_of_birth.date(), "segment": c.segment,
         "first_funded_at": None if pd.isna(c.first_funded_at) else c.first_funded_at.to_pydatetime(),
         "aum": float(c.aum), "products": c.products,
         "last_review_at": None if pd.isna(c.last_review_at) else c.last_review_at.to_pydatetime(),
         "do_not_contact": bool(c.do_not_contact)}
        for c in clients.itertuples()
    ]
    events = [{"client_id": int(e.client_id), "timestamp": e.timestamp.to_pydatetime(),
               "kind": str(e.kind), "amount": float(e.amount)} for e in base.events.itertuples()]
    with engine.begin() as connection:
        connection.execute(insert(Client), rows)
        connection.execute(insert(ClientEvent), events)
    engine.dispose()
    return base


def test_refresh_appends_scores_and_honours_cooldowns(database_url):
    url = database_url
    upgrade(url)
    base = load(url)
    written = refresh(url, as_of=base.as_of, chunk_clients=150)
    assert written == 600
    first = latest_scores(url)
    assert len(first) == 600
    assert set(first["stage"]) == {"prospect", "onboarding", "growth", "mature", "decline"}
    assert first["reasons"].str.contains(" | offer: ").all()
    # The same day again, from the command line: offers just made are in their cooldown.
    assert main(["refresh", "--database", url, "--as-of", str(base.as_of.date()),
                 "--chunk-clients", "150", "--quiet"]) == 0
    second = latest_scores(url)
    offered = first["next_best_action"].notna()
    assert offered.any()
    same = second.loc[offered, "next_best_action"] == first.loc[offered, "next_best_action"]
    assert not same.any()


def test_refresh_of_an_empty_database_exits_2(database_url, capsys):
    url = database_url
    upgrade(url)
    assert main(["refresh", "--database", url, "--quiet"]) == 2
    assert "no clients or no client events" in capsys.readouterr().err
