"""Prepare the database for `make run` and `make test`.

Run as ``python -m db.prepare [--url URL] [--no-demo]``. It brings the schema to the newest
revision, then (unless ``--no-demo`` or ``ENVIRONMENT=production``) seeds a synthetic client base
with scored lifecycle stages, the demo staff and client accounts (printing their credentials) and
holdings with a target mix for each demo client.
Idempotent: what is already there is kept as it is.
"""

from __future__ import annotations

import argparse
import os
import time

from db.migrate import upgrade
from db.session import database_url, make_engine, session_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.prepare", description=__doc__)
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    parser.add_argument("--no-demo", action="store_true",
                        help="only migrate: no demo client base and no demo accounts")
    args = parser.parse_args(argv)
    url = database_url(args.url)
    upgrade(url)
    print(f"Database is at the newest schema ({make_engine(url).url!r}).")
    if args.no_demo or os.environ.get("ENVIRONMENT", "").lower() == "production":
        return 0

    # Imported here so that a plain migration does not load the engine and the web app.
    from bot.demo import seed_accounts
    from db.demo_base import seed_client_base
    from db.holdings import seed_demo_holdings

    engine = make_engine(url)
    started = time.perf_counter()
    seeded = seed_client_base(engine)
    if seeded:
        print(f"Seeded {seeded} synthetic clients with scored lifecycle stages "
              f"in {time.perf_counter() - started:.1f} s.")
    with session_scope(engine) as session:
        seed_accounts(session)
        with_holdings = seed_demo_holdings(session)
    if with_holdings:
        print(f"Gave {with_holdings} demo client(s) holdings and a target mix to review.")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
