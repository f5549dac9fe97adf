"""The demo accounts' user names and published passwords, which a production web app refuses.

``python -m demo`` creates these accounts for development (``demo.accounts``). The web app keeps
the list so that a production app refuses to start while any of them still accepts its published
password (``refuse_demo_passwords``), and so that no staff password may be set to one of them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.auth.passwords import verify_password
from db.accounts import StaffRole, active_accounts_named

STAFF = (("reviewer", "review-demo-2026", StaffRole.reviewer), ("admin", "admin-demo-2026", StaffRole.admin))
CLIENT_USERNAMES = ("client1", "client2", "client3")
#: One account per lifecycle stage, linked to a client the classifier put in that stage.
STAGE_USERNAMES = {stage: f"client-{stage}" for stage in ("onboarding", "growth", "mature", "decline")}
#: One account per main next-best action, linked to a client whose latest score chose it: the
#: offer of each stage that the demo base makes most, and every retention offer.
ACTION_USERNAMES = {
    "first_experience_survey": "client-first-weeks",
    "personalised_review": "client-portfolio-review",
    "priority_service": "client-priority-line",
    "fee_waiver": "client-fee-waiver",
    "premium_extension": "client-premium-service",
    "advisor_callback": "client-callback",
    "exit_survey": "client-exit-survey",
}
CLIENT_PASSWORD = "client-demo-2026"


def refuse_demo_passwords(session: Session) -> None:
    """Raise RuntimeError if any demo account still accepts its demo password."""
    clients = (*CLIENT_USERNAMES, *STAGE_USERNAMES.values(), *ACTION_USERNAMES.values())
    demo = {u: p for u, p, _ in STAFF} | dict.fromkeys(clients, CLIENT_PASSWORD)
    weak = [account.username for account in active_accounts_named(session, demo)
            if verify_password(account.password_hash, demo[account.username])]
    if weak:
        raise RuntimeError(
            "production refuses demo passwords; change or deactivate: " + ", ".join(sorted(weak))
        )
