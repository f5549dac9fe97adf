"""The staff console: sign-in, conversation list, transcript, review actions, exports, handoff
queue and overview. Server-rendered; every form carries the session's CSRF token.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import i18n
from bot.auth import sessions, sign_ins
from bot.auth.dependencies import CurrentSession, signed_in_staff
from bot.console.corrections import nlu_yaml, vocabulary
from bot.console.export import column_names, csv_response, json_response
from bot.console.list_query import ListQuery, triage
from bot.console.overview import PERIOD_DAYS, chosen_period, overview
from bot.console.transcripts import as_dict, transcript, transcript_screen
from bot.dependencies import DB, AppSettings
from bot.pages import locked_out, render
from bot.security import check_csrf
from db.accounts import SignInRealm, StaffUser, staff_user_named
from db.clock import utcnow
from db.conversation_list import (
    Filters,
    Summary,
    conversation_language,
    list_page,
    summaries,
)
from db.market_suitability import suitability_of
from db.review import (
    ReviewAction,
    ReviewEvent,
    add_correction,
    corrections,
    user_message,
)
from db.saved_filters import BUILT_IN, PERIODS, delete_filter, save_filter, saved_filters
from db.transcript_pages import suitability_as_dict, suitability_record
from engine.lifecycle import stages as lifecycle_stages
from engine.lifecycle.feedback import RATING_SCALE

router = APIRouter(prefix="/staff", tags=["staff"], include_in_schema=False)
PAGE_SIZE = 25
#: Stage filter choices: the lifecycle stages, and clients never scored.
STAGES = (*lifecycle_stages.STAGES, "unscored")
LIST_COLUMNS = ("conversation_id", "started", "last", "audience", "client_id", "language", "stage",
                "user_messages", "fallback", "handoff", "rating", "recommendations", "flagged",
                "reviewed", "tags", "first_message")


def staff_page(user: Annotated[StaffUser | None, Depends(signed_in_staff)]) -> StaffUser:
    """The signed-in member of staff; anyone else is sent to the staff sign-in page."""
    if user is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, "Staff sign-in required.",
                            headers={"location": "/staff/signin"})
    return user


Staff = Annotated[StaffUser, Depends(staff_page)]


def _unreadable(exc: ValueError) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"{exc}.")


def list_filters(
    date_from: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    date_to: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    audience: Annotated[str, Query(pattern="^(|prospect|client)$")] = "",
    language: Annotated[str, Query(max_length=8, description="en or zh")] = "",
    stage: Annotated[str, Query(max_length=32)] = "",
    intent: Annotated[str, Query(max_length=64)] = "",
    fallback: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    handoff: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    flagged: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    reviewed: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    min_rating: Annotated[str, Query(max_length=5)] = "",
    after_warning: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    period: Annotated[str, Query(max_length=16, description="this_week, last_7_days...")] = "",
) -> Filters:
    try:
        return ListQuery.checked(dict(
            q=q, period=period, date_from=date_from, date_to=date_to, audience=audience,
            language=language, stage=stage, intent=intent, fallback=fallback, handoff=handoff,
            flagged=flagged, reviewed=reviewed, min_rating=min_rating,
            after_warning=after_warning)).filters(utcnow().date())
    except ValueError as exc:
        raise _unreadable(exc) from exc


ListFilters = Annotated[Filters, Depends(list_filters)]


def _row(s: Summary) -> list[object]:
    return [s.conversation_id, s.started.isoformat(timespec="seconds"),
            s.last.isoformat(timespec="seconds"), s.audience, s.client_id, s.language, s.stage,
            s.user_messages, s.fallback, s.handoff, s.rating, s.recommendations, s.flagged,
            s.reviewed, ", ".join(s.tags), s.first_message]


def _file_stem(conversation_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", conversation_id)[:64] or "conversation"


def _csv(request: Request, columns: tuple[str, ...], rows, filename: str) -> Response:
    """A CSV download whose header names the columns in the console's language; in English
    they are the column keys, the same as the JSON export's (``bot.console.export.COLUMN_KEYS``)."""
    return csv_response(column_names(columns, i18n.request_translations(request)), rows, filename)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, session: CurrentSession):
    return render(request, "staff/signin.html", {"session": session})


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, db: DB, settings: AppSettings, session: CurrentSession,
           username: Annotated[str, Form(max_length=80)],
           password: Annotated[str, Form(max_length=200)],
           csrf_token: Annotated[str, Form(max_length=100)] = ""):
    check_csrf(session.csrf_token, csrf_token)
    user = staff_user_named(db, sign_ins.typed_name(username))
    password_hash = user.password_hash if user is not None and user.active else None
    verdict = sign_ins.attempt(db, settings, SignInRealm.staff, username,
                               user.id if user is not None else None, password_hash, password,
                               address=request.client.host if request.client else None)
    if verdict.lockout is not None:
        return locked_out(request, "staff/signin.html", {"session": session}, verdict.lockout)
    if not verdict.succeeded:
        return render(request, "staff/signin.html",
                      {"session": session, "wrong_credentials": True},
                      status.HTTP_401_UNAUTHORIZED)
    sessions.replace(db, request, settings, session, staff_user_id=user.id)
    return RedirectResponse("/staff", status.HTTP_303_SEE_OTHER)


