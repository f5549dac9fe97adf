"""Demo accounts for development: two staff members and three clients, with published passwords.

``seed_accounts`` is idempotent (an existing user name is left as it is) and refuses to run when
``ENVIRONMENT=production``; a production web app refuses to start while any demo account still has
its demo password (``refuse_demo_passwords``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.passwords import hash_password, verify_password
from bot.sessions import utcnow
from db.accounts import ClientAccount, StaffRole, StaffUser
from db.models import Client, LifecycleScore

STAFF = (("reviewer", "review-demo-2026", StaffRole.reviewer), ("admin", "admin-demo-2026", StaffRole.admin))
CLIENT_USERNAMES = ("client1", "client2", "client3")
CLIENT_PASSWORD = "client-demo-2026"
#: Ids for demo clients created when the CRM table is still empty, far above generated ids.
DEMO_CLIENT_IDS = (900_001, 900_002, 900_003)


@dataclass(frozen=True)
class DemoCredential:
    kind: str  # "staff" or "client"
    username: str
    password: str
    detail: str  # the staff role, or the client id and lifecycle stage


def _clients_for_demo(db: Session) -> list[tuple[int, str]]:
    """Up to three clients, in different lifecycle stages when scores exist: (id, stage)."""
    latest = (
        select(LifecycleScore.client_id, func.max(LifecycleScore.scored_at).label("at"))
        .group_by(LifecycleScore.client_id)
        .subquery()
    )
    scored = db.execute(
        select(LifecycleScore.client_id, LifecycleScore.stage)
        .join(latest, (latest.c.client_id == LifecycleScore.client_id)
              & (latest.c.at == LifecycleScore.scored_at))
        .order_by(LifecycleScore.client_id)
    ).all()
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
    free = iter(_clients_for_demo(session)) if any(u not in existing for u in CLIENT_USERNAMES) else iter(())
    linked = {a.client_id for a in existing.values()}
    for username in CLIENT_USERNAMES:
        account = existing.get(username)
        if account is None:
            client_id, stage = next(((c, s) for c, s in free if c not in linked), (None, ""))
            if client_id is None:
                continue
            account = ClientAccount(username=username, password_hash=hash_password(CLIENT_PASSWORD),
                                    client_id=client_id, active=True, created_at=now)
            session.add(account)
            linked.add(client_id)
            detail = f"client {client_id} ({stage})"
        else:
            detail = f"client {account.client_id}"
        credentials.append(DemoCredential("client", username, CLIENT_PASSWORD, detail))
    session.flush()
    print("Demo accounts (development only):")
    for c in credentials:
        print(f"  {c.kind:<6} {c.username:<9} password {c.password:<17} {c.detail}")
    return credentials


def refuse_demo_passwords(session: Session) -> None:
    """Raise RuntimeError if any demo account still accepts its demo password."""
    demo = {u: p for u, p, _ in STAFF} | dict.fromkeys(CLIENT_USERNAMES, CLIENT_PASSWORD)
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
