"""Demo accounts for development: two staff members and client accounts, with published passwords
(``bot.auth.demo_passwords``, which the web app refuses in production).

``client1`` to ``client3`` are linked to clients in different lifecycle stages where scores exist;
``client-onboarding``, ``client-growth``, ``client-mature`` and ``client-decline`` are each linked
to a client whose latest lifecycle score (the classifier's scoring of the client's events, written
by ``demo.client_base``) puts it in that stage, so every stage can be tried in the chat; and the
accounts of ``ACTION_USERNAMES`` each to a client whose latest score chose that next-best action
(``client-fee-waiver``, ``client-exit-survey``, ...). A stage or action with no scored client gets
no account. ``seed_accounts`` is idempotent (an existing user name is left
as it is) and refuses to run when ``ENVIRONMENT=production``; a production web app refuses to start
while any demo account still has its demo password (``bot.auth.demo_passwords.refuse_demo_passwords``).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth.demo_passwords import (
    ACTION_USERNAMES,
    CLIENT_PASSWORD,
    CLIENT_USERNAMES,
    STAFF,
    STAGE_USERNAMES,
)
from bot.auth.passwords import hash_password
from db.accounts import ClientAccount, StaffUser
from db.clients import Client, latest_actions, latest_stages
from db.clock import utcnow
from db.session import make_engine, session_scope

#: Ids for demo clients created when the CRM table is still empty, far above generated ids.
DEMO_CLIENT_IDS = (900_001, 900_002, 900_003)
#: Every demo client account, in the order they are printed.
DEMO_CLIENT_USERNAMES = (*CLIENT_USERNAMES, *STAGE_USERNAMES.values(), *ACTION_USERNAMES.values())


@dataclass(frozen=True)
class DemoCredential:
    kind: str  # "staff" or "client"
    username: str
    password: str
    detail: str  # the staff role, or the client id and lifecycle stage


def _clients_for_demo(db: Session, scored: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Clients for client1 to client3, in different stages when scores exist: (id, stage)."""
    picked: dict[str, int] = {}
    for client_id, stage in scored:
        picked.setdefault(stage, client_id)
    chosen = [(cid, stage) for stage, cid in picked.items()][: len(CLIENT_USERNAMES)]
    if len(chosen) < len(CLIENT_USERNAMES):
        taken = {cid for cid, _ in chosen}
        for cid in db.scalars(select(Client.id).order_by(Client.id)):
            if cid not in taken:
                chosen.append((cid, "unscored"))
            if len(chosen) == len(CLIENT_USERNAMES):
                break
    for cid in DEMO_CLIENT_IDS[len(chosen):]:
        if db.get(Client, cid) is None:
            db.add(Client(id=cid, name=f"Demo client {cid}", created_at=utcnow(), segment="retail",
                          aum=0.0, products="", do_not_contact=False))
        chosen.append((cid, "unscored"))
    db.flush()
    return chosen


def _wanted_clients(db: Session, existing: dict[str, ClientAccount]) -> dict[str, int]:
    """A client for each demo user name that has no account yet (none when no client fits)."""
    missing = [u for u in DEMO_CLIENT_USERNAMES if u not in existing]
    if not missing:
        return {}
    linked = {a.client_id for a in existing.values()}
    scored = latest_stages(db)
    wanted: dict[str, int] = {}
    if any(u in missing for u in CLIENT_USERNAMES):
        free = iter(cid for cid, _ in _clients_for_demo(db, scored) if cid not in linked)
        for username in CLIENT_USERNAMES:
            if username in missing and (client_id := next(free, None)) is not None:
                wanted[username] = client_id
                linked.add(client_id)
    for stage, username in STAGE_USERNAMES.items():
        if username in missing:
            client_id = next((c for c, s in scored if s == stage and c not in linked), None)
            if client_id is not None:
                wanted[username] = client_id
                linked.add(client_id)
    chosen = latest_actions(db)
    for action, username in ACTION_USERNAMES.items():
        if username in missing:
            client_id = next((c for c, _, a in chosen if a == action and c not in linked), None)
            if client_id is not None:
                wanted[username] = client_id
                linked.add(client_id)
    return wanted


def seed_accounts(session: Session) -> list[DemoCredential]:
    """Create the demo staff and client accounts that do not exist yet; print and return them."""
    if os.environ.get("ENVIRONMENT", "").lower() == "production":
        raise RuntimeError("demo accounts are not created when ENVIRONMENT=production")
    now: datetime = utcnow()
    credentials = []
    for username, password, role in STAFF:
        if session.scalar(select(StaffUser).where(StaffUser.username == username)) is None:
            session.add(StaffUser(username=username, password_hash=hash_password(password),
                                  role=role.value, active=True, created_at=now))
        credentials.append(DemoCredential("staff", username, password, f"role {role.value}"))
    existing = {a.username: a for a in session.scalars(select(ClientAccount))}
    for username, client_id in _wanted_clients(session, existing).items():
        existing[username] = ClientAccount(
            username=username, password_hash=hash_password(CLIENT_PASSWORD), client_id=client_id,
            active=True, created_at=now)
        session.add(existing[username])
    session.flush()
    scores = {client_id: (stage, action) for client_id, stage, action in latest_actions(session)}
    for username in DEMO_CLIENT_USERNAMES:
        if username in existing:
            client_id = existing[username].client_id
            stage, action = scores.get(client_id, ("unscored", None))
            detail = f"client {client_id} ({stage}{f', {action}' if action else ''})"
            credentials.append(DemoCredential("client", username, CLIENT_PASSWORD, detail))
    print("Demo accounts (development only):")
    for c in credentials:
        print(f"  {c.kind:<6} {c.username:<23} password {c.password:<17} {c.detail}")
    return credentials


def add_demo_accounts(url: str) -> None:
    """Add the demo accounts to the migrated database at ``url``, without printing them: the
    starting point of tests and benchmarks that sign in."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session, contextlib.redirect_stdout(None):
            seed_accounts(session)
    finally:
        engine.dispose()
