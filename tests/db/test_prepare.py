"""The database set-up that `make run` and `make test` perform."""

from __future__ import annotations

import sqlalchemy as sa

from db.prepare import main as prepare
from db.session import make_engine


def test_prepare_creates_the_schema_and_is_idempotent(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    assert prepare(["--url", url]) == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO clients (id, name, created_at, segment, aum, products, do_not_contact)"
                " VALUES (1, 'Ada', '2024-01-01 00:00:00', 'retail', 1000.0, '', 0)"
            )
        )
    # A second run must keep what is stored.
    assert prepare(["--url", url]) == 0
    with engine.connect() as connection:
        names = connection.execute(sa.text("SELECT name FROM clients")).scalars().all()
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert names == ["Ada"]
    assert version is not None
    assert "newest schema" in capsys.readouterr().out
