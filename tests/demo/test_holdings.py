"""Holdings snapshots, the merge migration and the demo holdings that db.prepare seeds."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from db.accounts import ClientAccount
from db.holdings import latest_snapshot, latest_target
from db.migrate import upgrade
from db.models import Client, Holding, SuitabilityRecord
from db.session import make_engine, session_scope
from demo.holdings import drifted_values, seed_demo_holdings
from demo.prepare import main as prepare
from engine.rebalancing import drift


@pytest.fixture
def engine(database_url):
    url = database_url
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def add_client(session, client_id, *, aum=80_000.0, born=date(1980, 5, 1), account=True):
    session.add(Client(id=client_id, name=f"Client {client_id}", created_at=datetime(2023, 1, 1),
                       date_of_birth=born, segment="retail", aum=aum, products="",
                       do_not_contact=False))
    session.flush()
    if account:
        session.add(ClientAccount(username=f"user{client_id}", password_hash="x",
                                  client_id=client_id, active=True,
                                  created_at=datetime(2023, 1, 1)))


def test_seeding_gives_account_holders_a_target_and_a_drifted_snapshot(engine):
    with session_scope(engine) as session:
        add_client(session, 1)
        add_client(session, 2, aum=0.0, born=None)
        add_client(session, 3, account=False)
    with session_scope(engine) as session:
        assert seed_demo_holdings(session, as_of=datetime(2026, 11, 1)) == 2
    with session_scope(engine) as session:
        for client_id in (1, 2):
            snapshot = latest_snapshot(session, client_id)
            target = latest_target(session, client_id)
            assert target.trigger == "demo_seed"
            assert set(snapshot.values) <= set(target.weights)
            assert abs(sum(target.weights.values()) - 1) < 1e-6
            weights = {k: v / snapshot.total for k, v in snapshot.values.items()}
            assert drift(weights, target.weights) > 0.005  # something to review
        assert latest_snapshot(session, 1).total == pytest.approx(80_000, abs=0.1)
        assert latest_snapshot(session, 2).total == pytest.approx(25_000, abs=0.1)
        assert latest_snapshot(session, 3) is None and latest_target(session, 3) is None


def test_seeding_is_idempotent_and_keeps_an_existing_target(engine):
    with session_scope(engine) as session:
        add_client(session, 1)
        session.flush()
        session.add(SuitabilityRecord(
            conversation_id="chat", client_id=1, inputs={}, risk_score=5.0, willingness=5.0,
            capacity=5.0, flags=[], weights={"us_equity": 0.5, "aggregate_bonds": 0.5},
            groups={}, expected_return=0.05, volatility=0.1, bad_year=-0.1, disclosures=[],
            engine_version="t", assumptions_version="t", questionnaire_version="t"))
    with session_scope(engine) as session:
        assert seed_demo_holdings(session) == 1
    with session_scope(engine) as session:
        assert seed_demo_holdings(session) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(SuitabilityRecord)) == 1
        assert set(latest_snapshot(session, 1).values) == {"us_equity", "aggregate_bonds"}


def test_the_latest_snapshot_is_the_newest_one(engine):
    with session_scope(engine) as session:
        add_client(session, 1)
        session.flush()
        for as_of, value in ((datetime(2026, 1, 1), 10.0), (datetime(2026, 6, 1), 20.0)):
            session.add(Holding(client_id=1, asset_class="cash", market_value=value, as_of=as_of))
    with session_scope(engine) as session:
        snapshot = latest_snapshot(session, 1)
    assert (snapshot.as_of, snapshot.values) == (datetime(2026, 6, 1), {"cash": 20.0})


def test_drifted_values_keep_the_total_and_are_repeatable():
    weights = {"us_equity": 0.6, "aggregate_bonds": 0.4, "cash": 0.0}
    values = drifted_values(weights, 1_000.0, seed=4)
    assert set(values) == {"us_equity", "aggregate_bonds"}
    assert sum(values.values()) == pytest.approx(1_000.0, abs=0.02)
    assert drifted_values(weights, 1_000.0, seed=4) == values != drifted_values(weights, 1_000.0, 5)


def test_prepare_seeds_holdings_for_the_demo_accounts(database_url, capsys):
    url = database_url
    assert prepare(["--url", url, "--no-demo"]) == 0
    engine = make_engine(url)
    with session_scope(engine) as session:
        add_client(session, 1, account=False)
    assert prepare(["--url", url]) == 0
    assert "holdings" in capsys.readouterr().out
    assert prepare(["--url", url]) == 0
    with engine.connect() as connection:
        held = connection.execute(sa.text(
            "SELECT count(DISTINCT h.client_id), count(DISTINCT h.as_of) FROM holdings h "
            "JOIN client_accounts a ON a.client_id = h.client_id")).one()
        accounts = connection.execute(sa.text("SELECT count(*) FROM client_accounts")).scalar()
    assert tuple(held) == (accounts, 1)
    engine.dispose()
