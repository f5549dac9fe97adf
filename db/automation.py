"""The stop switch of automated recommendations: an admin suspends them (in a market shock, say)
and resumes them, and while they are suspended the chat offers a person instead.

The switch lives in the staff audit trail itself (``staff_audit_entries``, append-only): each
suspension or resumption is an entry with the admin and the time, and the switch's position is
that of the newest such entry (none: running). Every process (the web app's workers, the action
server) reads it from the database, so a switch made in one is seen by all at their next read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.accounts import StaffAuditAction, StaffAuditEntry, StaffUser
from db.clock import utcnow

SWITCHES = (StaffAuditAction.recommendations_suspended.value,
            StaffAuditAction.recommendations_resumed.value)


@dataclass(frozen=True)
class SwitchState:
    """Whether automated recommendations are suspended, and by whom and when it was last
    switched (None when it never was)."""

    suspended: bool
    by: str | None = None
    at: datetime | None = None
    reason: str = ""


def switch_state(session: Session) -> SwitchState:
    """The switch as its newest audit entry left it."""
    row = session.execute(
        select(StaffAuditEntry, StaffUser.username)
        .join(StaffUser, StaffAuditEntry.actor_id == StaffUser.id)
        .where(StaffAuditEntry.action.in_(SWITCHES))
        .order_by(StaffAuditEntry.created_at.desc(), StaffAuditEntry.id.desc()).limit(1)).first()
    if row is None:
        return SwitchState(suspended=False)
    entry, username = row
    return SwitchState(entry.action == StaffAuditAction.recommendations_suspended.value,
                       username, entry.created_at, entry.detail)


def recommendations_suspended(session: Session) -> bool:
    """Whether an admin has suspended automated recommendations."""
    return switch_state(session).suspended


def switch_recommendations(session: Session, admin_id: int, *, suspend: bool,
                           reason: str = "") -> bool:
    """Suspend (``suspend``) or resume automated recommendations as the admin ``admin_id``,
    writing the audit entry; False, and nothing written, when the switch is already there."""
    if switch_state(session).suspended == suspend:
        return False
    action = (StaffAuditAction.recommendations_suspended if suspend
              else StaffAuditAction.recommendations_resumed)
    session.add(StaffAuditEntry(actor_id=admin_id, target_id=admin_id, action=action.value,
                                detail=reason, created_at=utcnow()))
    session.flush()
    return True
