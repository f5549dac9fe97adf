"""Bring the database to the newest schema and say so: the first step of `make run` and `make test`.

Run as ``python -m db.prepare [--url URL]``. Demo data is seeded by ``python -m demo``, which
calls ``prepare`` first; this module stays free of it, so a production deployment migrates with
nothing of the demo loaded.
"""

from __future__ import annotations

import argparse

from sqlalchemy import make_url

from db.migrate import upgrade
from db.session import database_url


def prepare(url: str | None = None) -> str:
    """Migrate the database at ``url`` (default: ``DATABASE_URL``) to head; return its URL."""
    url = database_url(url)
    upgrade(url)
    print(f"Database is at the newest schema ({make_url(url)!r}).")
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.prepare", description=__doc__)
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    args = parser.parse_args(argv)
    prepare(args.url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
