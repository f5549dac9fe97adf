"""Per-conversation summaries of Rasa's ``events``, kept up to date by the database as events arrive.

Rasa's SQL tracker store writes ``events`` itself, so the summaries are maintained where the rows
land: an ``AFTER INSERT`` trigger on ``events`` (SQLite, and a PL/pgSQL function on PostgreSQL)
folds each new event into three tables of this project, in the same transaction as the insert, so
the summary can never lag behind or miss an event (no catch-up reading ``events.id`` after the
fact, which on PostgreSQL could skip the id of a transaction that commits late):

- ``conversation_summaries``: one row per conversation with what the staff list shows and filters
  on: first and last event time, user messages, the first user message (its event id) and the
  client it names, fallback, handoff action, and the stage and language slots' latest values;
- ``conversation_intents``: each (conversation, intent) of its user messages, for the intent filter;
- ``conversation_texts``: the text of its user and bot messages, lower-cased, one per line, for the
  search (which finds them through an index of their trigrams, ``db.conversation_search``).

Each merge is order-free (minimum and maximum by event id or time, sums), so events of one
conversation inserted by concurrent transactions give the same row. Rasa may create ``events``
after the migrations ran (at its first start), so the trigger is installed, and the summaries
filled from the events already there, by ``ensure`` when the table is first seen (or by the
migration when it exists then), in one transaction that holds off inserts meanwhile.
``aggregate`` is the same summary computed from scratch over ``events``: the backfill, and the
reference the tests compare the trigger's rows with.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Mapped, Session, mapped_column

from db import conversation_search
from db.base import Base
from db.tracker_events import EVENTS, json_integer, json_text

FALLBACK_INTENTS = ("nlu_fallback",)
FALLBACK_ACTIONS = ("action_default_fallback", "action_two_stage_fallback")
HANDOFF_ACTIONS = ("action_handoff",)
#: The slot the dialogue keeps a conversation's language in, and the language until it is set.
LANGUAGE_SLOT = "language"
DEFAULT_LANGUAGE = "en"
#: The slot the dialogue names a conversation's lifecycle stage in, and the stage until it does.
STAGE_SLOT = "lifecycle_stage"
DEFAULT_STAGE = "prospect"
#: Between two messages in ``conversation_texts.text``.
MESSAGE_SEPARATOR = "\n"
TRIGGER = "conversation_summary_on_event"
FUNCTION = "conversation_summary_add_event"  # PostgreSQL's trigger function


class ConversationSummary(Base):
    """One conversation of Rasa's tracker store, as the staff list needs it."""

    __tablename__ = "conversation_summaries"
    __table_args__ = (
        sa.Index("ix_conversation_summaries_last", "last", "conversation_id"),
        sa.Index("ix_conversation_summaries_started", "started"),
        sa.Index("ix_conversation_summaries_client_id", "client_id"),
        sa.Index("ix_conversation_summaries_language", "language"),
        sa.Index("ix_conversation_summaries_dialogue_stage", "dialogue_stage"),
        sa.Index("ix_conversation_summaries_fallback", "fallback"),
    )

    conversation_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    started: Mapped[float | None] = mapped_column(sa.Float)  # epoch seconds, as in events
    last: Mapped[float | None] = mapped_column(sa.Float)
    user_messages: Mapped[int] = mapped_column(sa.Integer)
    first_user_event: Mapped[int | None] = mapped_column(sa.Integer)  # events.id
    #: The client named in the first user message's metadata (None: a prospect).
    client_id: Mapped[int | None] = mapped_column(sa.Integer)
    fallback: Mapped[int] = mapped_column(sa.Integer)  # 1 or 0
    handoff_action: Mapped[int] = mapped_column(sa.Integer)  # 1 or 0
    stage_event: Mapped[int | None] = mapped_column(sa.Integer)
    #: The stage slot's latest value, DEFAULT_STAGE when never set.
    dialogue_stage: Mapped[str] = mapped_column(sa.String(255))
    language_event: Mapped[int | None] = mapped_column(sa.Integer)
    #: The language slot's latest value, DEFAULT_LANGUAGE when never set.
    language: Mapped[str] = mapped_column(sa.String(255))


class ConversationIntent(Base):
    """An intent of at least one user message of the conversation."""

    __tablename__ = "conversation_intents"

    intent_name: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)


class ConversationText(Base):
    """The conversation's user and bot messages, lower-cased, one per line: what search reads."""

    __tablename__ = "conversation_texts"

    conversation_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)


SUMMARY_COLUMNS = ("conversation_id", "started", "last", "user_messages", "first_user_event",
                   "client_id", "fallback", "handoff_action", "stage_event", "dialogue_stage",
                   "language_event", "language")


