"""Triage in the database: a conversation's neighbours in a filtered list follow the list's own
order, who reviewed a conversation last, and the saved filters with their relative periods.
Runs on SQLite, and on PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from db.accounts import StaffUser
from db.conversation_list import Filters, neighbours, summaries
from db.migrate import upgrade
from db.review import ReviewEvent
from db.saved_filters import (
    PERIODS,
    SavedFilter,
    delete_filter,
    period_range,
    save_filter,
    saved_filters,
)
from db.session import make_engine, session_scope


def ts(day: int, minute: int = 0) -> float:
    return datetime(2026, 11, day, 10, minute, tzinfo=UTC).timestamp()


def rasa_events(connection) -> None:
    """The columns of Rasa's tracker-store table that the console reads."""
    metadata = sa.MetaData()
    sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("sender_id", sa.String(255), nullable=False),
             sa.Column("type_name", sa.String(255), nullable=False),
             sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String(255)),
             sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text))
    metadata.create_all(connection)


def user(sender: str, timestamp: float, intent: str) -> dict:
    data = {"event": "user", "timestamp": timestamp, "text": f"{sender} says hi",
            "parse_data": {"intent": {"name": intent, "confidence": 0.5}}}
    return {"sender_id": sender, "type_name": "user", "timestamp": timestamp,
            "intent_name": intent, "action_name": None, "data": json.dumps(data)}


#: (conversation, day of its only message, intent); "tie-a" and "tie-b" end at the same moment.
CONVERSATIONS = [("c1", 10, "greet"), ("c2", 12, "nlu_fallback"), ("tie-b", 14, "greet"),
                 ("tie-a", 14, "nlu_fallback"), ("c5", 16, "nlu_fallback"), ("c6", 18, "greet")]


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        rasa_events(connection)
        events = sa.table("events", *(sa.column(c) for c in (
            "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")))
        connection.execute(sa.insert(events), [user(c, ts(d), i) for c, d, i in CONVERSATIONS])
    with session_scope(engine) as session:
        session.add_all([StaffUser(username=name, password_hash="x", role="reviewer", active=True,
                                   created_at=datetime(2026, 11, 1)) for name in ("ann", "bob")])
    yield engine
    engine.dispose()


def staff_id(db, name: str) -> int:
    return db.scalar(sa.select(StaffUser.id).where(StaffUser.username == name))


def walk(db, filters: Filters) -> list[str]:
    """The list as next links give it, from its first conversation."""
    first = summaries(db, filters, limit=1)[0].conversation_id
    order, current = [first], neighbours(db, filters, first)
    while current.next is not None:
        order.append(current.next)
        current = neighbours(db, filters, current.next)
    return order


@pytest.mark.parametrize("filters", [Filters(), Filters(fallback=True), Filters(fallback=False),
                                     Filters(date_from=date(2026, 11, 12),
                                             date_to=date(2026, 11, 14))])
def test_next_steps_through_the_list_in_its_own_order(engine, filters):
    with session_scope(engine) as db:
        listed = [s.conversation_id for s in summaries(db, filters)]
        assert walk(db, filters) == listed
        for position, conversation in enumerate(listed, start=1):
            near = neighbours(db, filters, conversation)
            assert near.position == position and near.total == len(listed)
            assert near.previous == (listed[position - 2] if position > 1 else None)
            assert near.next == (listed[position] if position < len(listed) else None)


def test_the_filtered_neighbours_skip_what_the_filter_leaves_out(engine):
    with session_scope(engine) as db:
        # Newest first, a tie on the last message broken by the id: c5, tie-a, c2.
        near = neighbours(db, Filters(fallback=True), "tie-a")
        assert (near.previous, near.next, near.position, near.total) == ("c5", "c2", 2, 3)
        everything = neighbours(db, Filters(), "tie-a")
        assert (everything.previous, everything.next, everything.position) == ("c5", "tie-b", 3)


