"""Prepare the database for `make run` and `make test`: migrate, then seed the demo data.

Run as ``python -m demo [--url URL] [--no-demo]``. It brings the schema to the newest revision
(``db.prepare``), then (unless ``--no-demo`` or ``ENVIRONMENT=production``) seeds a synthetic
client base with scored lifecycle stages, the demo staff and client accounts (printing their
credentials) and holdings with a target mix for each demo client.
Idempotent: what is already there is kept as it is, except that a demo base seeded on an earlier
day is moved forward to today and scored again (``demo.client_base.bring_up_to_date``).
"""

from __future__ import annotations

import argparse
import os
import time

from db.prepare import prepare
from db.session import make_engine, session_scope
from demo.accounts import seed_accounts
from demo.client_base import bring_up_to_date, seed_client_base
from demo.holdings import seed_demo_holdings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    parser.add_argument("--no-demo", action="store_true",
                        help="only migrate: no demo client base and no demo accounts")
    args = parser.parse_args(argv)
    url = prepare(args.url)
    if args.no_demo or os.environ.get("ENVIRONMENT", "").lower() == "production":
        return 0

    engine = make_engine(url)
    started = time.perf_counter()
    seeded = seed_client_base(engine)
    if seeded:
        print(f"Seeded {seeded} synthetic clients with scored lifecycle stages "
              f"in {time.perf_counter() - started:.1f} s.")
    elif (shift := bring_up_to_date(engine)) is not None:
        print(f"Moved the demo clients' history {shift.days} days forward to today and scored "
              f"them again.")
    with session_scope(engine) as session:
        seed_accounts(session)
        with_holdings = seed_demo_holdings(session)
    if with_holdings:
        print(f"Gave {with_holdings} demo client(s) holdings and a target mix to review.")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