# -- from scratch -------------------------------------------------------------------------------

def slot_set(dialect: str, events, name: str):
    """Events that give the slot ``name`` a value (not null, not empty)."""
    value = json_text(dialect, events.data, "value")
    # The LIKE is a cheap first pass so that only that slot's events are parsed as JSON.
    return sa.and_(events.type_name == "slot", events.data.like(f"%{name}%"),
                   json_text(dialect, events.data, "name") == name, value.is_not(None),
                   value != "")


def _is_fallback(events):
    return sa.or_(sa.and_(events.type_name == "user", events.intent_name.in_(FALLBACK_INTENTS)),
                  sa.and_(events.type_name == "action", events.action_name.in_(FALLBACK_ACTIONS)))


def aggregate(dialect: str):
    """Every conversation's summary computed from all of ``events`` (the columns of
    ``conversation_summaries``)."""
    e = EVENTS.c
    is_user = e.type_name == "user"
    handoff = sa.and_(e.type_name == "action", e.action_name.in_(HANDOFF_ACTIONS))
    per_sender = sa.select(
        e.sender_id.label("conversation_id"),
        sa.func.min(e.timestamp).label("started"),
        sa.func.max(e.timestamp).label("last"),
        sa.func.sum(sa.case((is_user, 1), else_=0)).label("user_messages"),
        sa.func.min(sa.case((is_user, e.id))).label("first_user_event"),
        sa.func.max(sa.case((_is_fallback(e), 1), else_=0)).label("fallback"),
        sa.func.max(sa.case((handoff, 1), else_=0)).label("handoff_action"),
        sa.func.max(sa.case((slot_set(dialect, e, STAGE_SLOT), e.id))).label("stage_event"),
        sa.func.max(sa.case((slot_set(dialect, e, LANGUAGE_SLOT), e.id)))
        .label("language_event"),
    ).group_by(e.sender_id).subquery("per_sender")
    # The client id and the slots' values are read from single events found by primary key,
    # which keeps the JSON parsing off the other events.
    first, stage, language = (EVENTS.alias(name) for name in ("first_message", "stage_slot",
                                                                 "language_slot"))
    c = per_sender.c
    return (sa.select(
        c.conversation_id, c.started, c.last, c.user_messages, c.first_user_event,
        json_integer(dialect, first.c.data, "metadata", "client_id").label("client_id"),
        c.fallback, c.handoff_action, c.stage_event,
        sa.func.coalesce(json_text(dialect, stage.c.data, "value"), DEFAULT_STAGE)
        .label("dialogue_stage"),
        c.language_event,
        sa.func.coalesce(json_text(dialect, language.c.data, "value"), DEFAULT_LANGUAGE)
        .label("language"))
        .select_from(per_sender)
        .outerjoin(first, first.c.id == c.first_user_event)
        .outerjoin(stage, stage.c.id == c.stage_event)
        .outerjoin(language, language.c.id == c.language_event))


def texts(dialect: str):
    """(conversation_id, text) of every conversation with a message: its user and bot messages'
    texts, lower-cased, one per line, by id (the rows of ``conversation_texts``, where the trigger
    appends each as it arrives)."""
    e = EVENTS.c
    text = json_text(dialect, e.data, "text")
    messages = (sa.select(e.sender_id, sa.func.lower(text).label("text"), e.id)
                .where(e.type_name.in_(("user", "bot")), text != "").order_by(e.id)
                .subquery("messages"))
    m = messages.c
    if dialect == "postgresql":
        joined = sa.func.string_agg(m.text, aggregate_order_by(sa.literal(MESSAGE_SEPARATOR), m.id))
    else:  # SQLite concatenates in the order of its input, the subquery's
        joined = sa.func.group_concat(m.text, MESSAGE_SEPARATOR)
    return sa.select(m.sender_id, joined).group_by(m.sender_id)


def intents():
    """(intent_name, conversation_id) of every intent of a user message."""
    e = EVENTS.c
    return (sa.select(e.intent_name, e.sender_id)
            .where(e.type_name == "user", e.intent_name.is_not(None)).distinct())


# -- as events arrive ---------------------------------------------------------------------------