@router.post("/signout")
def signout(request: Request, db: DB, settings: AppSettings, session: CurrentSession,
            csrf_token: Annotated[str, Form(max_length=100)] = ""):
    check_csrf(session.csrf_token, csrf_token)
    sessions.replace(db, request, settings, session)
    return RedirectResponse("/staff/signin", status.HTTP_303_SEE_OTHER)


@router.get("", response_class=HTMLResponse)
def conversation_list(request: Request, db: DB, session: CurrentSession, staff: Staff,
                      filters: ListFilters, page: Annotated[int, Query(ge=1)] = 1):
    total, shown = list_page(db, filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    # Past a search's count there are more pages than the full ones counted.
    pages = total.n // PAGE_SIZE if total.more else max(1, -(-total.n // PAGE_SIZE))
    query = request.url.query
    base = re.sub(r"(^|&)page=\d+", "", query).strip("&")
    wanted = ListQuery.parse(query)
    return render(request, "staff/list.html", {
        "session": session, "staff": staff, "items": shown, "total": total, "page": page,
        "pages": pages, "filters": filters, "stages": STAGES, "params": request.query_params,
        "base_query": base, "query": query, "rating_scale": RATING_SCALE,
        "list_query": wanted.query_string(), "given": wanted.given(), "periods": PERIODS,
        "saved": saved_filters(db, staff.id), "built_in": BUILT_IN, "languages": i18n.LANGUAGES})


@router.post("/filters")
def save_list_filter(db: DB, session: CurrentSession, staff: Staff,
                     name: Annotated[str, Form(max_length=200)] = "",
                     query: Annotated[str, Form(max_length=2000)] = "",
                     csrf_token: Annotated[str, Form(max_length=100)] = ""):
    check_csrf(session.csrf_token, csrf_token)
    try:
        kept = ListQuery.parse(query).query_string()
        save_filter(db, staff.id, name, kept)
    except ValueError as exc:
        raise _unreadable(exc) from exc
    return RedirectResponse(f"/staff?{kept}", status.HTTP_303_SEE_OTHER)


@router.post("/filters/{filter_id}/delete")
def delete_list_filter(filter_id: int, db: DB, session: CurrentSession, staff: Staff,
                       csrf_token: Annotated[str, Form(max_length=100)] = ""):
    check_csrf(session.csrf_token, csrf_token)
    if not delete_filter(db, staff.id, filter_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "You have no saved filter with this id.")
    return RedirectResponse("/staff", status.HTTP_303_SEE_OTHER)


@router.get("/export.{fmt}")
def export_list(request: Request, fmt: str, db: DB, staff: Staff, filters: ListFilters):
    if fmt not in ("csv", "json"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Export as .csv or .json.")
    items = summaries(db, filters)
    if fmt == "csv":
        return _csv(request, LIST_COLUMNS, (_row(s) for s in items), "conversations.csv")
    return json_response([dict(zip(LIST_COLUMNS, _row(s), strict=True)) for s in items],
                         "conversations.json")


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation(request: Request, conversation_id: str, db: DB, session: CurrentSession,
                 staff: Staff,
                 list_query: Annotated[str, Query(alias="list", max_length=2000)] = "",
                 page: Annotated[int, Query(ge=1, le=1_000_000)] = 1):
    try:  # one page of the conversation (bot/console/transcripts.py)
        found = transcript_screen(db, conversation_id, page)
    except ValueError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{exc}.") from exc
    if not found.found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No conversation with this id.")
    try:  # opened from a filtered list: its previous and next (staff/_triage_bar.html)
        in_list = triage(db, list_query, conversation_id, utcnow().date())
    except ValueError as exc:
        raise _unreadable(exc) from exc
    corrected = defaultdict(list)
    for c, name in corrections(db, conversation_id):
        corrected[c.event_id].append((c, name))
    return render(request, "staff/transcript.html", {
        "session": session, "staff": staff, "t": found, "actions": ReviewAction,
        "corrected": corrected, "vocabulary": vocabulary(), "triage": in_list,
        "list_query": list_query, "language": conversation_language(db, conversation_id),
        "suitability": suitability_of(db, [r.id for r in found.records.recommendations])})


@router.get("/conversations/{conversation_id}/recommendations/{record_id}.json")
def recommendation_record(conversation_id: str, record_id: int, db: DB, staff: Staff):
    """A recommendation's suitability record in full, as it was stored."""
    record = suitability_record(db, conversation_id, record_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            "This conversation has no recommendation with this id.")
    return json_response(suitability_as_dict(record),
                         f"suitability-{conversation_id}-{record_id}.json")


@router.post("/conversations/{conversation_id}/corrections")
def correct(conversation_id: str, db: DB, session: CurrentSession, staff: Staff,
            event_id: Annotated[int, Form()],
            intent: Annotated[str, Form(max_length=100)] = "",
            slot: Annotated[str, Form(max_length=100)] = "",
            value: Annotated[str, Form(max_length=2000)] = "",
            csrf_token: Annotated[str, Form(max_length=100)] = "",
            page: Annotated[int, Form(ge=1, le=1_000_000)] = 1):
    check_csrf(session.csrf_token, csrf_token)
    intent, slot, value = intent.strip(), slot.strip(), value.strip()
    known = vocabulary()
    problems = []
    if intent and intent not in known.intents:
        problems.append(f"intent: {intent!r} is not an intent of the assistant's domain")
    if slot and slot not in known.slots:
        problems.append(f"slot: {slot!r} is not a slot that a message fills")
    if slot and not value:
        problems.append("value: a slot correction needs the value")
    if value and not slot:
        problems.append("slot: a value needs the slot it belongs to")
    if not intent and not slot and not value:
        problems.append("intent: pick the right intent, or a slot and its value")
    if problems:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "; ".join(problems) + ".")
    message = user_message(db, conversation_id, event_id)
    if message is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            "No user message with this event id in this conversation.")
    add_correction(db, message, conversation_id, staff.id, intent or None, slot or None,
                   value or None)
    on_page = f"?page={page}" if page > 1 else ""  # the transcript page the message is on
    return RedirectResponse(
        f"/staff/conversations/{quote(conversation_id, safe='')}{on_page}#event-{event_id}",
        status.HTTP_303_SEE_OTHER)


