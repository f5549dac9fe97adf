"""Conversations as staff review them: Rasa's tracker events joined with the project's records.

The conversation id is Rasa's sender id, which is also the ``conversation_id`` of the project's
records (recommendations, offers, survey answers, handoff requests) and of the review trail. The
list is one SQL query (``listing``): events are aggregated per conversation, joined with those
records, filtered, counted and paginated in the database, so a page costs the same whether the
store holds a hundred conversations or a hundred thousand. A signed-in client's stage, when the
dialogue named none, is their latest lifecycle score (``db.clients.latest_stage``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.accounts import StaffUser
from db.clients import latest_stage
from db.conversations import HandoffRequest, SuitabilityRecord, SurveyAnswer
from db.market_suitability import MarketSuitabilityRecord
from db.review import ReviewAction, ReviewEvent, review_state
from db.tracker_events import (
    EVENTS,
    dialect_of,
    epoch,
    event_time,
    has_events,
    json_integer,
    json_text,
)

FALLBACK_INTENTS = ("nlu_fallback",)
FALLBACK_ACTIONS = ("action_default_fallback", "action_two_stage_fallback")
HANDOFF_ACTIONS = ("action_handoff",)
ONBOARDING_STEPS = (("Started", None), ("Age given", "age"), ("Goal given", "goal"),
                    ("Horizon given", "horizon_years"), ("Recommendation shown", "recommended"))
#: Above this many ids, the review trail is read whole rather than with an IN list.
MAX_IN_LIST = 500
#: The slot the dialogue keeps a conversation's language in, and the language until it is set.
LANGUAGE_SLOT = "language"
DEFAULT_LANGUAGE = "en"


@dataclass
class Summary:
    """One conversation in the staff list."""

    conversation_id: str
    started: datetime
    last: datetime
    user_messages: int = 0
    first_message: str = ""
    client_id: int | None = None
    stage: str = "prospect"
    fallback: bool = False
    handoff: bool = False
    rating: float | None = None
    recommendations: int = 0
    flagged: bool = False
    reviewed: bool = False
    tags: list[str] = field(default_factory=list)
    reviewed_by: str | None = None  # who marked it reviewed last, and when
    reviewed_at: datetime | None = None
    language: str = DEFAULT_LANGUAGE

    @property
    def audience(self) -> str:
        return "client" if self.client_id is not None else "prospect"


@dataclass
class Filters:
    """The list's filters; None means "any". Dates are inclusive, in UTC."""

    date_from: date | None = None
    date_to: date | None = None
    audience: str | None = None  # "prospect" or "client"
    stage: str | None = None
    intent: str | None = None
    fallback: bool | None = None
    handoff: bool | None = None
    flagged: bool | None = None
    reviewed: bool | None = None
    min_rating: float | None = None
    search: str | None = None
    language: str | None = None  # a language code, "en" also matching conversations never set
    #: With a recommendation made after a special risk warning and the client's confirmation.
    after_warning: bool | None = None


@dataclass(frozen=True)
class Neighbours:
    """Where a conversation stands in a filtered list: the conversations before and after it (None
    at either end), its 1-based ``position`` (None when the filters leave it out) and the ``total``."""

    previous: str | None
    next: str | None
    position: int | None
    total: int


def _slot_set(dialect: str, name: str):
    """Events that give the slot ``name`` a value (not null, not empty)."""
    e = EVENTS.c
    value = json_text(dialect, e.data, "value")
    # The LIKE is a cheap first pass so that only that slot's events are parsed as JSON.
    return sa.and_(e.type_name == "slot", e.data.like(f"%{name}%"),
                   json_text(dialect, e.data, "name") == name, value.is_not(None), value != "")


