"""Prepare the database for `make run` and `make test`: bring the schema to the newest revision.

Run as ``python -m db.prepare [--url URL]``. Idempotent: a database already at the newest revision
is left as it is.
"""

from __future__ import annotations

import argparse

from db.migrate import upgrade
from db.session import database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.prepare", description=__doc__)
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    args = parser.parse_args(argv)
    url = database_url(args.url)
    upgrade(url)
    print(f"Database is at the newest schema ({url.split('@')[-1]}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