@router.get("/corrections", response_class=HTMLResponse)
def corrections_page(request: Request, db: DB, session: CurrentSession, staff: Staff):
    return render(request, "staff/corrections.html",
                  {"session": session, "staff": staff, "items": corrections(db)})


@router.get("/corrections/export.yml")
def export_corrections(db: DB, staff: Staff):
    return Response(nlu_yaml([c for c, _ in corrections(db)]),
                    media_type="application/yaml; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="nlu_corrections.yml"'})


@router.post("/conversations/{conversation_id}/review")
def review(conversation_id: str, db: DB, session: CurrentSession, staff: Staff,
           action: Annotated[ReviewAction, Form()],
           value: Annotated[str, Form(max_length=2000)] = "",
           csrf_token: Annotated[str, Form(max_length=100)] = "",
           back: Annotated[str, Form(pattern="^(|handoffs)$")] = "",
           page: Annotated[int, Form(ge=1, le=1_000_000)] = 1,
           list_query: Annotated[str, Form(alias="list", max_length=2000)] = ""):
    check_csrf(session.csrf_token, csrf_token)
    value = value.strip()
    if action in (ReviewAction.tag, ReviewAction.untag, ReviewAction.note) and not value:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"value: a {action.value} needs some text.")
    if not transcript_screen(db, conversation_id).found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No conversation with this id.")
    db.add(ReviewEvent(conversation_id=conversation_id, staff_user_id=staff.id,
                       action=action.value, value=value, created_at=utcnow()))
    # Back to the same page of the transcript, in the same filtered list (its triage bar).
    back_to = urlencode({k: v for k, v in (("page", page if page > 1 else ""),
                                          ("list", list_query)) if v})
    target = ("/staff/handoffs" if back == "handoffs" else
              f"/staff/conversations/{quote(conversation_id, safe='')}"
              + (f"?{back_to}" if back_to else ""))
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)


