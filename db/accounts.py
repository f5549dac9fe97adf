"""Who may use the web app: staff members, client sign-in accounts, server-side web sessions, the
staff audit trail and the log of sign-in attempts, with the questions the web app asks of them.

Passwords are stored only as argon2 hashes (see ``bot.auth.passwords``). A web session is looked
up by the SHA-256 of its random token, so a copy of the database does not hand out live sessions.
The rules (when a name is locked, how long a session lives) are the web app's (``bot.auth``);
these functions only read and write the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, aliased, mapped_column

from db.base import Base


class StaffRole(StrEnum):
    reviewer = "reviewer"  # reads conversations, tags, flags, notes and marks them reviewed
    admin = "admin"  # everything a reviewer does, the client lifecycle API and staff accounts


class StaffUser(Base):
    """A member of the firm's staff who signs in to the review console."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StaffAuditAction(StrEnum):
    created = "created"
    role_changed = "role_changed"
    deactivated = "deactivated"
    reactivated = "reactivated"
    password_reset = "password_reset"
    #: An admin ended a lock on the member's sign-ins (bot.auth.sign_ins); earlier failures no
    #: longer count.
    unlocked = "unlocked"
    #: The stop switch of automated recommendations (db.automation); the target is the admin.
    recommendations_suspended = "recommendations_suspended"
    recommendations_resumed = "recommendations_resumed"


