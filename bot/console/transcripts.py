"""One conversation in full, for the transcript view and its export.

Each user message comes with its predicted intent and confidence, each bot message with its
buttons and any recommendation card, each action and each slot as it filled; the project's records
(recommendations, offers, survey answers, handoff requests), the messages Rasa never received and
the review trail come alongside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from db.conversations import (
    HandoffRequest,
    OfferRecord,
    SuitabilityRecord,
    SurveyAnswer,
    conversation_records,
)
from db.review import (
    ReviewEvent,
    review_state,
    review_trail,
    undelivered_messages,
    user_messages,
)
from db.tracker_events import conversation_events, event_data, event_time
from db.transcript_pages import PAGE_SIZE, TranscriptPage, transcript_page

#: Events shown in the transcript; the rest (session starts, form activations) are plumbing.
SHOWN = {"user", "bot", "action", "slot"}
#: Actions that only mark a turn boundary.
QUIET_ACTIONS = {"action_listen", "action_session_start"}


@dataclass
class Turn:
    """One line of the transcript."""

    when: datetime
    kind: str  # user, bot, action, slot, undelivered
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    name: str | None = None  # the action or slot name
    value: object = None  # the slot value
    buttons: list[dict] = field(default_factory=list)
    allocation: dict | None = None
    event_id: int | None = None  # a user message's row in Rasa's events table

    def as_dict(self) -> dict:
        return {"time": self.when.isoformat(timespec="seconds"), "kind": self.kind,
                "text": self.text, "intent": self.intent, "confidence": self.confidence,
                "name": self.name, "value": self.value,
                "buttons": [b.get("title") for b in self.buttons] or None,
                "allocation": self.allocation}


@dataclass
class Transcript:
    conversation_id: str
    turns: list[Turn]
    recommendations: list[SuitabilityRecord]
    offers: list[OfferRecord]
    surveys: list[SurveyAnswer]
    handoffs: list[HandoffRequest]
    reviews: list[tuple[ReviewEvent, str]]  # each action with the staff member's name
    state: dict

    @property
    def found(self) -> bool:
        return bool(self.turns or self.recommendations or self.handoffs or self.reviews)


def _turn(kind: str, timestamp: float, intent: str | None, action: str | None, raw: str) -> Turn | None:
    data = event_data(raw)
    when = event_time(timestamp)
    if kind == "user":
        parsed = (data.get("parse_data") or {}).get("intent") or {}
        confidence = parsed.get("confidence")
        return Turn(when, "user", str(data.get("text") or ""), intent or parsed.get("name"),
                    float(confidence) if isinstance(confidence, int | float) else None)
    if kind == "bot":
        extra = data.get("data") or {}
        custom = extra.get("custom")
        allocation = custom if isinstance(custom, dict) and custom.get("type") == "allocation" else None
        buttons = [b for b in extra.get("buttons") or [] if isinstance(b, dict)]
        return Turn(when, "bot", str(data.get("text") or ""), buttons=buttons, allocation=allocation)
    if kind == "action" and action and action not in QUIET_ACTIONS:
        return Turn(when, "action", name=action)
    if kind == "slot":
        return Turn(when, "slot", name=str(data.get("name")), value=data.get("value"))
    return None


def transcript(db: Session, conversation_id: str) -> Transcript:
    events = conversation_events(db, conversation_id, SHOWN)
    turns = [t for t in (_turn(*event) for event in events) if t is not None]
    # Both read Rasa's user events in (timestamp, id) order, so the n-th user turn is the n-th message.
    users = [t for t in turns if t.kind == "user"]
    for turn, message in zip(users, user_messages(db, conversation_id), strict=False):
        turn.event_id = message.event_id
    turns += [Turn(message.created_at, "undelivered", message.text, name=message.reason)
              for message in undelivered_messages(db, conversation_id)]
    turns.sort(key=lambda t: t.when)
    records = conversation_records(db, conversation_id)
    state = review_state(db, [conversation_id]).get(
        conversation_id, {"flagged": False, "reviewed": False, "tags": []})
    return Transcript(conversation_id, turns, records.recommendations, records.offers,
                      records.surveys, records.handoffs, review_trail(db, conversation_id), state)


def as_dict(t: Transcript) -> dict:
    """The whole transcript as plain JSON-ready data (the JSON export)."""
    return {
        "conversation_id": t.conversation_id,
        "review": t.state,
        "turns": [turn.as_dict() for turn in t.turns],
        "recommendations": [
            {"time": r.created_at.isoformat(timespec="seconds"), "risk_score": r.risk_score,
             "weights": r.weights, "expected_return": r.expected_return,
             "volatility": r.volatility, "bad_year": r.bad_year, "history": r.history,
             "history_version": r.history_version,
             "probability_of_target": r.probability_of_target, "flags": r.flags,
             "engine_version": r.engine_version} for r in t.recommendations],
        "offers": [{"time": o.created_at.isoformat(timespec="seconds"), "offer": o.offer,
                    "answer": o.answer} for o in t.offers],
        "surveys": [{"survey": s.survey, "question": s.question, "answer": s.answer}
                    for s in t.surveys],
        "handoffs": [{"time": h.created_at.isoformat(timespec="seconds"), "reason": h.reason}
                     for h in t.handoffs],
        "review_trail": [{"time": e.created_at.isoformat(timespec="seconds"), "staff": name,
                          "action": e.action, "value": e.value} for e, name in t.reviews],
    }


# The transcript as a conversation (the staff transcript page): messages as bubbles, the actions
# and slot changes between two messages folded into one line, the records at the turn they were
# written, and the state of every slot after each user message.

ROOT = Path(__file__).resolve().parents[2]
#: Actions that mean the bot did not understand the message before them (as in db.conversation_list).
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback"})
FALLBACK_INTENTS = frozenset({"nlu_fallback"})
#: Intents that say the client did not follow the bot's message before ("huh?", "没看懂"): that
#: message is worth a reviewer's look.
NOT_FOLLOWED_INTENTS = frozenset({"not_following"})
#: A run that clears this many slots at once is a reset: one line saying how many, not a row each.
RESET_AT = 3


@lru_cache(maxsize=4)
def _threshold(path: Path, modified: float) -> float:
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))  # Rasa's default when it is not set
    raise ValueError(f"{path} has no FallbackClassifier in its pipeline")


def fallback_threshold(path: Path = ROOT / "config.yml") -> float:
    """The NLU confidence below which Rasa falls back (the FallbackClassifier's threshold)."""
    return _threshold(path, path.stat().st_mtime)


@lru_cache(maxsize=4)
def _slots(path: Path, modified: float) -> tuple[str, ...]:
    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(domain.get("slots") or {})


def domain_slots(path: Path = ROOT / "domain.yml") -> tuple[str, ...]:
    """Every slot of the domain, in the domain's order."""
    return _slots(path, path.stat().st_mtime)


def slot_text(value: object) -> str:
    """A slot value as a reviewer reads it: text as it is, anything else as JSON, unset as "–"."""
    if value is None:
        return "–"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass
class Fold:
    """The actions and slot changes between two messages, shown as one line."""

    when: datetime
    actions: list[str] = field(default_factory=list)
    changes: list[tuple[str, object]] = field(default_factory=list)  # in order, None = cleared
    form: str | None = None  # the form that was running, if any

    kind = "fold"

    @property
    def cleared(self) -> list[str]:
        return [name for name, value in self.changes if value is None]

    @property
    def given(self) -> list[tuple[str, object]]:
        """The slots given a value, each once with its last value, in the order first set."""
        last: dict[str, object] = {}
        for name, value in self.changes:
            if value is not None:
                last[name] = value
            else:
                last.pop(name, None)
        return list(last.items())

    @property
    def given_text(self) -> list[tuple[str, str]]:
        return [(name, slot_text(value)) for name, value in self.given]

    @property
    def reset(self) -> bool:
        return len(self.cleared) >= RESET_AT

    @property
    def shown_actions(self) -> list[str]:
        """The actions worth naming: the bot's replies (utter_...) are already bubbles."""
        return [a for a in self.actions if not a.startswith("utter_")]

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.shown_actions


@dataclass
class UserTurn:
    """A user message with what the bot understood and the slots right after it."""

    turn: Turn
    index: int  # among the page's user messages, from 0
    low_confidence: bool = False
    fell_back: bool = False
    not_followed: bool = False  # the client did not follow the bot's message before this one
    slots: dict = field(default_factory=dict)  # every slot after this message and its answer
    changed: set[str] = field(default_factory=set)  # the slots this message changed

    kind = "user"

    @property
    def when(self) -> datetime:
        return self.turn.when

    @property
    def flagged(self) -> bool:
        return self.low_confidence or self.fell_back or self.not_followed


@dataclass
class RecordItem:
    """A record written during the conversation, shown at the turn it was written."""

    when: datetime
    record_kind: str  # recommendation, offer, survey, handoff, undelivered
    record: object

    kind = "record"


@dataclass
class TranscriptView:
    conversation_id: str
    items: list  # Turn (bot), UserTurn, Fold, RecordItem, in order
    raw: list[Turn]  # the page's events one by one, for the raw view
    user_turns: list[UserTurn]
    slot_names: tuple[str, ...]
    page: TranscriptPage
    threshold: float  # below this NLU confidence Rasa falls back

    @cached_property
    def states(self) -> list[dict]:
        """Each user message's slots as text and the slots it changed (the side panel's data)."""
        return [{"slots": {name: slot_text(u.slots.get(name)) for name in self.slot_names},
                 "changed": sorted(u.changed)} for u in self.user_turns]

    @cached_property
    def first_state(self) -> dict:
        """The side panel before a turn is chosen: after the page's first user message, or the
        slots the page starts with when it has none."""
        if self.states:
            return self.states[0]
        before = self.page.slots_before
        return {"slots": {name: slot_text(before.get(name)) for name in self.slot_names},
                "changed": []}


def _page_turn(row) -> Turn | None:
    if row.type_name in ("active_loop", "reset_slots", "restart"):
        data = event_data(row.data)
        name = data.get("name") if row.type_name == "active_loop" else row.type_name
        return Turn(event_time(row.timestamp), row.type_name, name=name, event_id=row.id)
    turn = _turn(row.type_name, row.timestamp, row.intent_name, row.action_name, row.data)
    if turn is not None:
        turn.event_id = row.id
    return turn


def fold(turns: list[Turn], slots_before: dict | None = None, slot_names: tuple[str, ...] = (),
         threshold: float = 0.4) -> tuple[list, list[UserTurn]]:
    """The page's turns as bubbles and folded lines; each user turn with the slots after it.

    ``turns`` are in order (user, bot, action, slot, active_loop, reset_slots, restart events);
    ``slots_before`` are the slots when the first of them happened.
    """
    items: list = []
    users: list[UserTurn] = []
    state = {name: None for name in slot_names} | dict(slots_before or {})
    form: str | None = None
    run: Fold | None = None

    def close_turn() -> None:
        if users:
            users[-1].slots = dict(state)

    for turn in turns:
        if turn.kind in ("user", "bot", "undelivered"):
            run = None
            if turn.kind == "user":
                close_turn()
                confidence = turn.confidence
                user = UserTurn(turn, len(users), low_confidence=(
                    confidence is not None and confidence < threshold),
                    fell_back=turn.intent in FALLBACK_INTENTS,
                    not_followed=turn.intent in NOT_FOLLOWED_INTENTS)
                users.append(user)
                items.append(user)
            else:
                items.append(turn)
            continue
        if run is None:
            run = Fold(turn.when, form=form)
            items.append(run)
        if turn.kind == "active_loop":
            form = turn.name or None
            run.form = run.form or form
        elif turn.kind == "action":
            run.actions.append(turn.name)
            if turn.name in FALLBACK_ACTIONS and users:  # the bot gave up on the last message
                users[-1].fell_back = True
            if turn.name.endswith("_form"):
                run.form = run.form or turn.name
        elif turn.kind == "slot":
            run.changes.append((turn.name, turn.value))
            state[turn.name] = turn.value
            if users:
                users[-1].changed.add(turn.name)
        else:  # reset_slots, restart
            run.actions.append(turn.kind)
            run.changes.extend((name, None) for name, value in state.items() if value is not None)
            state = dict.fromkeys(slot_names)
            form = None
    close_turn()
    return [item for item in items if not (isinstance(item, Fold) and item.is_empty)], users


def _place(items: list, records: list[RecordItem]) -> list:
    """The records among the items, each after the last item that happened no later than it."""
    placed: list = []
    pending = sorted(records, key=lambda r: r.when)
    for item in items:
        while pending and pending[0].when < item.when:
            placed.append(pending.pop(0))
        placed.append(item)
    return placed + pending


def transcript_view(db: Session, conversation_id: str, number: int = 1,
                    size: int = PAGE_SIZE) -> TranscriptView:
    """Page ``number`` of the conversation as the staff transcript page shows it."""
    page = transcript_page(db, conversation_id, number, size)
    raw = [t for t in (_page_turn(row) for row in page.events) if t is not None]
    names = domain_slots()
    threshold = fallback_threshold()
    items, users = fold(raw, page.slots_before, names, threshold)
    r = page.records
    records = ([RecordItem(x.created_at, "recommendation", x) for x in r.recommendations]
               + [RecordItem(x.created_at, "offer", x) for x in r.offers]
               + [RecordItem(x.created_at, "survey", x) for x in r.surveys]
               + [RecordItem(x.created_at, "handoff", x) for x in r.handoffs]
               + [RecordItem(x.created_at, "undelivered", x) for x in r.undelivered])
    extra = sorted({name for u in users for name in u.slots} - set(names))
    return TranscriptView(conversation_id, _place(items, records),
                          [t for t in raw if t.kind in SHOWN], users, names + tuple(extra), page,
                          threshold)


@dataclass
class TranscriptScreen:
    """Everything the transcript page shows: one page of the conversation, the review state and
    trail, and the whole conversation's records (each linked to the page that shows it)."""

    view: TranscriptView
    state: dict
    reviews: list[tuple[ReviewEvent, str]]
    records: object  # db.conversations.ConversationRecords

    @property
    def found(self) -> bool:
        r = self.records
        return bool(self.view.page.messages or self.view.raw or self.reviews or r.recommendations
                    or r.offers or r.surveys or r.handoffs or self.view.page.records.undelivered)


def transcript_screen(db: Session, conversation_id: str, number: int = 1,
                      size: int = PAGE_SIZE) -> TranscriptScreen:
    """Page ``number`` of the conversation with its review state; ValueError if no such page."""
    view = transcript_view(db, conversation_id, number, size)
    state = review_state(db, [conversation_id]).get(
        conversation_id, {"flagged": False, "reviewed": False, "tags": []})
    return TranscriptScreen(view, state, review_trail(db, conversation_id),
                            conversation_records(db, conversation_id))
