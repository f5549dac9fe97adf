"""scripts/postgres.sh gives a working test server wherever the clone lives (also in a folder only
its owner may enter, which the server's `postgres` user cannot), one per clone, and says whose
server holds a port it was told to use."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.databases import POSTGRESQL_URL

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres.sh"

pytestmark = [
    pytest.mark.skipif(not glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                       reason="PostgreSQL is not installed (apt-get install postgresql)"),
    # The script, not the database, is under test: once is enough (the SQLite pass).
    pytest.mark.skipif(bool(POSTGRESQL_URL), reason="runs in the SQLite pass"),
]


def private_clone(tmp_path: Path, name: str) -> Path:
    """A copy of the scripts in a clone under a folder only its owner may enter (mode 700)."""
    private = tmp_path / name
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    scripts = private / "clone" / "scripts"
    scripts.mkdir(parents=True)
    shutil.copy2(SCRIPT, scripts / "postgres.sh")
    return scripts / "postgres.sh"


def run(script: Path, *args: str, port: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TEST_POSTGRESQL_PORT"}
    if port is not None:
        env["TEST_POSTGRESQL_PORT"] = str(port)
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True,
                          timeout=180, cwd="/")


def start(script: Path, port: int | None = None) -> str:
    result = run(script, port=port)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def answers(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(sa.text(f"SHOW {name}")).scalar()
                    for name in ("data_directory", "listen_addresses", "port")}
    finally:
        engine.dispose()


def refused(url: str) -> bool:
    u = sa.make_url(url)
    with socket.socket() as s:
        return s.connect_ex((u.host, u.port)) != 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_clones_in_private_folders_each_get_a_server_that_answers(tmp_path):
    first, second = private_clone(tmp_path, "a"), private_clone(tmp_path, "b")
    try:
        assert run(first, "status").returncode == 3  # no server yet: status says so, starts none
        url_a, url_b = start(first), start(second)
        status = run(first, "status")
        assert status.returncode == 0 and status.stdout.strip() == url_a
        a, b = answers(url_a), answers(url_b)
        assert sa.make_url(url_a).port != sa.make_url(url_b).port
        assert a["port"] == str(sa.make_url(url_a).port) and a["listen_addresses"] == "127.0.0.1"
        assert a["data_directory"] != b["data_directory"]
        assert not a["data_directory"].startswith(str(tmp_path))
        # Started again, the clone finds its server running.
        assert start(first) == url_a
        assert run(first, "stop").returncode == 0
        assert refused(url_a)
        assert run(first, "status").returncode == 3
        assert answers(url_b) == b  # the other clone's server is untouched
        # Its data is kept: it starts again on the same port.
        assert start(first) == url_a
        assert answers(url_a) == a
    finally:
        for script in (first, second):
            run(script, "remove")
    assert not os.path.exists(a["data_directory"]) and not os.path.exists(b["data_directory"])


def test_a_port_held_by_another_clone_is_named_with_the_way_to_stop_it(tmp_path):
    first, second = private_clone(tmp_path, "a"), private_clone(tmp_path, "b")
    port = free_port()
    try:
        url = start(first, port)
        assert sa.make_url(url).port == port
        refused_start = run(second, port=port)
        assert refused_start.returncode == 1
        message = refused_start.stderr
        assert f"Port {port} on 127.0.0.1 is held by the test PostgreSQL server of the clone at " \
               f"{first.parent.parent}" in message, message
        assert f"TEST_POSTGRESQL_PORT={port} {first} stop" in message, message
        assert answers(url)["port"] == str(port)  # left running
    finally:
        run(first, "remove", port=port)
        run(second, "remove", port=port)


def test_the_load_bench_database_leaves_the_server_as_it_found_it():
    from bench.load import postgresql_database

    before = run(SCRIPT, "status").returncode
    with postgresql_database() as url:
        assert answers(url)["listen_addresses"] == "127.0.0.1"
    # Started for the bench, the server is stopped again; found running, it is left running.
    assert run(SCRIPT, "status").returncode == before
