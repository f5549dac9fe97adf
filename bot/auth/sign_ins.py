"""The sign-in log and the throttling of password guessing, for the staff console and the client
website alike.

Every sign-in attempt, right or wrong, writes one append-only ``SignInAttempt`` row: the realm
(staff or client), the user name as typed, the account it named if any, and the result.

The lock rule
-------------
A *counted failure* is an attempt for the same realm and user name whose password was checked and
was wrong, made within the last ``signin_lockout_minutes`` and after the name's latest successful
sign-in. While a name has ``signin_max_failures`` counted failures it is locked: every attempt for
it is refused with 429 and a Retry-After, its password left unchecked, even when it is right.

A refused attempt is logged (not succeeded, ``refused``) but is not a counted failure, so
hammering a locked name does not extend the lock: the lock ends when the oldest counted failure
leaves the window, at most ``signin_lockout_minutes`` after the failure that set it. One more wrong
password then locks the name again until the next oldest failure leaves the window, so a guesser
gets at most ``signin_max_failures`` passwords checked per window and user name. A successful
sign-in clears the count.

An address is throttled too: while ``signin_address_max_failures`` wrong passwords came from one
client address within the window, for any names in either realm, every attempt from it is
refused the same way. A guesser spreading guesses over many names meets this limit; and an admin
can end a staff member's lock (``/staff/users``, written to the audit trail), after which that
name's earlier failures no longer count.

Unknown user names are counted and locked exactly as known ones, so neither the status nor the
message tells whether an account exists. The counts are read from the database, so they hold
across web workers and restarts. On PostgreSQL the attempts for one name are taken in turn (a
transaction-scoped advisory lock), so parallel requests cannot all pass the check before any of
them is logged; on SQLite, requests for the same name arriving at the same instant may each have
their password checked. The log's rows and the questions asked of it are ``db.accounts``'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.auth.passwords import verify_password
from bot.settings import Settings
from db.accounts import (
    SignInAttempt,
    SignInRealm,
    checked_failures_from,
    checked_failures_since,
    last_success_of,
    last_unlock_of,
    log_sign_in,
    sign_ins_in_turn,
)
from db.clock import utcnow

USERNAME_LENGTH = 80  # as the column stores it


@dataclass(frozen=True)
class Lockout:
    """A locked user name or address: how long (seconds, at least 1) until it may try again."""

    seconds: int
    #: Locked for the guesses from the client's address rather than for the name's.
    by_address: bool = False

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up, for the sign-in page."""
        return max(1, math.ceil(self.seconds / 60))


@dataclass(frozen=True)
class Verdict:
    """The answer to one sign-in attempt; ``lockout`` is set when it was refused unchecked."""

    succeeded: bool
    lockout: Lockout | None = None


def typed_name(username: str) -> str:
    """The user name as the log keeps it: stripped, at most 80 characters."""
    return username.strip()[:USERNAME_LENGTH]


def lockout(db: Session, settings: Settings, realm: SignInRealm, username: str,
            now: datetime | None = None) -> Lockout | None:
    """Whether ``username`` (as logged) is locked in ``realm`` now, and for how long."""
    now = now or utcnow()
    window = timedelta(minutes=settings.signin_lockout_minutes)
    since = now - window
    resets = [last_success_of(db, realm, username)]
    if realm == SignInRealm.staff:
        resets.append(last_unlock_of(db, username))
    since = max([since, *(at for at in resets if at is not None)])
    failures = checked_failures_since(db, realm, username, since)
    return _lock(failures, settings.signin_max_failures, window, now)


def address_lockout(db: Session, settings: Settings, address: str | None,
                    now: datetime | None = None) -> Lockout | None:
    """Whether sign-ins from ``address`` are locked now, and for how long (None: not known)."""
    if not address:
        return None
    now = now or utcnow()
    window = timedelta(minutes=settings.signin_lockout_minutes)
    failures = checked_failures_from(db, address, now - window)
    locked = _lock(failures, settings.signin_address_max_failures, window, now)
    return None if locked is None else Lockout(locked.seconds, by_address=True)


def _lock(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> Lockout | None:
    excess = len(failures) - limit
    if excess < 0:
        return None
    # The lock lasts until fewer than the limit remain in the window: with exactly the limit,
    # until the oldest counted failure leaves it.
    until = failures[excess] + window
    return Lockout(max(1, math.ceil((until - now).total_seconds())))


def record(db: Session, realm: SignInRealm, username: str, account_id: int | None, *,
           succeeded: bool, refused: bool = False, address: str | None = None) -> SignInAttempt:
    """Log one attempt; ``account_id`` is the staff user's or client account's id, if any."""
    return log_sign_in(db, realm, typed_name(username), account_id, succeeded=succeeded,
                       refused=refused, at=utcnow(), address=address)


def attempt(db: Session, settings: Settings, realm: SignInRealm, username: str,
            account_id: int | None, password_hash: str | None, password: str,
            address: str | None = None) -> Verdict:
    """Check one sign-in and log it: refused while the name or the client ``address`` is locked,
    else the password's check.

    ``password_hash`` is None for an unknown or inactive account: the password is then checked
    against a dummy hash, the same work as a wrong password (``bot.auth.passwords``).
    """
    username = typed_name(username)
    sign_ins_in_turn(db, realm, username)
    locks = [lock for lock in (lockout(db, settings, realm, username),
                               address_lockout(db, settings, address)) if lock is not None]
    if locks:
        record(db, realm, username, account_id, succeeded=False, refused=True, address=address)
        return Verdict(False, max(locks, key=lambda lock: lock.seconds))
    succeeded = verify_password(password_hash, password)
    record(db, realm, username, account_id, succeeded=succeeded, address=address)
    return Verdict(succeeded)
