"""The search through its index (``db.conversation_search``: SQLite's FTS5 trigram table,
PostgreSQL's pg_trgm index) finds exactly what reading every text finds, as the search did
before it: the conversations whose lower-cased text contains the lower-cased term. For terms of
every length (one and two characters have no trigram), with LIKE's wildcards, quotes, FTS5's
query words, spaces, CJK, and across a message boundary; the index stays in step as events arrive,
after the summaries are filled again, after VACUUM, and a migration builds it from the texts
there. A list page with a search counts up to a bound (``Total``) and pages past it. Runs on
SQLite, and on PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import json
import logging
import random
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from support.databases import POSTGRESQL_URL, drop_postgresql_database, fresh_postgresql_database
from support.tracker_store import rasa_events

from db import conversation_list, conversation_search, conversation_summary
from db.conversation_list import Filters, Total, count, list_page, neighbours, summaries
from db.conversation_search import Term
from db.migrate import alembic_config, upgrade
from db.session import make_engine, session_scope

START = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
#: Each conversation's messages (user, bot, user, ...), and whether a client wrote it.
CONVERSATIONS = {
    "hello": (["Hello WORLD", "Noted: pension."], True),
    "plan": (["我想做理财规划", "好的，理财"], False),
    "pension-zh": (["请帮我看看养老金"], True),
    "wildcards": (["50% in stocks", "under_score and a\\b back"], False),
    "quotes": (['He said "yes" to it', "pension OR world? (NEAR) a*b ^c -d :e"], True),
    "lines": (["end of line", "next line"], False),
    "short": (["ok"], True),
    "one": (["x"], False),
    "accents": (["🙂 fine", "ÉCOLE é"], True),
    "spaces": (["a  b", "tab\there"], False),
    "silent": ([""], True),
}
TERMS = [
    "理", "理财", "理财规", "财规划", "养老金", "养老", "好的，理", "w", "wo", "world", "WORLD",
    " hello ", "hello world", "hello\nworld", '"', '"yes"', 'd "y', "%", "50%", "5%", "_", "r_s",
    "o_s", "\\", "a\\b", "\\b b", "line", "line\nnext", "line next", "of line\nnext li", "ok",
    "k", "x", "🙂", "🙂 f", "école", "ÉCOLE", "é", "a  b", "a b", "b\ttab", "tab\th", "?",
    "*", "a*b", "near", "(near)", "pension or world", "or", "^c", "-d", ":e", "no-such-words",
    "noted: pension.", ".",
]


def messages(sender: str, texts: list[str], client: bool, start: float) -> list[dict]:
    """User and bot messages in turn, Chinese written as Rasa does (escaped) or as it is."""
    rows = []
    for k, text in enumerate(texts):
        kind = "user" if k % 2 == 0 else "bot"
        data = {"event": kind, "timestamp": start + k, "text": text}
        if kind == "user":
            data["metadata"] = {"client_id": 1} if client else {}
        rows.append({"sender_id": sender, "type_name": kind, "timestamp": start + k,
                     "intent_name": "inform" if kind == "user" else None, "action_name": None,
                     "data": json.dumps(data, ensure_ascii=k % 3 != 2)})
    return rows


def all_messages() -> list[dict]:
    return [row for n, (sender, (texts, client)) in enumerate(CONVERSATIONS.items())
            for row in messages(sender, texts, client, START + n * 600)]


@pytest.fixture
def engine(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as c:
        c.execute(sa.insert(rasa_events(c)), all_messages())
    with session_scope(engine) as db:
        conversation_summary.ensure(db)  # what the first list request does
    yield engine
    engine.dispose()


def read_every_text(connection, term: str) -> set[str]:
    """The conversations whose text has ``term``, every text read: the search before the index
    (SQLite's LIKE, its wildcards escaped; PostgreSQL's strpos), on the database's own case."""
    needle = term.strip()
    if connection.dialect.name == "postgresql":
        query = "SELECT conversation_id FROM conversation_texts WHERE strpos(text, lower(:n)) > 0"
    else:
        needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = ("SELECT conversation_id FROM conversation_texts "
                 "WHERE text LIKE '%' || lower(:n) || '%' ESCAPE '\\'")
    return set(connection.execute(sa.text(query), {"n": needle}).scalars())


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def in_python(term: str, dialect: str) -> set[str]:
    """The same from the messages as written: lower-cased text, one message a line. SQLite's
    lower() changes ASCII letters only (É stays), PostgreSQL's every letter."""
    def lower(text: str) -> str:
        return text.lower() if dialect == "postgresql" else text.translate(ASCII_LOWER)

    needle = lower(term.strip())
    return {sender for sender, (texts, _) in CONVERSATIONS.items()
            if needle in "\n".join(lower(t) for t in texts if t)}


