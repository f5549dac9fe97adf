"""The conversation summaries agree with Rasa's events: the rows the trigger keeps as events arrive
(in any order, interleaved, in several transactions), the rows the migration and the first list
request fill from events already there, and the full aggregation over ``events`` all match; the list,
its search and every filter give what the full aggregation gives. Runs on SQLite, and on
PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from support.tracker_store import rasa_events

from db import conversation_list
from db.accounts import StaffUser
from db.clients import Client, LifecycleScore
from db.conversation_list import Filters, count, list_page, listing, neighbours, summaries
from db.conversation_ratings import ConversationRating, latest
from db.conversation_summary import (
    SUMMARY_COLUMNS,
    ConversationIntent,
    ConversationSummary,
    ConversationText,
    aggregate,
    ensure,
    installed,
    intents,
    texts,
)
from db.conversations import HandoffRequest, SurveyAnswer
from db.migrate import alembic_config, upgrade
from db.review import ReviewEvent
from db.session import make_engine, session_scope
from db.tracker_events import epoch

START = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
CLIENT_IDS = (1, 2, 3, 4, 5, 6)  # 6 has no lifecycle score
TEXTS = ("Hello WORLD", "我想做理财规划", "pension at 65?", "", "<b>bonds</b> & gold", "50% in stocks",
         "Talk to a person", "请帮我看看养老金")


def event(sender: str, kind: str, timestamp: float | None, data: dict, *, intent=None,
          action=None, escaped: bool = True) -> dict:
    return {"sender_id": sender, "type_name": kind, "timestamp": timestamp, "intent_name": intent,
            "action_name": action,
            "data": json.dumps({"event": kind, "timestamp": timestamp, **data},
                               ensure_ascii=escaped)}


def conversation(rng: random.Random, sender: str, n: int) -> list[dict]:
    """``n`` events of every kind the list reads: user messages (fallback intents, a client id
    of several JSON types, Chinese escaped or not), bot messages, fallback and handoff actions,
    stage and language slots set, emptied and set again, out-of-order and missing times."""
    client = rng.choice((None, None, *CLIENT_IDS, "3", 2.0))
    t = START + rng.uniform(0, 20 * 86_400)
    rows = []
    for _ in range(n):
        t += rng.uniform(-30, 300)  # a clock may step back
        when = None if rng.random() < 0.02 else t
        kind = rng.choice(("user", "user", "bot", "action", "slot"))
        if kind == "user":
            intent = rng.choice(("greet", "inform", "ask_fees", "nlu_fallback", None))
            data = {"text": rng.choice(TEXTS), "parse_data": {"intent": {"name": intent}},
                    "metadata": {} if client is None or rng.random() < 0.2 else {"client_id": client}}
            rows.append(event(sender, "user", when, data, intent=intent,
                              escaped=rng.random() < 0.8))
        elif kind == "bot":
            data = {"text": rng.choice(TEXTS)} if rng.random() < 0.8 else {"data": {}}
            rows.append(event(sender, "bot", when, data, escaped=rng.random() < 0.8))
        elif kind == "action":
            name = rng.choice(("action_listen", "utter_greet", "action_default_fallback",
                               "action_two_stage_fallback", "action_handoff", "action_listen"))
            rows.append(event(sender, "action", when, {"name": name}, action=name))
        else:
            name, value = rng.choice((
                ("language", "zh"), ("language", "en"), ("language", ""), ("language", None),
                ("lifecycle_stage", "growth"), ("lifecycle_stage", "declining"),
                ("lifecycle_stage", "prospect"), ("lifecycle_stage", None), ("age", 35)))
            rows.append(event(sender, "slot", when, {"name": name, "value": value}))
    return rows


def generated(seed: int = 7, conversations: int = 40) -> list[dict]:
    rng = random.Random(seed)
    rows = [row for k in range(conversations)
            for row in conversation(rng, f"c{k:02d}", rng.randint(1, 30))]
    rows.append(event("client-zero", "user", START, {"text": "hi", "metadata": {"client_id": 0}},
                      intent="greet"))
    return [{"id": i, **row} for i, row in enumerate(rows, start=1)]


def shuffled(rows: list[dict], seed: int = 11) -> list[dict]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


def kept(connection) -> dict[str, list[tuple]]:
    """The three summary tables as the trigger (or a fill) left them."""
    s = ConversationSummary.__table__
    return {
        "summaries": [tuple(r) for r in connection.execute(
            sa.select(*(s.c[name] for name in SUMMARY_COLUMNS)).order_by(s.c.conversation_id))],
        "intents": sorted(tuple(r) for r in connection.execute(
            sa.select(ConversationIntent.intent_name, ConversationIntent.conversation_id))),
        "texts": lines(connection.execute(
            sa.select(ConversationText.conversation_id, ConversationText.text))),
    }


def from_scratch(connection) -> dict[str, list[tuple]]:
    """The same, aggregated over the whole ``events`` table."""
    dialect = connection.dialect.name
    found = aggregate(dialect).subquery()
    return {
        "summaries": [tuple(r) for r in connection.execute(
            sa.select(found).order_by(found.c.conversation_id))],
        "intents": sorted(tuple(r) for r in connection.execute(intents())),
        "texts": lines(connection.execute(texts(dialect))),
    }


def lines(rows) -> list[tuple[str, list[str]]]:
    """Each conversation's messages, sorted: the trigger appends them as they arrive, which
    may not be the order of their ids."""
    return sorted((conversation_id, sorted(text.split("\n"))) for conversation_id, text in rows)


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_events_arriving_in_any_order_keep_the_summaries_equal_to_the_full_aggregation(engine):
    rows = generated()
    with engine.begin() as c:
        table = rasa_events(c)
    with session_scope(engine) as db:
        assert count(db) == 0  # the first request installs the trigger on the empty table
    with engine.connect() as c:
        assert installed(c)
    # In several transactions, the conversations interleaved and their ids out of order.
    pending = shuffled(rows)
    while pending:
        with engine.begin() as c:
            for row in pending[:37]:
                c.execute(sa.insert(table), [row])
        pending = pending[37:]
    with engine.connect() as c:
        found, expected = kept(c), from_scratch(c)
    assert len(found["summaries"]) == 41 and found["intents"] and found["texts"]
    assert found == expected
    statuses = {r[0]: r for r in found["summaries"]}
    assert statuses["client-zero"][SUMMARY_COLUMNS.index("client_id")] == 0


def answers(numbers: range) -> list[dict]:
    """Survey answers, the ids given out of order: ratings that are numbers and some that are
    not, several for a conversation, and another question."""
    rng = random.Random(numbers.start)
    rows = [{"id": i, "conversation_id": f"c{rng.randint(0, 9):02d}", "survey": "satisfaction",
             "question": rng.choice(("rating", "rating", "comment")),
             "answer": rng.choice(("5", " 4.5 ", "3", "4.", ".5", "1.2.3", "4 5", "", "great",
                                   "2", "10")),
             "created_at": datetime(2026, 11, 30)} for i in numbers]
    return shuffled(rows)


def ratings_agree(connection) -> bool:
    kept_ratings = sorted(tuple(r) for r in connection.execute(sa.select(
        ConversationRating.conversation_id, ConversationRating.answer_id,
        ConversationRating.rating)))
    scratch = sorted(tuple(r) for r in connection.execute(latest(connection.dialect.name)))
    return len(kept_ratings) > 3 and kept_ratings == scratch


def test_the_migration_fills_the_summaries_from_events_already_there(database_url):
    upgrade(database_url, "0011")
    engine = make_engine(database_url)
    with engine.begin() as c:
        c.execute(sa.insert(rasa_events(c)), generated(seed=3))
        c.execute(sa.insert(SurveyAnswer), answers(range(1, 60)))
        if c.dialect.name == "postgresql":  # the ids were given: move Rasa's sequence past them
            c.execute(sa.text("SELECT setval(pg_get_serial_sequence('events', 'id'), "
                              "(SELECT max(id) FROM events))"))
    upgrade(database_url)
    with engine.connect() as c:
        assert installed(c)
        found, expected = kept(c), from_scratch(c)
        assert ratings_agree(c)
    assert len(found["summaries"]) == 41 and found == expected
    with engine.begin() as c:  # ratings given later, out of order, through the trigger
        c.execute(sa.insert(SurveyAnswer), answers(range(60, 140)))
    with engine.connect() as c:
        assert ratings_agree(c)
    with engine.begin() as c:  # and keeps them from then on
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                          "VALUES ('c01', 'user', :t, 'nlu_fallback', :d)"),
                  {"t": START + 90 * 86_400, "d": json.dumps({"text": "Later"})})
    with engine.connect() as c:
        assert kept(c) == from_scratch(c)
    command.downgrade(alembic_config(database_url), "0011")
    with engine.connect() as c:
        assert not installed(c)
        assert not sa.inspect(c).has_table("conversation_summaries")
        assert not sa.inspect(c).has_table("conversation_ratings")
    with engine.begin() as c:  # answers are still written without the ratings
        c.execute(sa.insert(SurveyAnswer), answers(range(140, 150)))
    with engine.begin() as c:  # Rasa still writes without the summaries
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, data) VALUES ('x', 'user', '{}')"))
    engine.dispose()


def test_the_first_list_request_fills_them_when_rasa_made_its_table_after_the_migrations(engine):
    rows = generated(seed=5)
    with engine.begin() as c:
        table = rasa_events(c)
        c.execute(sa.insert(table), rows[:300])
    with session_scope(engine) as db:
        assert count(db) == len({r["sender_id"] for r in rows[:300]})
    with engine.begin() as c:
        c.execute(sa.insert(table), rows[300:])
    with engine.connect() as c:
        assert kept(c) == from_scratch(c)
    with session_scope(engine) as db:  # a second look finds the trigger and changes nothing
        ensure(db)
        assert count(db) == 41


def test_an_event_whose_data_is_not_json_is_still_written_and_counted(engine):
    with engine.begin() as c:
        table = rasa_events(c)
    with session_scope(engine) as db:
        ensure(db)
    with engine.begin() as c:
        c.execute(sa.insert(table), [
            {"sender_id": "odd", "type_name": "user", "timestamp": START, "data": "not json"},
            {"sender_id": "odd", "type_name": "slot", "timestamp": START + 1, "data": "[1, 2]"},
            {"sender_id": "odd", "type_name": "bot", "timestamp": START + 2, "data": None},
            {"sender_id": "odd", "type_name": "user", "timestamp": START + 3,
             "data": json.dumps({"text": "Fine", "metadata": {"client_id": 10 ** 12}})},
        ])
    with engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 4
        row = c.execute(sa.select(ConversationSummary)).one()
        assert (row.user_messages, row.started, row.last) == (2, START, START + 3)
        assert c.execute(sa.select(ConversationText.text)).scalar() == "fine"


# -- the list against the full aggregation ------------------------------------------------------

@pytest.fixture
def store(engine):
    """The generated conversations with the project's records the list reads: lifecycle scores
    (a client scored twice, one unscored), ratings (the latest numeric one counts), flags and
    reviews, a handoff request without a handoff action."""
    now = datetime(2026, 11, 30)
    with engine.begin() as c:
        c.execute(sa.insert(rasa_events(c)), generated(seed=9, conversations=60))
    with session_scope(engine) as db:
        db.add_all([Client(id=i, name=f"Client {i}", created_at=now, segment="retail", aum=0.0,
                           products="", do_not_contact=False) for i in CLIENT_IDS])
        stages = {1: "growth", 2: "mature", 3: "declining", 4: "onboarding", 5: "growth"}
        db.add_all([LifecycleScore(client_id=i, as_of=now, stage=stage, churn_risk=0.1,
                                   expected_value=0.0, model_version="t", scored_at=now)
                    for i, stage in stages.items()])
        db.add(LifecycleScore(client_id=2, as_of=datetime(2026, 12, 1), stage="declining",
                              churn_risk=0.5, expected_value=0.0, model_version="t",
                              scored_at=datetime(2026, 12, 1)))
        staff = StaffUser(username="triager", password_hash="x", role="reviewer", created_at=now)
        db.add(staff)
        db.flush()
        for k, answer in ((1, "5"), (2, "3"), (3, "4"), (3, "2"), (4, "4"), (4, "great"),
                          (5, "1"), (8, " 4.5 "), (9, "3"), (9, "4."), (10, "2"), (10, ".5"),
                          (11, "1"), (11, "1.2.3"), (12, "5"), (12, "4 5"), (13, "")):
            db.add(SurveyAnswer(conversation_id=f"c{k:02d}", survey="satisfaction",
                                question="rating", answer=answer, created_at=now))
        for k, action in ((1, "flag"), (2, "flag"), (2, "unflag"), (3, "reviewed"), (6, "flag"),
                          (6, "reviewed")):
            db.add(ReviewEvent(conversation_id=f"c{k:02d}", staff_user_id=staff.id,
                               action=action, value="", created_at=now))
        db.add(HandoffRequest(conversation_id="c07", reason="asked", created_at=now))
    return engine


def latest_ratings(db) -> dict[str, float]:
    """Each conversation's latest rating answer that is a number, read in Python."""
    ratings = {}
    for conversation_id, answer in db.execute(
            sa.select(SurveyAnswer.conversation_id, SurveyAnswer.answer)
            .where(SurveyAnswer.question == "rating").order_by(SurveyAnswer.id)):
        if re.fullmatch(r" *[0-9]+(\.[0-9]+)? *", answer):
            ratings[conversation_id] = float(answer)
    return ratings