def _sql_list(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _merge(table: str) -> str:
    """The ON CONFLICT assignments that fold one event's row (``excluded``) into the stored one;
    every one gives the same result in whatever order the events come."""
    t = table

    def earlier(key: str) -> str:  # the new value's key is the smaller (or the only) one
        return f"(excluded.{key} < {t}.{key} OR {t}.{key} IS NULL)"

    def later(key: str) -> str:
        return f"(excluded.{key} > {t}.{key} OR ({t}.{key} IS NULL AND excluded.{key} IS NOT NULL))"

    def pick(condition: str, column: str) -> str:
        return f"{column} = CASE WHEN {condition} THEN excluded.{column} ELSE {t}.{column} END"

    return ",\n    ".join([
        pick(earlier("started"), "started"),
        pick(later("last"), "last"),
        f"user_messages = {t}.user_messages + excluded.user_messages",
        pick(earlier("first_user_event"), "first_user_event"),
        pick(earlier("first_user_event"), "client_id"),
        pick("excluded.fallback > " + f"{t}.fallback", "fallback"),
        pick("excluded.handoff_action > " + f"{t}.handoff_action", "handoff_action"),
        pick(later("stage_event"), "stage_event"),
        pick(later("stage_event"), "dialogue_stage"),
        pick(later("language_event"), "language_event"),
        pick(later("language_event"), "language"),
    ])


def _summary_upsert(values: list[str]) -> str:
    table = ConversationSummary.__tablename__
    return (f"INSERT INTO {table} ({', '.join(SUMMARY_COLUMNS)})\n  VALUES ({', '.join(values)})\n"
            f"  ON CONFLICT (conversation_id) DO UPDATE SET\n    {_merge(table)};")


_FLAGS = {
    "is_user": "NEW.type_name = 'user'",
    "fallback": (f"(NEW.type_name = 'user' AND NEW.intent_name IN ({_sql_list(FALLBACK_INTENTS)}))"
                 f" OR (NEW.type_name = 'action' AND NEW.action_name IN "
                 f"({_sql_list(FALLBACK_ACTIONS)}))"),
    "handoff": f"NEW.type_name = 'action' AND NEW.action_name IN ({_sql_list(HANDOFF_ACTIONS)})",
}


def _sqlite_trigger() -> str:
    # json_extract fails on text that is not JSON: every read is guarded by json_valid, so that
    # no event Rasa writes can be refused because of this trigger.
    def slot(name: str, then: str) -> str:
        return (f"CASE WHEN NEW.type_name = 'slot' AND json_valid(NEW.data) THEN CASE WHEN "
                f"json_extract(NEW.data, '$.name') = '{name}' AND json_extract(NEW.data, "
                f"'$.value') IS NOT NULL AND json_extract(NEW.data, '$.value') != '' THEN {then} "
                f"END END")

    value = "json_extract(NEW.data, '$.value')"
    client = ("CASE WHEN NEW.type_name = 'user' AND json_valid(NEW.data) THEN CASE WHEN json_type("
              "NEW.data, '$.metadata.client_id') = 'integer' THEN json_extract(NEW.data, "
              "'$.metadata.client_id') END END")
    text = ("(SELECT lower(json_extract(NEW.data, '$.text')) WHERE NEW.type_name IN ('user', 'bot')"
            " AND json_valid(NEW.data))")
    summary = _summary_upsert([
        "NEW.sender_id", "NEW.timestamp", "NEW.timestamp",
        f"CASE WHEN {_FLAGS['is_user']} THEN 1 ELSE 0 END",
        f"CASE WHEN {_FLAGS['is_user']} THEN NEW.id END", client,
        f"CASE WHEN {_FLAGS['fallback']} THEN 1 ELSE 0 END",
        f"CASE WHEN {_FLAGS['handoff']} THEN 1 ELSE 0 END",
        slot(STAGE_SLOT, "NEW.id"), f"coalesce({slot(STAGE_SLOT, value)}, '{DEFAULT_STAGE}')",
        slot(LANGUAGE_SLOT, "NEW.id"),
        f"coalesce({slot(LANGUAGE_SLOT, value)}, '{DEFAULT_LANGUAGE}')",
    ])
    return f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER INSERT ON events
BEGIN
  {summary}
  INSERT INTO conversation_intents (intent_name, conversation_id)
  SELECT NEW.intent_name, NEW.sender_id WHERE {_FLAGS['is_user']} AND NEW.intent_name IS NOT NULL
  ON CONFLICT DO NOTHING;
  INSERT INTO conversation_texts (conversation_id, text)
  SELECT NEW.sender_id, message FROM (SELECT {text} AS message) WHERE message != ''
  ON CONFLICT (conversation_id) DO UPDATE SET
    text = conversation_texts.text || char({ord(MESSAGE_SEPARATOR)}) || excluded.text;
END"""


def _postgresql_function() -> str:
    summary = _summary_upsert([
        "NEW.sender_id", "NEW.timestamp", "NEW.timestamp",
        f"CASE WHEN {_FLAGS['is_user']} THEN 1 ELSE 0 END",
        f"CASE WHEN {_FLAGS['is_user']} THEN NEW.id END", "client",
        f"CASE WHEN {_FLAGS['fallback']} THEN 1 ELSE 0 END",
        f"CASE WHEN {_FLAGS['handoff']} THEN 1 ELSE 0 END",
        "stage_id", f"coalesce(stage_value, '{DEFAULT_STAGE}')",
        "language_id", f"coalesce(language_value, '{DEFAULT_LANGUAGE}')",
    ])
    return f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
  doc jsonb;
  slot_value text;
  client integer;
  stage_id integer;
  stage_value text;
  language_id integer;
  language_value text;
  message text;
BEGIN
  -- Data that is not JSON (or a client id beyond an integer) is read as absent rather than
  -- refusing an event Rasa writes.
  BEGIN
    doc := NEW.data::jsonb;
  EXCEPTION WHEN others THEN
    doc := NULL;
  END;
  IF NEW.type_name = 'user' AND jsonb_typeof(doc #> '{{metadata,client_id}}') = 'number' THEN
    BEGIN
      client := (doc #>> '{{metadata,client_id}}')::numeric::integer;
    EXCEPTION WHEN others THEN
      client := NULL;
    END;
  END IF;
  IF NEW.type_name = 'slot' THEN
    slot_value := doc ->> 'value';
    IF slot_value IS NOT NULL AND slot_value <> '' THEN
      IF doc ->> 'name' = '{STAGE_SLOT}' THEN
        stage_id := NEW.id;
        stage_value := slot_value;
      ELSIF doc ->> 'name' = '{LANGUAGE_SLOT}' THEN
        language_id := NEW.id;
        language_value := slot_value;
      END IF;
    END IF;
  END IF;
  {summary}
  IF {_FLAGS['is_user']} AND NEW.intent_name IS NOT NULL THEN
    INSERT INTO conversation_intents (intent_name, conversation_id)
    VALUES (NEW.intent_name, NEW.sender_id) ON CONFLICT DO NOTHING;
  END IF;
  IF NEW.type_name IN ('user', 'bot') THEN
    message := lower(doc ->> 'text');
    IF message <> '' THEN
      INSERT INTO conversation_texts (conversation_id, text) VALUES (NEW.sender_id, message)
      ON CONFLICT (conversation_id) DO UPDATE SET
        text = conversation_texts.text || chr({ord(MESSAGE_SEPARATOR)}) || excluded.text;
    END IF;
  END IF;
  RETURN NULL;
END
$body$"""


def installed(connection: sa.Connection) -> bool:
    """Whether ``events`` has the trigger that keeps the summaries."""
    if connection.dialect.name == "postgresql":
        query = ("SELECT 1 FROM pg_trigger WHERE tgname = :name "
                 "AND tgrelid = to_regclass('events')")
    else:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = :name"
    return connection.execute(sa.text(query), {"name": TRIGGER}).first() is not None


def install(connection: sa.Connection) -> None:
    """Install the trigger on ``events`` and fill the summaries (and the search's index of their
    texts) from the events there, in the caller's transaction. On PostgreSQL inserts into
    ``events`` wait until it commits (the lock CREATE TRIGGER takes, taken first), so no event
    falls between the fill and the trigger; SQLite has one writer at a time."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(sa.text("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"))
        connection.execute(sa.text(_postgresql_function()))
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER} ON events"))
        connection.execute(sa.text(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON events FOR EACH ROW "
                                   f"EXECUTE FUNCTION {FUNCTION}()"))
    else:
        connection.execute(sa.text(_sqlite_trigger()))
    searched = conversation_search.suspend(connection)
    for table in (ConversationSummary, ConversationIntent, ConversationText):
        connection.execute(sa.delete(table))
    connection.execute(sa.insert(ConversationSummary).from_select(SUMMARY_COLUMNS,
                                                                  aggregate(dialect)))
    connection.execute(sa.insert(ConversationIntent).from_select(
        ("intent_name", "conversation_id"), intents()))
    connection.execute(sa.insert(ConversationText).from_select(
        ("conversation_id", "text"), texts(dialect)))
    if searched:
        conversation_search.rebuild(connection)


def uninstall(connection: sa.Connection) -> None:
    """Remove the trigger (and on PostgreSQL its function), if there."""
    if connection.dialect.name == "postgresql":
        if connection.execute(sa.text("SELECT to_regclass('events')")).scalar() is not None:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER} ON events"))
        connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))
    else:
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER}"))


def ensure(db: Session) -> None:
    """Make sure the summaries are kept: when Rasa made ``events`` after the migrations, install
    the trigger and fill them now (once; later calls cost one catalog lookup). Call only when
    ``events`` exists."""
    if installed(db.connection()):
        return
    bind = db.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Take the write lock before looking again, so two first requests fill it once.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(sa.text("LOCK TABLE conversation_summaries IN EXCLUSIVE MODE"))
        if not installed(connection):
            install(connection)
        connection.commit()