def newest_first(db, ids: set[str]) -> list[str]:
    s = conversation_summary.ConversationSummary
    rows = db.execute(sa.select(s.conversation_id, s.last)
                      .where(s.conversation_id.in_(ids))).all()
    return [cid for cid, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]


def assert_found(db, filters: Filters, expected: set[str]) -> None:
    """Every way the list finds ``filters``' conversations gives ``expected``."""
    order = newest_first(db, expected)
    assert [s.conversation_id for s in summaries(db, filters)] == order
    assert count(db, filters) == len(expected)
    for few in (True, False):  # sorted after the search, or walking the list's order
        assert [s.conversation_id for s in summaries(db, filters, offset=1, limit=2,
                                                      few=few)] == order[1:3]
    total, page = list_page(db, filters, offset=1, limit=2)
    assert (total, [s.conversation_id for s in page]) == (Total(len(expected)), order[1:3])
    if order:
        assert neighbours(db, filters, order[0]).total == len(expected)


def is_client(db, ids: set[str]) -> set[str]:
    s = conversation_summary.ConversationSummary
    return set(db.scalars(sa.select(s.conversation_id).where(s.conversation_id.in_(ids),
                                                              s.client_id.is_not(None))))


@pytest.mark.parametrize("term", TERMS, ids=[repr(t) for t in TERMS])
def test_the_index_finds_what_reading_every_text_finds(engine, term):
    with session_scope(engine) as db:
        expected = read_every_text(db.connection(), term)
        assert expected == in_python(term, db.get_bind().dialect.name)
        assert_found(db, Filters(search=term), expected)
        assert_found(db, Filters(search=term, audience="client"), is_client(db, expected))


def test_what_the_index_can_find(engine):
    with session_scope(engine) as db:
        postgresql = db.get_bind().dialect.name == "postgresql"
        for term, indexed in (("理财", False), ("养老金", True), (" ok ", False), ("world", True),
                              ("50%", not postgresql), ("b>&", not postgresql), ("a b", not postgresql),
                              ("pension at 65", True)):
            # SQLite's trigrams are any three characters; pg_trgm's, three letters or digits.
            assert Term.of(db, term).indexed == indexed, term


def test_postgresql_plans_a_search_for_its_term_however_often_the_statement_runs(engine):
    # psycopg prepares a statement from its fifth run, and PostgreSQL may then plan it once for
    # any term: a plan that reads every text where the index would find a rare term at once.
    # The term is written into the statement, so that each is planned for its own term.
    if engine.dialect.name != "postgresql":
        pytest.skip("prepared statements with generic plans are PostgreSQL's")
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: statements.append(statement))
    with session_scope(engine) as db:
        for term in ("pension", "world", "养老金", "no-such-words") * 3:
            list_page(db, Filters(search=term, audience="client"), limit=2)
            searched = [s for s in statements if "LIKE" in s]
            assert searched and all(term in s for s in searched), term
            statements.clear()


def test_a_term_across_two_messages_matches_only_with_the_line_break_between(engine):
    with session_scope(engine) as db:
        for term, expected in (("line\nnext", {"lines"}), ("line next", set()),
                               ("linenext", set()), ("of line\nnext li", {"lines"})):
            assert_found(db, Filters(search=term), expected)