def reference(db, filters: Filters) -> list[str]:
    """The conversations ``filters`` leaves, newest first, from the full aggregation over
    ``events`` and a search over the messages' text done in Python."""
    rows = db.execute(sa.select(listing(db.get_bind().dialect.name))).mappings().all()
    ratings = latest_ratings(db)
    events = db.execute(sa.text("SELECT sender_id, type_name, intent_name, data FROM events")).all()
    intents_of: dict[str, set] = {}
    texts_of: dict[str, list[str]] = {}
    for sender, kind, intent, data in events:
        if kind == "user" and intent is not None:
            intents_of.setdefault(sender, set()).add(intent)
        if kind in ("user", "bot"):
            text = json.loads(data).get("text")
            if text:
                texts_of.setdefault(sender, []).append(text.lower())

    def passes(r) -> bool:
        f = filters
        checks = [
            f.date_from is None or r["last"] >= epoch(datetime.combine(f.date_from, datetime.min.time())),
            f.date_to is None or r["started"] < epoch(datetime.combine(f.date_to, datetime.min.time()))
            + 86_400,
            f.audience is None or (r["client_id"] is not None) == (f.audience == "client"),
            f.stage is None or r["stage"] == f.stage,
            f.fallback is None or bool(r["fallback"]) == f.fallback,
            f.handoff is None or bool(r["handoff"]) == f.handoff,
            f.flagged is None or bool(r["flagged"]) == f.flagged,
            f.reviewed is None or bool(r["reviewed"]) == f.reviewed,
            f.min_rating is None or ratings.get(r["conversation_id"], 0) >= f.min_rating,
            f.intent is None or f.intent in intents_of.get(r["conversation_id"], ()),
            f.language is None or r["language"] == f.language,
            not f.search or any(f.search.strip().lower() in t
                                for t in texts_of.get(r["conversation_id"], ())),
        ]
        return all(checks)

    chosen = sorted((r for r in rows if passes(r)), key=lambda r: (-r["last"], r["conversation_id"]))
    return [r["conversation_id"] for r in chosen]