@router.get("/conversations/{conversation_id}/export.{fmt}")
def export_conversation(request: Request, conversation_id: str, fmt: str, db: DB, staff: Staff):
    found = transcript(db, conversation_id)
    if not found.found or fmt not in ("csv", "json"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation or format.")
    stem = _file_stem(conversation_id)
    if fmt == "json":
        return json_response(as_dict(found), f"{stem}.json")
    columns = ("time", "kind", "text", "intent", "confidence", "name", "value", "buttons")
    rows = ([turn.as_dict()[c] for c in columns] for turn in found.turns)
    return _csv(request, columns, rows, f"{stem}.csv")


@router.get("/handoffs", response_class=HTMLResponse)
def handoffs(request: Request, db: DB, session: CurrentSession, staff: Staff):
    open_items = [s for s in summaries(db, Filters(handoff=True))
                  if not _closed_after_request(db, s.conversation_id)]
    return render(request, "staff/handoffs.html",
                  {"session": session, "staff": staff, "items": open_items})


def _closed_after_request(db, conversation_id: str) -> bool:
    t = transcript(db, conversation_id)
    closed = [e.created_at for e, _ in t.reviews if e.action == ReviewAction.handoff_closed]
    requested = [h.created_at for h in t.handoffs] + [
        turn.when for turn in t.turns if turn.kind == "action" and turn.name == "action_handoff"]
    return bool(closed) and max(closed) >= max(requested, default=min(closed))


def overview_period(
    days: Annotated[str, Query(max_length=3, description="7, 30 or 90")] = "",
    date_from: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    date_to: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
) -> tuple[date | None, date | None]:
    try:
        return chosen_period(days, date_from, date_to, utcnow().date())
    except ValueError as exc:
        raise _unreadable(exc) from exc


OverviewPeriod = Annotated[tuple[date | None, date | None], Depends(overview_period)]


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, db: DB, session: CurrentSession, staff: Staff,
                  period: OverviewPeriod):
    return render(request, "staff/overview.html", {
        "session": session, "staff": staff,
        "o": overview(db, *period, words=i18n.request_translations(request)),
        "params": request.query_params, "period_query": request.url.query,
        "period_days": PERIOD_DAYS})


@router.get("/overview/{chart}.csv")
def overview_csv(request: Request, chart: str, db: DB, staff: Staff, period: OverviewPeriod):
    found = overview(db, *period, words=i18n.request_translations(request)).charts.get(chart)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No overview chart called {chart!r}.")
    return _csv(request, found.columns, found.rows, f"overview-{chart}.csv")