def _per_conversation(dialect: str):
    """Events aggregated per sender: times, message count, fallback, handoff, and the ids of the
    first user message and of the last events that set the ``lifecycle_stage`` and the
    ``language`` slots."""
    e = EVENTS.c
    is_user = e.type_name == "user"
    fallback = sa.or_(sa.and_(is_user, e.intent_name.in_(FALLBACK_INTENTS)),
                      sa.and_(e.type_name == "action", e.action_name.in_(FALLBACK_ACTIONS)))
    handoff = sa.and_(e.type_name == "action", e.action_name.in_(HANDOFF_ACTIONS))
    return (sa.select(
        e.sender_id.label("conversation_id"),
        sa.func.min(e.timestamp).label("started"),
        sa.func.max(e.timestamp).label("last"),
        sa.func.sum(sa.case((is_user, 1), else_=0)).label("user_messages"),
        sa.func.max(sa.case((fallback, 1), else_=0)).label("fallback"),
        sa.func.max(sa.case((handoff, 1), else_=0)).label("handoff_action"),
        sa.func.min(sa.case((is_user, e.id))).label("first_user_event"),
        sa.func.max(sa.case((_slot_set(dialect, "lifecycle_stage"), e.id))).label("stage_event"),
        sa.func.max(sa.case((_slot_set(dialect, LANGUAGE_SLOT), e.id))).label("language_event"),
    ).group_by(e.sender_id).subquery("per_sender"))


def _with_client(dialect: str):
    """The aggregate with the client id from the first user message and the dialogue's stage.

    The web app puts the signed-in client's id in every user message's metadata, and a sign-in
    starts a new conversation, so the first message names the client of the whole conversation.
    Both values are read from single events found by primary key, which keeps the JSON parsing
    off the other events and gives the query planner joins whose sizes it can estimate.
    """
    c = _per_conversation(dialect)
    first = EVENTS.alias("first_message")
    stage = EVENTS.alias("stage_slot")
    language = EVENTS.alias("language_slot")
    return (sa.select(*c.c, json_integer(dialect, first.c.data, "metadata", "client_id")
                      .label("client_id"), json_text(dialect, stage.c.data, "value")
                      .label("slot_stage"),
                      sa.func.coalesce(json_text(dialect, language.c.data, "value"),
                                       DEFAULT_LANGUAGE).label("language"))
            .outerjoin(first, first.c.id == c.c.first_user_event)
            .outerjoin(stage, stage.c.id == c.c.stage_event)
            .outerjoin(language, language.c.id == c.c.language_event).subquery("conversation"))


def _latest_rating(conversation_id):
    """The conversation's latest numeric satisfaction rating (a correlated subquery)."""
    a = SurveyAnswer
    return (sa.select(sa.cast(a.answer, sa.Float))
            .where(a.conversation_id == conversation_id, a.question == "rating",
                   a.answer.regexp_match(r"^ *[0-9]+(\.[0-9]+)? *$"))
            .order_by(a.id.desc()).limit(1).scalar_subquery())


def _flags():
    """Conversations whose latest flag or unflag action is a flag."""
    r = ReviewEvent
    latest = (sa.select(sa.func.max(r.id)).where(r.action.in_((ReviewAction.flag, ReviewAction.unflag)))
              .group_by(r.conversation_id))
    return (sa.select(r.conversation_id).where(r.id.in_(latest), r.action == ReviewAction.flag)
            .subquery())


def listing(dialect: str):
    """One row per conversation with every column the list shows and filters on."""
    c = _with_client(dialect)
    flagged = _flags()
    reviewed = (sa.select(ReviewEvent.conversation_id)
                .where(ReviewEvent.action == ReviewAction.reviewed).distinct().subquery())
    handoffs = sa.select(HandoffRequest.conversation_id).distinct().subquery()
    recommendations = (sa.select(SuitabilityRecord.conversation_id, sa.func.count().label("n"))
                       .group_by(SuitabilityRecord.conversation_id).subquery())
    # A client's stage comes from its lifecycle score when the dialogue did not name one.
    stage = sa.case(
        (sa.and_(c.c.client_id.is_not(None),
                 sa.func.coalesce(c.c.slot_stage, "prospect") == "prospect"),
         sa.func.coalesce(latest_stage(c.c.client_id), "unscored")),
        else_=sa.func.coalesce(c.c.slot_stage, "prospect"))
    return (sa.select(
        c.c.conversation_id, c.c.started, c.c.last, c.c.user_messages, c.c.client_id,
        c.c.first_user_event, stage.label("stage"), c.c.language, c.c.fallback,
        sa.case((sa.or_(c.c.handoff_action == 1, handoffs.c.conversation_id.is_not(None)), 1),
                else_=0).label("handoff"),
        _latest_rating(c.c.conversation_id).label("rating"),
        sa.func.coalesce(recommendations.c.n, 0).label("recommendations"),
        sa.case((flagged.c.conversation_id.is_not(None), 1), else_=0).label("flagged"),
        sa.case((reviewed.c.conversation_id.is_not(None), 1), else_=0).label("reviewed"),
    ).select_from(c)
        .outerjoin(flagged, flagged.c.conversation_id == c.c.conversation_id)
        .outerjoin(reviewed, reviewed.c.conversation_id == c.c.conversation_id)
        .outerjoin(handoffs, handoffs.c.conversation_id == c.c.conversation_id)
        .outerjoin(recommendations, recommendations.c.conversation_id == c.c.conversation_id)
        .subquery("listing"))