def test_a_conversation_outside_the_filter_has_no_place_in_it(engine):
    with session_scope(engine) as db:
        near = neighbours(db, Filters(fallback=True), "c6")
        assert (near.previous, near.next, near.position, near.total) == (None, None, None, 3)
        assert neighbours(db, Filters(), "no-such-conversation").position is None


def test_the_list_says_who_reviewed_last_and_when(engine):
    with session_scope(engine) as db:
        ann, bob = staff_id(db, "ann"), staff_id(db, "bob")
        db.add_all([
            ReviewEvent(conversation_id="c2", staff_user_id=ann, action="reviewed", value="",
                        created_at=datetime(2026, 11, 20, 9)),
            ReviewEvent(conversation_id="c2", staff_user_id=bob, action="reviewed", value="",
                        created_at=datetime(2026, 11, 21, 9)),
            ReviewEvent(conversation_id="c5", staff_user_id=ann, action="flag", value="",
                        created_at=datetime(2026, 11, 21, 9)),
        ])
    with session_scope(engine) as db:
        by_id = {s.conversation_id: s for s in summaries(db)}
        assert (by_id["c2"].reviewed_by, by_id["c2"].reviewed_at) == ("bob", datetime(2026, 11, 21, 9))
        assert by_id["c5"].reviewed_by is None and by_id["c5"].reviewed_at is None  # flagged only
        assert [s.conversation_id for s in summaries(db, Filters(reviewed=False))] == [
            "c6", "c5", "tie-a", "tie-b", "c1"]


def test_saved_filters_belong_to_their_owner(engine):
    with session_scope(engine) as db:
        ann, bob = staff_id(db, "ann"), staff_id(db, "bob")
        kept = save_filter(db, ann, "  fallbacks this week ", "fallback=yes&period=this_week")
        save_filter(db, ann, "a handoff", "handoff=yes")
        save_filter(db, bob, "fallbacks this week", "fallback=yes")  # bob's own, same name
        with pytest.raises(ValueError, match="name: you already have a saved filter called"):
            save_filter(db, ann, "fallbacks this week", "flagged=yes")
        with pytest.raises(ValueError, match="name: a saved filter needs a name"):
            save_filter(db, ann, "   ", "flagged=yes")
        assert [(f.name, f.query) for f in saved_filters(db, ann)] == [
            ("a handoff", "handoff=yes"), ("fallbacks this week", "fallback=yes&period=this_week")]
        assert not delete_filter(db, bob, kept.id)  # not bob's
        assert delete_filter(db, ann, kept.id)
        assert [f.name for f in saved_filters(db, ann)] == ["a handoff"]
        assert db.scalar(sa.select(sa.func.count()).select_from(SavedFilter)) == 2


@pytest.mark.parametrize(("period", "today", "expected"), [
    ("today", date(2026, 12, 3), (date(2026, 12, 3), date(2026, 12, 3))),
    ("yesterday", date(2026, 12, 1), (date(2026, 11, 30), date(2026, 11, 30))),
    ("this_week", date(2026, 12, 3), (date(2026, 11, 30), date(2026, 12, 3))),  # a Thursday
    ("this_week", date(2026, 11, 30), (date(2026, 11, 30), date(2026, 11, 30))),  # a Monday
    ("this_week", date(2026, 12, 6), (date(2026, 11, 30), date(2026, 12, 6))),  # a Sunday
    ("last_7_days", date(2026, 12, 3), (date(2026, 11, 27), date(2026, 12, 3))),
    ("last_30_days", date(2026, 12, 3), (date(2026, 11, 4), date(2026, 12, 3))),
    ("this_month", date(2026, 12, 3), (date(2026, 12, 1), date(2026, 12, 3))),
])
def test_relative_periods_move_with_the_day(period, today, expected):
    assert period_range(period, today) == expected


def test_every_period_is_resolved_and_an_unknown_one_is_named():
    for period in PERIODS:
        first, last = period_range(period, date(2026, 3, 1))
        assert first <= last <= date(2026, 3, 1)
    with pytest.raises(ValueError, match="period: 'next_week' is not one of today, yesterday"):
        period_range("next_week", date(2026, 3, 1))