FILTERS = [
    Filters(),
    Filters(audience="client"), Filters(audience="prospect"),
    Filters(stage="prospect"), Filters(stage="growth"), Filters(stage="declining"),
    Filters(stage="unscored"), Filters(stage="mature"),
    Filters(fallback=True), Filters(fallback=False),
    Filters(handoff=True), Filters(handoff=False),
    Filters(flagged=True), Filters(flagged=False),
    Filters(reviewed=True), Filters(reviewed=False),
    Filters(min_rating=4), Filters(min_rating=1.5), Filters(min_rating=4.5),
    Filters(intent="ask_fees"), Filters(intent="nlu_fallback"), Filters(intent="none-such"),
    Filters(language="zh"), Filters(language="en"),
    Filters(date_from=date(2026, 11, 8)), Filters(date_to=date(2026, 11, 12)),
    Filters(date_from=date(2026, 11, 5), date_to=date(2026, 11, 15)),
    Filters(search="world"), Filters(search=" Hello "), Filters(search="理财"),
    Filters(search="养老金"), Filters(search="50%"), Filters(search="%"), Filters(search="b>&"),
    Filters(search="pension", audience="client", fallback=False),
    Filters(language="zh", stage="growth", reviewed=False),
]


@pytest.mark.parametrize("filters", FILTERS, ids=[
    ",".join(f"{k}={v}" for k, v in vars(f).items() if v is not None) or "all" for f in FILTERS])