def search_index_agrees(connection) -> None:
    """SQLite's FTS5 index against its content table (raises if they differ)."""
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("INSERT INTO conversation_search (conversation_search, rank) "
                                   "VALUES ('integrity-check', 1)"))


def test_the_index_keeps_up_with_new_events_and_a_new_fill(engine):
    later = START + 86_400
    with engine.begin() as c:  # a new message for a conversation, and a new conversation
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                          "VALUES (:s, 'user', :t, :d)"),
                  [{"s": "lines", "t": later, "d": json.dumps({"text": "Third LINE: 养老计划"})},
                   {"s": "new", "t": later, "d": json.dumps({"text": "Fresh words"})}])
    with engine.connect() as c:
        search_index_agrees(c)
    with session_scope(engine) as db:
        assert_found(db, Filters(search="养老计划"), {"lines"})
        assert_found(db, Filters(search="养老"), {"lines", "pension-zh"})
        assert_found(db, Filters(search="next line\nthird"), {"lines"})
        assert_found(db, Filters(search="fresh word"), {"new"})
        assert_found(db, Filters(search="line"), {"lines"})
    with engine.begin() as c:  # the summaries filled again from scratch, as ensure() does
        conversation_summary.install(c)
    with engine.connect() as c:
        search_index_agrees(c)
    with session_scope(engine) as db:
        for term in ("养老计划", "fresh word", "pension", "noted", "理财规划"):
            assert_found(db, Filters(search=term), read_every_text(db.connection(), term))
    with engine.begin() as c:  # and keeps up after it
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                          "VALUES ('new', 'bot', :t, :d)"),
                  {"t": later + 1, "d": json.dumps({"text": "Even fresher"})})
    with engine.connect() as c:
        search_index_agrees(c)
    with session_scope(engine) as db:
        assert_found(db, Filters(search="even fresher"), {"new"})
        assert_found(db, Filters(search="words\neven"), {"new"})


def test_vacuum_keeps_sqlite_s_index_in_step(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("VACUUM renumbering rowids is SQLite's")
    with engine.begin() as c:  # texts numbered with gaps: filled again, then some added
        conversation_summary.install(c)
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                          "VALUES ('after', 'user', :t, :d)"),
                  {"t": START + 86_400, "d": json.dumps({"text": "Written after the fill"})})
    with engine.connect() as c:
        c.exec_driver_sql("VACUUM")
        search_index_agrees(c)
    with session_scope(engine) as db:
        for term in ("after the fill", "pension", "养老金", "world"):
            assert_found(db, Filters(search=term), read_every_text(db.connection(), term))


def test_the_migration_indexes_the_texts_there_and_search_reads_them_without_it(database_url):
    upgrade(database_url, "0012")
    engine = make_engine(database_url)
    with engine.begin() as c:
        c.execute(sa.insert(rasa_events(c)), all_messages())
        if c.dialect.name == "postgresql":  # the ids were given: move Rasa's sequence past them
            c.execute(sa.text("SELECT setval(pg_get_serial_sequence('events', 'id'), "
                              "(SELECT max(id) FROM events))"))
        conversation_summary.install(c)  # as migration 0012 or the first list request does
        assert not conversation_search.indexed(c)
    upgrade(database_url)
    with engine.connect() as c:
        assert conversation_search.indexed(c)
        search_index_agrees(c)
    with session_scope(engine) as db:
        for term in ("pension", "理财规划", "world", "ok"):
            assert_found(db, Filters(search=term), in_python(term, engine.dialect.name))
    command.downgrade(alembic_config(database_url), "0012")
    with engine.connect() as c:
        assert not conversation_search.indexed(c)
        tables = set(sa.inspect(c).get_table_names())
        assert not tables & conversation_search.TABLES
    with engine.begin() as c:  # Rasa still writes, and the search reads every text
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                          "VALUES ('late', 'user', :t, :d)"),
                  {"t": START + 86_400, "d": json.dumps({"text": "pension plans"})})
    with session_scope(engine) as db:
        assert not Term.of(db, "pension").indexed
        assert_found(db, Filters(search="pension"), in_python("pension", engine.dialect.name) | {"late"})
    engine.dispose()


