"""A client's latest lifecycle score is the same row whichever question asks for it: the newest
scored_at, then the highest id."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from db.clients import (
    Client,
    LifecycleScore,
    latest_score,
    latest_scores_query,
    latest_stage,
    latest_stages,
    score_history,
)
from db.migrate import upgrade
from db.session import make_engine, session_scope

EARLY, LATE = datetime(2026, 1, 1), datetime(2026, 6, 1)
#: (client, stage, scored_at) in insertion order, so ids grow down the list. Client 1's newest
#: score was inserted first (a late backfill of an older score came after it); client 2 has two
#: scores stamped with the same instant, so the later insert wins.
SCORES = [(1, "growth", LATE), (1, "decline", EARLY), (2, "onboarding", EARLY),
          (2, "mature", EARLY)]
EXPECTED = {1: "growth", 2: "mature"}


def test_every_latest_score_question_picks_the_same_row(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        for client_id in (1, 2, 3):
            session.add(Client(id=client_id, name=f"Client {client_id}", created_at=EARLY))
        session.flush()
        for client_id, stage, scored_at in SCORES:
            session.add(LifecycleScore(client_id=client_id, as_of=scored_at, stage=stage,
                                       churn_risk=0.1, expected_value=0.0, model_version="t",
                                       scored_at=scored_at))
            session.flush()
    with session_scope(engine) as session:
        assert {c: latest_score(session, c).stage for c in EXPECTED} == EXPECTED
        assert latest_score(session, 3) is None
        assert {c: score_history(session, c)[-1].stage for c in EXPECTED} == EXPECTED
        assert dict(latest_stages(session)) == EXPECTED
        latest = latest_scores_query()
        rows = session.execute(sa.select(latest.c.client_id, latest.c.stage, latest.c.id)).all()
        assert {c: s for c, s, _ in rows} == EXPECTED and len(rows) == 2
        correlated = session.execute(sa.select(Client.id, latest_stage(Client.id))
                                     .order_by(Client.id)).all()
        assert [tuple(r) for r in correlated] == [(1, "growth"), (2, "mature"), (3, None)]
    engine.dispose()
