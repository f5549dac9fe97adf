"""Conversations as staff review them: Rasa's tracker events joined with the project's records.

Rasa's SQL tracker store writes one row per event to ``events`` (sender_id, type_name, timestamp in
epoch seconds, intent_name, action_name, data as JSON text). The conversation id is the sender id,
which is also the ``conversation_id`` of the project's records (recommendations, offers, survey
answers, handoff requests) and of the review trail. The table is read through a light Core
description because Rasa, not this project, owns it; until Rasa has run it may not exist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import HandoffRequest, LifecycleScore, SuitabilityRecord, SurveyAnswer
from db.review import ReviewAction, ReviewEvent

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String), sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String), sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
FALLBACK_INTENTS = {"nlu_fallback"}
FALLBACK_ACTIONS = {"action_default_fallback", "action_two_stage_fallback"}
HANDOFF_ACTIONS = {"action_handoff"}
ONBOARDING_STEPS = (("Started", None), ("Age given", "age"), ("Goal given", "goal"),
                    ("Horizon given", "horizon_years"), ("Recommendation shown", "recommended"))


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
    intents: set[str] = field(default_factory=set)
    slots: set[str] = field(default_factory=set)
    fallback: bool = False
    handoff: bool = False
    rating: float | None = None
    recommendations: int = 0
    flagged: bool = False
    reviewed: bool = False
    tags: list[str] = field(default_factory=list)

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

    def keep(self, s: Summary) -> bool:
        checks = (
            self.date_from is None or s.last.date() >= self.date_from,
            self.date_to is None or s.started.date() <= self.date_to,
            self.audience is None or s.audience == self.audience,
            self.stage is None or s.stage == self.stage,
            self.intent is None or self.intent in s.intents,
            self.fallback is None or s.fallback == self.fallback,
            self.handoff is None or s.handoff == self.handoff,
            self.flagged is None or s.flagged == self.flagged,
            self.reviewed is None or s.reviewed == self.reviewed,
            self.min_rating is None or (s.rating is not None and s.rating >= self.min_rating),
        )
        return all(checks)


def event_time(timestamp: float | None) -> datetime:
    return datetime.fromtimestamp(timestamp or 0.0, UTC).replace(tzinfo=None)


def event_data(raw: str | None) -> dict:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def has_events(db: Session) -> bool:
    return sa.inspect(db.connection()).has_table("events")


def review_state(db: Session, conversation_ids: list[str] | None = None) -> dict[str, dict]:
    """Flag, reviewed and tags of each conversation, replayed from the audit trail in order."""
    query = sa.select(ReviewEvent).order_by(ReviewEvent.created_at, ReviewEvent.id)
    if conversation_ids is not None:
        query = query.where(ReviewEvent.conversation_id.in_(conversation_ids))
    state: dict[str, dict] = defaultdict(lambda: {"flagged": False, "reviewed": False, "tags": []})
    for event in db.scalars(query):
        current = state[event.conversation_id]
        if event.action in (ReviewAction.flag, ReviewAction.unflag):
            current["flagged"] = event.action == ReviewAction.flag
        elif event.action == ReviewAction.reviewed:
            current["reviewed"] = True
        elif event.action == ReviewAction.tag and event.value not in current["tags"]:
            current["tags"].append(event.value)
        elif event.action == ReviewAction.untag and event.value in current["tags"]:
            current["tags"].remove(event.value)
    return state


def latest_stages(db: Session) -> dict[int, str]:
    """Each scored client's most recent lifecycle stage."""
    rows = db.execute(sa.select(LifecycleScore.client_id, LifecycleScore.stage)
                      .order_by(LifecycleScore.scored_at, LifecycleScore.id))
    return dict(rows.tuples().all())


def summaries(db: Session, filters: Filters | None = None) -> list[Summary]:
    """Every conversation that passes ``filters``, the most recent first."""
    if not has_events(db):
        return []
    filters = filters or Filters()
    found: dict[str, Summary] = {}
    rows = db.execute(sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp,
                                EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
                      .order_by(EVENTS.c.timestamp, EVENTS.c.id))
    for sender, kind, timestamp, intent, action, raw in rows:
        when = event_time(timestamp)
        s = found.setdefault(sender, Summary(sender, when, when))
        s.last = max(s.last, when)
        if kind == "user":
            data = event_data(raw)
            s.user_messages += 1
            s.first_message = s.first_message or str(data.get("text") or "")
            client_id = (data.get("metadata") or {}).get("client_id")
            if isinstance(client_id, int):
                s.client_id = client_id
            if intent:
                s.intents.add(intent)
                s.fallback |= intent in FALLBACK_INTENTS
        elif kind == "action" and action:
            s.fallback |= action in FALLBACK_ACTIONS
            s.handoff |= action in HANDOFF_ACTIONS
        elif kind == "slot":
            data = event_data(raw)
            if data.get("value") not in (None, "", []):
                s.slots.add(str(data.get("name")))
                if data.get("name") == "lifecycle_stage":
                    s.stage = str(data["value"])
    _join_records(db, found)
    keep = [s for s in found.values() if filters.keep(s)]
    if filters.search:
        matching = search(db, filters.search)
        keep = [s for s in keep if s.conversation_id in matching]
    return sorted(keep, key=lambda s: s.last, reverse=True)


def _join_records(db: Session, found: dict[str, Summary]) -> None:
    stages = latest_stages(db)
    for s in found.values():
        if s.client_id is not None and s.stage == "prospect":
            s.stage = stages.get(s.client_id, "unscored")
    for cid in db.scalars(sa.select(HandoffRequest.conversation_id)):
        if cid in found:
            found[cid].handoff = True
    for cid, count in db.execute(sa.select(SuitabilityRecord.conversation_id, sa.func.count())
                                 .group_by(SuitabilityRecord.conversation_id)):
        if cid in found:
            found[cid].recommendations = count
            found[cid].slots.add("recommended")
    ratings = db.execute(sa.select(SurveyAnswer.conversation_id, SurveyAnswer.answer)
                         .where(SurveyAnswer.question == "rating")
                         .order_by(SurveyAnswer.created_at, SurveyAnswer.id))
    for cid, answer in ratings:
        if cid in found:
            try:
                found[cid].rating = float(answer)
            except ValueError:
                continue
    for cid, state in review_state(db, list(found)).items():
        if cid in found:
            s = found[cid]
            s.flagged, s.reviewed, s.tags = state["flagged"], state["reviewed"], state["tags"]


def search(db: Session, text: str) -> set[str]:
    """Conversations whose user or bot messages contain ``text`` (case-insensitive)."""
    # The data column holds JSON, where quotes and backslashes are escaped; match the escaped form.
    needle = json.dumps(text.strip())[1:-1].lower()
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    query = (sa.select(EVENTS.c.sender_id).distinct()
             .where(EVENTS.c.type_name.in_(["user", "bot"]))
             .where(sa.func.lower(EVENTS.c.data).like(pattern, escape="\\")))
    return set(db.scalars(query))