def search_patterns(text: str) -> list[str]:
    """LIKE patterns (escape character ``\\``) that find ``text`` inside the JSON of
    ``events.data``, lower-cased.

    The column holds JSON, where quotes and backslashes are escaped, so the escaped form is
    matched. Rasa writes it with Python's ``json.dumps``, which escapes every character beyond
    ASCII (``你好`` is stored as ``\\u4f60\\u597d``), while a store that writes UTF-8 keeps the
    characters: both forms are searched. Python writes the escapes' hex digits in lower case, so
    the lower-cased column matches them.
    """
    needle = text.strip()
    forms = dict.fromkeys(json.dumps(needle, ensure_ascii=escaped)[1:-1].lower()
                          for escaped in (True, False))
    return ["%" + form.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
            for form in forms]


def _conditions(rows, filters: Filters) -> list:
    e = EVENTS.c
    flag = {True: 1, False: 0}
    conditions = []
    if filters.date_from is not None:
        conditions.append(rows.c.last >= epoch(datetime.combine(filters.date_from, time())))
    if filters.date_to is not None:
        day_after = datetime.combine(filters.date_to + timedelta(days=1), time())
        conditions.append(rows.c.started < epoch(day_after))
    if filters.audience is not None:
        is_client = rows.c.client_id.is_not(None)
        conditions.append(is_client if filters.audience == "client" else sa.not_(is_client))
    if filters.stage is not None:
        conditions.append(rows.c.stage == filters.stage)
    for name in ("fallback", "handoff", "flagged", "reviewed"):
        wanted = getattr(filters, name)
        if wanted is not None:
            conditions.append(rows.c[name] == flag[wanted])
    if filters.min_rating is not None:
        conditions.append(rows.c.rating >= filters.min_rating)
    if filters.intent is not None:
        conditions.append(rows.c.conversation_id.in_(
            sa.select(e.sender_id).where(e.type_name == "user", e.intent_name == filters.intent)))
    if filters.language is not None:
        conditions.append(rows.c.language == filters.language)
    if filters.after_warning is not None:
        warned = rows.c.conversation_id.in_(
            sa.select(MarketSuitabilityRecord.conversation_id)
            .where(MarketSuitabilityRecord.after_warning.is_(sa.true())))
        conditions.append(warned if filters.after_warning else sa.not_(warned))
    if filters.search:
        data = sa.func.lower(e.data)
        conditions.append(rows.c.conversation_id.in_(
            sa.select(e.sender_id).where(
                e.type_name.in_(("user", "bot")),
                sa.or_(*(data.like(pattern, escape="\\")
                         for pattern in search_patterns(filters.search))))))
    return conditions


def count(db: Session, filters: Filters | None = None) -> int:
    """How many conversations pass ``filters``."""
    if not has_events(db):
        return 0
    rows = listing(dialect_of(db))
    return db.scalar(sa.select(sa.func.count()).select_from(rows)
                     .where(*_conditions(rows, filters or Filters())))


