"""Demo accounts for development: two staff members and client accounts, with published passwords.

``client1`` to ``client3`` are linked to clients in different lifecycle stages where scores exist;
``client-onboarding``, ``client-growth``, ``client-mature`` and ``client-decline`` are each linked
to a client whose latest lifecycle score (the classifier's scoring of the client's events, written
by ``db.demo_base``) puts it in that stage, so every stage can be tried in the chat. A stage with
no scored client gets no account. ``seed_accounts`` is idempotent (an existing user name is left
as it is) and refuses to run when ``ENVIRONMENT=production``; a production web app refuses to start
while any demo account still has its demo password (``refuse_demo_passwords``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import latest_scores
from bot.passwords import hash_password, verify_password
from bot.sessions import utcnow
from db.accounts import ClientAccount, StaffRole, StaffUser
from db.models import Client

STAFF = (("reviewer", "review-demo-2026", StaffRole.reviewer), ("admin", "admin-demo-2026", StaffRole.admin))
CLIENT_USERNAMES = ("client1", "client2", "client3")
#: One account per lifecycle stage, linked to a client the classifier put in that stage.
STAGE_USERNAMES = {stage: f"client-{stage}" for stage in ("onboarding", "growth", "mature", "decline")}
CLIENT_PASSWORD = "client-demo-2026"
#: Ids for demo clients created when the CRM table is still empty, far above generated ids.
DEMO_CLIENT_IDS = (900_001, 900_002, 900_003)


@dataclass(frozen=True)
class DemoCredential:
    kind: str  # "staff" or "client"
    username: str
    password: str
    detail: str  # the staff role, or the client id and lifecycle stage


def scored_clients(db: Session) -> list[tuple[int, str]]:
    """Every scored client with the stage of its latest lifecycle score: (id, stage), by id."""
    latest = latest_scores()
    return list(db.execute(select(latest.c.client_id, latest.c.stage)
                           .order_by(latest.c.client_id)).all())


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
    missing = [u for u in (*CLIENT_USERNAMES, *STAGE_USERNAMES.values()) if u not in existing]
    if not missing:
        return {}
    linked = {a.client_id for a in existing.values()}
    scored = scored_clients(db)
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
    stages = dict(scored_clients(session))
    for username in (*CLIENT_USERNAMES, *STAGE_USERNAMES.values()):
        if username in existing:
            client_id = existing[username].client_id
            detail = f"client {client_id} ({stages.get(client_id, 'unscored')})"
            credentials.append(DemoCredential("client", username, CLIENT_PASSWORD, detail))
    print("Demo accounts (development only):")
    for c in credentials:
        print(f"  {c.kind:<6} {c.username:<17} password {c.password:<17} {c.detail}")
    return credentials


def refuse_demo_passwords(session: Session) -> None:
    """Raise RuntimeError if any demo account still accepts its demo password."""
    clients = (*CLIENT_USERNAMES, *STAGE_USERNAMES.values())
    demo = {u: p for u, p, _ in STAFF} | dict.fromkeys(clients, CLIENT_PASSWORD)
    weak = [
        user.username
        for model in (StaffUser, ClientAccount)
        for user in session.scalars(select(model).where(model.username.in_(demo)))
        if user.active and verify_password(user.password_hash, demo[user.username])
    ]
    if weak:
        raise RuntimeError(
            "production refuses demo passwords; change or deactivate: " + ", ".join(sorted(weak))
        )
