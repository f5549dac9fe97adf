"""The demo client base that `make run` seeds."""

from __future__ import annotations

import sqlalchemy as sa

from db.migrate import upgrade
from db.session import make_engine
from demo.client_base import seed_client_base


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
