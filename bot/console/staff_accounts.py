"""Staff access, for admins: the staff accounts with their sign-in record, and creating,
re-roling, deactivating, reactivating them and resetting their passwords.

Every change is written to the append-only staff audit trail (``StaffAuditEntry``) with the acting
admin and the time, in the same transaction as the change itself. A request the rules refuse
(weak password, duplicate user name, unknown role, the last active admin) shows the reason on the
page, in the page's language, with status 422 and stores nothing.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.exc import IntegrityError

from bot import i18n
from bot.auth import sign_ins
from bot.auth.demo_passwords import CLIENT_PASSWORD, STAFF
from bot.auth.dependencies import CurrentSession
from bot.auth.passwords import hash_password
from bot.console.routes import Staff
from bot.dependencies import DB, AppSettings
from bot.i18n import N_
from bot.pages import render
from bot.security import check_csrf
from db.accounts import (
    SignInRealm,
    StaffAuditAction,
    StaffAuditEntry,
    StaffRole,
    StaffUser,
    active_admin_ids,
    all_staff_users,
    end_staff_sessions,
    failures_since_last_sign_in,
    last_sign_ins,
    recent_sign_ins,
    staff_audit_trail,
    staff_user_named,
    staff_username_taken,
)
from db.automation import switch_state
from db.clock import utcnow

router = APIRouter(prefix="/staff/users", tags=["staff"], include_in_schema=False)

USERNAME = re.compile(r"[A-Za-z0-9._-]{3,80}")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
#: Published with the code, so never acceptable as a real password.
DEMO_PASSWORDS = frozenset({*(password for _, password, _ in STAFF), CLIENT_PASSWORD})
TRAIL_SHOWN = 200  # newest entries on the page; the table keeps them all
SIGN_INS_SHOWN = 50  # latest sign-in attempts on the page
#: Form fields are read generously and checked here, so a bad value gets a message on the page.
FormText = Annotated[str, Form(max_length=1000)]
CsrfToken = Annotated[str, Form(max_length=100)]


class Refused(ValueError):
    """A change the rules do not allow; the message is shown on the page.

    ``msgid`` is the English message with ``%(name)s`` placeholders, marked with ``i18n.N_`` for
    the catalogs; ``str()`` is the English text, :meth:`said` the text in a page's language.
    """

    def __init__(self, msgid: str, **params: object):
        super().__init__(msgid % params)
        self.msgid = msgid
        self.params = params

    def said(self, words) -> str:
        return words.gettext(self.msgid) % self.params


def admin_page(staff: Staff) -> StaffUser:
    """The signed-in admin; a reviewer gets 403 (anonymous visitors were sent to sign in)."""
    if staff.role != StaffRole.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This needs the admin role.")
    return staff


Admin = Annotated[StaffUser, Depends(admin_page)]


def password_problem(username: str, password: str) -> Refused | None:
    """Why ``password`` is too weak for ``username``, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Refused(N_("The password needs at least %(n)d characters."), n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return Refused(N_("The password can have at most %(n)d characters."),
                       n=MAX_PASSWORD_LENGTH)
    if password.strip().casefold() == username.strip().casefold():
        return Refused(N_("The password cannot be the user name."))
    if password in DEMO_PASSWORDS:
        return Refused(N_("The password is a published demo password; choose another."))
    return None


def _role(value: str) -> StaffRole:
    try:
        return StaffRole(value.strip())
    except ValueError:
        reviewer, admin = (r.value for r in StaffRole)
        raise Refused(N_("Unknown role %(role)s: choose %(reviewer)s or %(admin)s."),
                      role=repr(value.strip()), reviewer=reviewer, admin=admin) from None


def _account(username: str, db: DB, session: CurrentSession, admin: Admin,
             csrf_token: CsrfToken = "") -> StaffUser:
    """The account an admin's form acts on (``username`` in the path), once the form's CSRF token
    has been checked."""
    check_csrf(session.csrf_token, csrf_token)
    user = staff_user_named(db, username)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No staff account with this user name.")
    return user


Account = Annotated[StaffUser, Depends(_account)]


def _keeps_an_admin(db: DB, losing: StaffUser) -> None:
    """Refuse a change that takes ``losing`` away as an admin when it would leave no active admin.

    The active admins' rows are locked (PostgreSQL), so two admins demoting each other at the
    same time cannot both succeed.
    """
    if losing.role == StaffRole.admin.value and active_admin_ids(db) <= {losing.id}:
        raise Refused(N_("%(username)s is the last active admin; make another admin first."),
                      username=losing.username)


def _record(db: DB, actor: StaffUser, target: StaffUser, action: StaffAuditAction,
            detail: str = "") -> None:
    db.add(StaffAuditEntry(actor_id=actor.id, target_id=target.id, action=action.value,
                           detail=detail, created_at=utcnow()))


def _page(request: Request, db: DB, session: CurrentSession, admin: StaffUser,
          refusal: Refused | None = None, form: dict | None = None) -> HTMLResponse:
    error = refusal.said(i18n.request_translations(request)) if refusal else None
    return render(request, "staff/users.html", {
        "session": session, "staff": admin, "users": all_staff_users(db),
        "last_signin": last_sign_ins(db, SignInRealm.staff),
        "failed_since": failures_since_last_sign_in(db, SignInRealm.staff),
        "locked": {u.id for u in all_staff_users(db)
                   if sign_ins.lockout(db, request.app.state.settings, SignInRealm.staff,
                                       u.username) is not None},
        "recent_sign_ins": recent_sign_ins(db, SignInRealm.staff, SIGN_INS_SHOWN),
        "trail": staff_audit_trail(db, TRAIL_SHOWN), "automation": switch_state(db),
        "roles": list(StaffRole), "error": error, "form": form or {},
        "min_password_length": MIN_PASSWORD_LENGTH},
        status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK)


def _done() -> RedirectResponse:
    return RedirectResponse("/staff/users", status.HTTP_303_SEE_OTHER)


@router.get("", response_class=HTMLResponse)
def staff_users(request: Request, db: DB, session: CurrentSession, admin: Admin):
    return _page(request, db, session, admin)


@router.post("", response_class=HTMLResponse)
def create_account(request: Request, db: DB, session: CurrentSession, admin: Admin,
                   username: FormText, role: FormText, password: FormText,
                   csrf_token: CsrfToken = ""):
    check_csrf(session.csrf_token, csrf_token)
    username = username.strip()
    try:
        if not USERNAME.fullmatch(username):
            raise Refused(N_("A user name is 3 to 80 letters, digits, dots, dashes or "
                             "underscores."))
        new_role = _role(role)
        if staff_username_taken(db, username):
            raise Refused(N_("The user name %(username)s is taken."), username=repr(username))
        if problem := password_problem(username, password):
            raise problem
        user = StaffUser(username=username, password_hash=hash_password(password),
                         role=new_role.value, active=True, created_at=utcnow())
        db.add(user)
        try:
            db.flush()
        except IntegrityError:  # created by someone else since the check above
            db.rollback()
            raise Refused(N_("The user name %(username)s is taken."),
                          username=repr(username)) from None
    except Refused as refusal:
        return _page(request, db, session, admin, refusal,
                     {"username": username, "role": role})
    _record(db, admin, user, StaffAuditAction.created, f"role {new_role.value}")
    return _done()


@router.post("/{username}/role", response_class=HTMLResponse)
def change_role(request: Request, db: DB, session: CurrentSession, admin: Admin, user: Account,
                role: FormText):
    try:
        new_role = _role(role)
        if new_role.value == user.role:
            raise Refused(N_("%(username)s already has the role %(role)s."),
                          username=user.username, role=new_role.value)
        _keeps_an_admin(db, user)
    except Refused as refusal:
        return _page(request, db, session, admin, refusal)
    _record(db, admin, user, StaffAuditAction.role_changed, f"{user.role} -> {new_role.value}")
    user.role = new_role.value
    return _done()


@router.post("/{username}/deactivate", response_class=HTMLResponse)
def deactivate(request: Request, db: DB, session: CurrentSession, admin: Admin, user: Account):
    try:
        if user.id == admin.id:
            raise Refused(N_("You cannot deactivate your own account."))
        if not user.active:
            raise Refused(N_("%(username)s is already inactive."), username=user.username)
        _keeps_an_admin(db, user)
    except Refused as refusal:
        return _page(request, db, session, admin, refusal)
    user.active = False
    ended = end_staff_sessions(db, user.id)
    _record(db, admin, user, StaffAuditAction.deactivated, f"{ended} open session(s) ended")
    return _done()


@router.post("/{username}/reactivate", response_class=HTMLResponse)
def reactivate(request: Request, db: DB, session: CurrentSession, admin: Admin, user: Account):
    if user.active:
        return _page(request, db, session, admin,
                     Refused(N_("%(username)s is already active."), username=user.username))
    user.active = True
    _record(db, admin, user, StaffAuditAction.reactivated)
    return _done()


@router.post("/{username}/unlock", response_class=HTMLResponse)
def unlock(request: Request, db: DB, session: CurrentSession, admin: Admin, user: Account,
           settings: AppSettings):
    if sign_ins.lockout(db, settings, SignInRealm.staff, user.username) is None:
        return _page(request, db, session, admin,
                     Refused(N_("%(username)s is not locked."), username=user.username))
    failed = failures_since_last_sign_in(db, SignInRealm.staff).get(user.id, 0)
    _record(db, admin, user, StaffAuditAction.unlocked,
            f"{failed} failed or refused sign-in(s) since the last one no longer count")
    return _done()


@router.post("/{username}/password", response_class=HTMLResponse)
def reset_password(request: Request, db: DB, session: CurrentSession, admin: Admin, user: Account,
                   password: FormText):
    if problem := password_problem(user.username, password):
        return _page(request, db, session, admin, problem)
    user.password_hash = hash_password(password)
    # Whoever held the old password is signed out everywhere (the admin too, for their own).
    ended = end_staff_sessions(db, user.id)
    _record(db, admin, user, StaffAuditAction.password_reset, f"{ended} open session(s) ended")
    if user.id == admin.id:
        return RedirectResponse("/staff/signin", status.HTTP_303_SEE_OTHER)
    return _done()