@pytest.mark.skipif(not POSTGRESQL_URL, reason="pg_trgm is PostgreSQL's")
def test_a_role_that_may_not_create_pg_trgm_migrates_without_the_index(caplog):
    url = fresh_postgresql_database()
    role = f"no_extensions_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as c:  # may make tables, not extensions (no CREATE on the database)
        c.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        c.execute(sa.text(f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"'))
    admin.dispose()
    limited = sa.make_url(url).set(username=role).render_as_string(hide_password=False)
    try:
        with caplog.at_level(logging.WARNING, logger="db.conversation_search"):
            upgrade(limited)
        assert "pg_trgm could not be created" in caplog.text
        engine = make_engine(limited)
        with engine.begin() as c:
            assert not conversation_search.indexed(c)
            c.execute(sa.insert(rasa_events(c)), all_messages())
        with session_scope(engine) as db:
            conversation_summary.ensure(db)
            for term in ("pension", "理财规划", "ok"):
                assert_found(db, Filters(search=term), in_python(term, engine.dialect.name))
        engine.dispose()
    finally:
        drop_postgresql_database(url)
        server = sa.create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as c:
            c.execute(sa.text(f'DROP ROLE "{role}"'))
        server.dispose()


# -- the count a list page shows -----------------------------------------------------------------

WORDS = ("pension", "bonds", "养老金", "理财", "gold", "house")


@pytest.fixture
def many(database_url):
    """60 conversations of a few words each, some from clients, some in Chinese."""
    upgrade(database_url)
    engine = make_engine(database_url)
    rng = random.Random(5)
    rows = []
    for n in range(60):
        texts = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
        rows += messages(f"m{n:02d}", texts, rng.random() < 0.4, START + rng.uniform(0, 86_400))
    with engine.begin() as c:
        table = rasa_events(c)
    with session_scope(engine) as db:  # the trigger first, then the events through it
        conversation_summary.ensure(db)
    with engine.begin() as c:
        c.execute(sa.insert(table), rows)
    yield engine
    engine.dispose()


SEARCHES = [Filters(search=word) for word in ("pension", "养老金", "理财", "o", "gold house",
                                              "no-such-words")] + [
    Filters(search="pension", audience="client"), Filters(search="养老金", audience="prospect"),
    Filters(search="理财", audience="client"), Filters(search="o", audience="client"),
    Filters(search="house", flagged=False), Filters(search="bonds", language="zh"),
]


@pytest.mark.parametrize("at_most", [1, 4, 10, 1_000])
@pytest.mark.parametrize(("many_texts", "probes"), [(0, 0), (3, 5), (100, 100)])
def test_a_page_counts_a_search_up_to_the_bound_and_pages_past_it(many, monkeypatch, at_most,
                                                                   many_texts, probes):
    # Small bounds, so that each way of counting (_search_total) is taken on a few conversations.
    monkeypatch.setattr(conversation_list, "SEARCH_COUNT_AT_MOST", at_most)
    monkeypatch.setattr(conversation_list, "SEARCH_MANY_TEXTS", many_texts)
    monkeypatch.setattr(conversation_list, "SEARCH_PROBES", probes)
    with session_scope(many) as db:
        for filters in SEARCHES:
            every = [s.conversation_id for s in summaries(db, filters)]
            for offset, limit in ((0, 3), (3, 3), (9, 4), (30, 25)):
                total, page = list_page(db, filters, offset=offset, limit=limit)
                counted = max(at_most, offset + limit)
                assert total == Total(min(len(every), counted), more=len(every) > counted), (
                    filters, offset)
                assert [s.conversation_id for s in page] == every[offset:offset + limit]
