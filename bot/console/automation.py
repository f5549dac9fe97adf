"""The stop switch of automated recommendations, for admins: suspend them (in a market shock, say)
and resume them. Each switch is an entry of the staff audit trail (db.automation), written with
the admin and the time; the staff accounts page shows the switch and the trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, status
from fastapi.responses import RedirectResponse

from bot.auth.dependencies import CurrentSession
from bot.console.staff_accounts import Admin
from bot.dependencies import DB
from bot.security import check_csrf
from db.automation import switch_recommendations

router = APIRouter(prefix="/staff/automation", tags=["staff"], include_in_schema=False)

#: The form's values of ``recommendations``.
SUSPENDED, RUNNING = "suspended", "running"


@router.post("")
def switch(db: DB, session: CurrentSession, admin: Admin,
           recommendations: Annotated[str, Form(max_length=20)] = "",
           reason: Annotated[str, Form(max_length=500)] = "",
           csrf_token: Annotated[str, Form(max_length=100)] = ""):
    """Suspend (``recommendations=suspended``) or resume (``running``) automated
    recommendations; switching to where it already is changes and records nothing."""
    check_csrf(session.csrf_token, csrf_token)
    if recommendations not in (SUSPENDED, RUNNING):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"recommendations: {recommendations!r} is neither {SUSPENDED!r} nor "
                            f"{RUNNING!r}.")
    switch_recommendations(db, admin.id, suspend=recommendations == SUSPENDED,
                           reason=reason.strip())
    return RedirectResponse("/staff/users#automation", status.HTTP_303_SEE_OTHER)