def test_the_list_and_its_count_match_the_full_aggregation(store, filters):
    with session_scope(store) as db:
        expected = reference(db, filters)
        assert [s.conversation_id for s in summaries(db, filters)] == expected
        assert count(db, filters) == len(expected)
        for few in (True, False):  # sorted after the filters, or walking the list's order
            page = summaries(db, filters, offset=3, limit=5, few=few)
            assert [s.conversation_id for s in page] == expected[3:8]
        total, page = list_page(db, filters, offset=3, limit=5)
        assert (total, [s.conversation_id for s in page]) == (conversation_list.Total(
            len(expected)), expected[3:8])
        for conversation_id in expected[:2] + expected[-2:]:
            position = expected.index(conversation_id)
            assert neighbours(db, filters, conversation_id) == conversation_list.Neighbours(
                expected[position - 1] if position else None,
                expected[position + 1] if position + 1 < len(expected) else None,
                position + 1, len(expected))


def test_every_column_of_the_list_matches_the_full_aggregation(store):
    with session_scope(store) as db:
        rows = {r["conversation_id"]: r for r in db.execute(
            sa.select(listing(db.get_bind().dialect.name))).mappings()}
        listed = summaries(db)
        ratings = latest_ratings(db)
        assert len(listed) == len(rows) == 61
        kinds = {name: set() for name in ("stage", "language", "fallback", "handoff", "rating",
                                          "flagged", "reviewed", "audience")}
        for s in listed:
            r = rows[s.conversation_id]
            assert (s.user_messages, s.client_id, s.stage, s.language, s.fallback, s.handoff,
                    s.rating, s.flagged, s.reviewed) == (
                r["user_messages"], r["client_id"], r["stage"], r["language"], bool(r["fallback"]),
                bool(r["handoff"]), ratings.get(s.conversation_id), bool(r["flagged"]),
                bool(r["reviewed"]))
            for name in kinds:
                kinds[name].add(getattr(s, name))
        # The data covers each kind of value, so the comparison above means something.
        assert {"prospect", "growth", "declining", "unscored"} <= kinds["stage"]
        assert kinds["language"] == {"en", "zh"}
        assert all(kinds[name] == {True, False} for name in ("fallback", "handoff", "flagged",
                                                             "reviewed"))
        assert {None, 5.0, 2.0, 4.0, 4.5, 3.0} <= kinds["rating"] and kinds["audience"] == {"client",
                                                                                 "prospect"}
