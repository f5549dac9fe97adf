"""The database set-up that `make run` and `make test` perform."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from db.session import make_engine
from demo.prepare import main as prepare


def test_prepare_creates_the_schema_and_is_idempotent(database_url, capsys):
    url = database_url
    assert prepare(["--url", url, "--no-demo"]) == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO clients (id, name, created_at, segment, aum, products, do_not_contact)"
                " VALUES (1, 'Ada', :created_at, 'retail', 1000.0, '', :do_not_contact)"
            ),
            {"created_at": datetime(2024, 1, 1), "do_not_contact": False},
        )
    # A second run must keep what is stored: with clients present no synthetic base is added,
    # and the demo client account is linked to the existing client.
    assert prepare(["--url", url]) == 0
    with engine.connect() as connection:
        ada = connection.execute(sa.text("SELECT name, aum FROM clients WHERE id = 1")).one()
        synthetic = connection.execute(
            sa.text("SELECT count(*) FROM clients WHERE name LIKE 'Client %'")).scalar()
        versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
        accounts = connection.execute(
            sa.text("SELECT username, client_id FROM client_accounts")).all()
    assert tuple(ada) == ("Ada", 1000.0)
    assert synthetic == 0
    assert set(versions)
    assert ("client1", 1) in accounts
    out = capsys.readouterr().out
    assert "newest schema" in out
    assert "reviewer" in out and "Seeded" not in out
    engine.dispose()