class StaffAuditEntry(Base):
    """One change an admin made to a staff account: who, to whom, what and when.

    Append-only, as the review trail is: an entry is never edited or deleted, so the record of who
    could access the console at any time survives later changes. ``detail`` says what changed
    (the old and new role, the role given at creation); never a password.
    """

    __tablename__ = "staff_audit_entries"
    __table_args__ = (Index("ix_staff_audit_entries_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ClientAccount(Base):
    """The website sign-in of a client; one account per client of the CRM."""

    __tablename__ = "client_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class WebSession(Base):
    """A browser's session: its conversation with the bot and who, if anyone, is signed in.

    ``token_hash`` is the SHA-256 (hex) of the token in the signed cookie. A session expires at
    ``expires_at`` (idle timeout, pushed back on use) and never lives past ``created_at`` plus the
    absolute lifetime set in the web app's settings.
    """

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    client_account_id: Mapped[int | None] = mapped_column(ForeignKey("client_accounts.id"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SignInRealm(StrEnum):
    staff = "staff"  # the staff console, /staff/signin
    client = "client"  # the client website, /signin


class SignInAttempt(Base):
    """One sign-in attempt, right or wrong, on the staff console or the client website.

    Append-only: a row is never edited or deleted. ``username`` is the name as typed (stripped),
    known or not; the account columns are set when it named an account. ``refused`` marks an
    attempt turned away, password unchecked, because the name was locked after too many failures
    (``bot.auth.sign_ins``); such an attempt is also not ``succeeded``. ``address`` is the
    client address the attempt came from, when known.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_realm_username_created_at", "realm", "username", "created_at"),
        Index("ix_sign_in_attempts_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(8))
    username: Mapped[str] = mapped_column(String(80))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    client_account_id: Mapped[int | None] = mapped_column(ForeignKey("client_accounts.id"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(45))


def active_accounts_named(session: Session,
                          usernames: Collection[str]) -> list[StaffUser | ClientAccount]:
    """The active staff and client accounts whose user name is one of ``usernames``."""
    return [account
            for model in (StaffUser, ClientAccount)
            for account in session.scalars(
                select(model).where(model.username.in_(usernames), model.active.is_(True)))]


# Staff accounts ---------------------------------------------------------------------------------


def staff_user_named(session: Session, username: str) -> StaffUser | None:
    """The staff account with this user name, active or not."""
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def staff_username_taken(session: Session, username: str) -> bool:
    return session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None


def all_staff_users(session: Session) -> list[StaffUser]:
    """Every staff account, by user name."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def active_admin_ids(session: Session) -> set[int]:
    """The ids of the active admins, their rows locked until the transaction ends (PostgreSQL),
    so that two changes that each leave one admin cannot both pass a check made on them."""
    return set(session.scalars(select(StaffUser.id).where(
        StaffUser.role == StaffRole.admin.value, StaffUser.active.is_(True)).with_for_update()))


def staff_audit_trail(session: Session, limit: int) -> list[tuple[StaffAuditEntry, str, str]]:
    """The newest ``limit`` audit entries, newest first, each with the actor's and the target's
    user names."""
    actor, target = aliased(StaffUser), aliased(StaffUser)
    return [tuple(row) for row in session.execute(
        select(StaffAuditEntry, actor.username, target.username)
        .join(actor, StaffAuditEntry.actor_id == actor.id)
        .join(target, StaffAuditEntry.target_id == target.id)
        .order_by(StaffAuditEntry.created_at.desc(), StaffAuditEntry.id.desc())
        .limit(limit))]


# Client accounts --------------------------------------------------------------------------------


def client_account_named(session: Session, username: str) -> ClientAccount | None:
    """The client account with this user name, active or not."""
    return session.scalar(select(ClientAccount).where(ClientAccount.username == username))


# Web sessions -----------------------------------------------------------------------------------


def web_session(session: Session, token_hash: str) -> WebSession | None:
    """The session stored under ``token_hash``, expired or not."""
    return session.get(WebSession, token_hash)


def end_staff_sessions(session: Session, staff_user_id: int) -> int:
    """End every open session of a member of staff (deactivated, or given a new password).

    Returns how many ended; their browsers get a fresh anonymous session on their next request.
    """
    result = session.execute(delete(WebSession).where(WebSession.staff_user_id == staff_user_id))
    return result.rowcount or 0


def delete_expired_sessions(session: Session, now: datetime) -> int:
    """Delete the sessions that expired at or before ``now``; return how many."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return result.rowcount or 0


# Sign-in attempts -------------------------------------------------------------------------------


def _account_column(realm: SignInRealm) -> InstrumentedAttribute:
    return (SignInAttempt.staff_user_id if realm == SignInRealm.staff
            else SignInAttempt.client_account_id)


def log_sign_in(session: Session, realm: SignInRealm, username: str, account_id: int | None, *,
                succeeded: bool, refused: bool, at: datetime,
                address: str | None = None) -> SignInAttempt:
    """Append one attempt to the log; ``account_id`` is the staff user's or the client
    account's id, if the name named one."""
    row = SignInAttempt(realm=realm.value, username=username, succeeded=succeeded,
                        refused=refused, created_at=at, address=address)
    setattr(row, _account_column(realm).key, account_id)
    session.add(row)
    return row


def sign_ins_in_turn(session: Session, realm: SignInRealm, username: str) -> None:
    """Take the attempts for this name one at a time until the transaction ends.

    A transaction-scoped advisory lock on PostgreSQL; SQLite has none, and does nothing here.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"sign-in:{realm.value}:{username}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def last_success_of(session: Session, realm: SignInRealm, username: str) -> datetime | None:
    """When ``username`` (as logged) last signed in successfully in ``realm``, if ever."""
    return session.scalar(select(func.max(SignInAttempt.created_at)).where(
        SignInAttempt.realm == realm.value, SignInAttempt.username == username,
        SignInAttempt.succeeded.is_(True)))


def checked_failures_since(session: Session, realm: SignInRealm, username: str,
                           since: datetime) -> list[datetime]:
    """When each wrong password for ``username`` (as logged) was tried in ``realm`` after
    ``since``, oldest first; refused attempts, whose password went unchecked, are left out."""
    return list(session.scalars(
        select(SignInAttempt.created_at)
        .where(SignInAttempt.realm == realm.value, SignInAttempt.username == username,
               SignInAttempt.succeeded.is_(False), SignInAttempt.refused.is_(False),
               SignInAttempt.created_at > since)
        .order_by(SignInAttempt.created_at)))


def checked_failures_from(session: Session, address: str, since: datetime) -> list[datetime]:
    """When each wrong password was tried from ``address`` after ``since``, for any name in
    either realm, oldest first; refused attempts are left out."""
    return list(session.scalars(
        select(SignInAttempt.created_at)
        .where(SignInAttempt.address == address, SignInAttempt.succeeded.is_(False),
               SignInAttempt.refused.is_(False), SignInAttempt.created_at > since)
        .order_by(SignInAttempt.created_at)))


def last_unlock_of(session: Session, username: str) -> datetime | None:
    """When an admin last unlocked the staff member ``username``'s sign-ins, if ever."""
    return session.scalar(
        select(func.max(StaffAuditEntry.created_at))
        .join(StaffUser, StaffAuditEntry.target_id == StaffUser.id)
        .where(StaffUser.username == username,
               StaffAuditEntry.action == StaffAuditAction.unlocked.value))


def last_sign_ins(session: Session, realm: SignInRealm) -> dict[int, datetime]:
    """Each account's latest successful sign-in in ``realm``, by account id."""
    account = _account_column(realm)
    return dict(session.execute(
        select(account, func.max(SignInAttempt.created_at))
        .where(SignInAttempt.realm == realm.value, account.is_not(None),
               SignInAttempt.succeeded.is_(True))
        .group_by(account)).all())


def failures_since_last_sign_in(session: Session, realm: SignInRealm) -> dict[int, int]:
    """Each account's failed attempts (refused ones included) since its latest successful
    sign-in, or ever if it has none; accounts without any are left out."""
    account = _account_column(realm)
    last = (select(account.label("account_id"),
                   func.max(SignInAttempt.created_at).label("at"))
            .where(SignInAttempt.realm == realm.value, account.is_not(None),
                   SignInAttempt.succeeded.is_(True))
            .group_by(account).subquery())
    return dict(session.execute(
        select(account, func.count())
        .outerjoin(last, last.c.account_id == account)
        .where(SignInAttempt.realm == realm.value, account.is_not(None),
               SignInAttempt.succeeded.is_(False),
               or_(last.c.at.is_(None), SignInAttempt.created_at > last.c.at))
        .group_by(account)).all())


def recent_sign_ins(session: Session, realm: SignInRealm, limit: int) -> list[SignInAttempt]:
    """The latest ``limit`` attempts in ``realm``, newest first."""
    return list(session.scalars(
        select(SignInAttempt).where(SignInAttempt.realm == realm.value)
        .order_by(SignInAttempt.created_at.desc(), SignInAttempt.id.desc()).limit(limit)))