def summaries(db: Session, filters: Filters | None = None, *, offset: int = 0,
              limit: int | None = None) -> list[Summary]:
    """The conversations that pass ``filters``, the most recent first, ``limit`` from ``offset``."""
    if not has_events(db):
        return []
    dialect = dialect_of(db)
    rows = listing(dialect)
    query = (sa.select(rows).where(*_conditions(rows, filters or Filters()))
             .order_by(*_ordered(rows)).offset(offset).limit(limit))
    found = db.execute(query).mappings().all()
    first = _first_messages(db, dialect, [r["first_user_event"] for r in found])
    ids = [r["conversation_id"] for r in found]
    state = review_state(db, ids if len(ids) <= MAX_IN_LIST else None)
    reviewers = _reviewers(db, ids)
    return [Summary(
        conversation_id=r["conversation_id"], started=event_time(r["started"]),
        last=event_time(r["last"]), user_messages=int(r["user_messages"] or 0),
        first_message=first.get(r["first_user_event"], ""), client_id=r["client_id"],
        stage=r["stage"], fallback=bool(r["fallback"]), handoff=bool(r["handoff"]),
        rating=r["rating"], recommendations=int(r["recommendations"]),
        flagged=bool(r["flagged"]), reviewed=bool(r["reviewed"]),
        tags=state.get(r["conversation_id"], {}).get("tags", []),
        reviewed_by=reviewers.get(r["conversation_id"], (None, None))[0],
        reviewed_at=reviewers.get(r["conversation_id"], (None, None))[1],
        language=r["language"],
    ) for r in found]


def conversation_language(db: Session, conversation_id: str) -> str:
    """The conversation's language: the last value its ``language`` slot was set to, English
    (``DEFAULT_LANGUAGE``) when it never was or before Rasa made its table."""
    if not has_events(db):
        return DEFAULT_LANGUAGE
    dialect = dialect_of(db)
    e = EVENTS.c
    value = db.scalar(sa.select(json_text(dialect, e.data, "value"))
                      .where(e.sender_id == conversation_id, _slot_set(dialect, LANGUAGE_SLOT))
                      .order_by(e.timestamp.desc(), e.id.desc()).limit(1))
    return str(value) if value else DEFAULT_LANGUAGE


def _ordered(rows):
    """The list's order: the most recent last message first, then by id."""
    return (rows.c.last.desc(), rows.c.conversation_id)


def _reviewers(db: Session, ids: list[str]) -> dict[str, tuple[str, datetime]]:
    """Who marked each conversation reviewed last, and when."""
    r = ReviewEvent
    out: dict[str, tuple[str, datetime]] = {}
    for start in range(0, len(ids), MAX_IN_LIST):
        chunk = ids[start:start + MAX_IN_LIST]
        latest = (sa.select(sa.func.max(r.id)).where(r.action == ReviewAction.reviewed,
                                                      r.conversation_id.in_(chunk))
                  .group_by(r.conversation_id))
        out.update((cid, (name, when)) for cid, name, when in db.execute(
            sa.select(r.conversation_id, StaffUser.username, r.created_at)
            .join(StaffUser, StaffUser.id == r.staff_user_id).where(r.id.in_(latest))))
    return out


def neighbours(db: Session, filters: Filters | None, conversation_id: str) -> Neighbours:
    """The conversations before and after ``conversation_id`` in the list that ``filters`` give,
    in the list's order, with its position and the list's length; computed in the database."""
    if not has_events(db):
        return Neighbours(None, None, None, 0)
    rows = listing(dialect_of(db))
    conditions = _conditions(rows, filters or Filters())
    total = db.scalar(sa.select(sa.func.count()).select_from(rows).where(*conditions))
    numbered = sa.select(rows.c.conversation_id,
                         sa.func.row_number().over(order_by=_ordered(rows)).label("n")
                         ).where(*conditions).subquery("numbered")
    position = db.scalar(sa.select(numbered.c.n)
                         .where(numbered.c.conversation_id == conversation_id))
    if position is None:
        return Neighbours(None, None, None, total)
    around = dict(db.execute(sa.select(numbered.c.n, numbered.c.conversation_id)
                             .where(numbered.c.n.in_((position - 1, position + 1)))).all())
    return Neighbours(around.get(position - 1), around.get(position + 1), int(position), total)


def _first_messages(db: Session, dialect: str, event_ids: list[int | None]) -> dict[int, str]:
    wanted = [i for i in event_ids if i is not None]
    if not wanted:
        return {}
    text = json_text(dialect, EVENTS.c.data, "text")
    out: dict[int, str] = {}
    for start in range(0, len(wanted), MAX_IN_LIST):
        chunk = wanted[start:start + MAX_IN_LIST]
        out.update(db.execute(sa.select(EVENTS.c.id, text).where(EVENTS.c.id.in_(chunk)))
                   .all())
    return {k: str(v or "") for k, v in out.items()}
