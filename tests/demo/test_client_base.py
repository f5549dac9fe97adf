"""The demo client base that `make run` seeds."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.clients import Client, ClientEvent, latest_score
from db.clock import utcnow
from db.migrate import upgrade
from db.session import make_engine
from demo.client_base import STALE_AFTER, bring_up_to_date, seed_client_base


def test_seeds_scored_clients_once(database_url):
    url = database_url
    upgrade(url)
    engine = make_engine(url)
    assert seed_client_base(engine, n_clients=400, as_of="2026-06-30") == 400
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM clients")).scalar()
        events = connection.execute(sa.text("SELECT count(*) FROM client_events")).scalar()
        stages = set(connection.execute(sa.text("SELECT stage FROM lifecycle_scores")).scalars())
        scored = connection.execute(
            sa.text("SELECT count(DISTINCT client_id) FROM lifecycle_scores")).scalar()
    assert count == 400
    assert events > 400
    assert scored == 400
    assert {"prospect", "onboarding", "growth", "decline"} <= stages
    # A second call finds clients and leaves everything as it was.
    assert seed_client_base(engine, n_clients=400) == 0
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM clients")).scalar() == 400
        assert connection.execute(sa.text("SELECT count(*) FROM lifecycle_scores")).scalar() == 400
    engine.dispose()


def newest_event(engine):
    with engine.connect() as connection:
        value = connection.execute(sa.text("SELECT max(timestamp) FROM client_events")).scalar()
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def test_a_stale_demo_base_is_moved_to_today_and_scored_again(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    now = utcnow().replace(microsecond=0)
    seed_client_base(engine, n_clients=300, as_of=now - timedelta(days=400))
    with Session(engine) as session:
        created_before = session.get(Client, 1).created_at
        events_before = session.scalar(sa.select(sa.func.count()).select_from(ClientEvent))
    newest = newest_event(engine)
    assert now - newest > timedelta(days=399)

    shift = bring_up_to_date(engine, now)
    assert shift == now - newest  # the newest event lands on now
    assert newest_event(engine) == now
    with Session(engine) as session:
        assert session.get(Client, 1).created_at == created_before + shift
        assert session.scalar(sa.select(sa.func.count()).select_from(ClientEvent)) == events_before
        latest = [latest_score(session, cid) for cid in (1, 2, 3)]
    assert all(score.as_of == now for score in latest)
    # Current now: nothing moves again.
    assert bring_up_to_date(engine, now) is None
    assert bring_up_to_date(engine, now + STALE_AFTER) is None
    engine.dispose()


def test_a_base_that_is_not_the_demos_is_never_moved(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    now = utcnow()
    seed_client_base(engine, n_clients=50, as_of=now - timedelta(days=30))
    with Session(engine) as session, session.begin():
        session.add(Client(id=10_001, name="Ada", email="ada@firm.test", created_at=now,
                           segment="retail", aum=0.0, products="", do_not_contact=False))
    before = newest_event(engine)
    assert bring_up_to_date(engine, now) is None
    assert newest_event(engine) == before
    engine.dispose()
