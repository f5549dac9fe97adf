"""Who may use the web app: staff members, client sign-in accounts, server-side web sessions and
the log of sign-in attempts.

Passwords are stored only as argon2 hashes (see ``bot.passwords``). A web session is looked up by
the SHA-256 of its random token, so a copy of the database does not hand out live sessions.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

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
    (``bot.sign_ins``); such an attempt is also not ``succeeded``.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_realm_username_created_at", "realm", "username", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(8))
    username: Mapped[str] = mapped_column(String(80))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    client_account_id: Mapped[int | None] = mapped_column(ForeignKey("client_accounts.id"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


def active_accounts_named(session: Session,
                          usernames: Collection[str]) -> list[StaffUser | ClientAccount]:
    """The active staff and client accounts whose user name is one of ``usernames``."""
    return [account
            for model in (StaffUser, ClientAccount)
            for account in session.scalars(
                select(model).where(model.username.in_(usernames), model.active.is_(True)))]
