"""The index the staff list's search finds conversations by, over ``conversation_texts``.

A search term matches a conversation when its lower-cased text (``conversation_texts.text``: its
user and bot messages, one per line, lower-cased by the database) contains the term, lower-cased by
the same database: a substring, as ``LIKE '%term%'`` finds it. Reading every text for that costs
about 0.2 µs (SQLite) to 0.5 µs (PostgreSQL) a conversation, so an index finds the texts instead:

- SQLite: ``conversation_search``, an FTS5 table with the trigram tokenizer over
  ``conversation_texts`` (external content: the index only, keyed by the text's rowid), kept in
  step by triggers on that table. A term of three characters or more is looked up as a phrase of
  its trigrams, which is exactly a substring: the tokenizer is case-sensitive, as both sides are
  lower-cased already. A shorter term has no trigram, and FTS5's own LIKE gives wrong answers for
  some of them in SQLite 3.40 (none for ``%理财%`` where the text has it), so it is looked for with
  LIKE in the texts themselves.
- PostgreSQL: a GIN index of pg_trgm's trigrams on ``conversation_texts.text``, which ``LIKE``
  uses. pg_trgm takes trigrams of words only (letters and digits, as the database's locale
  classes them), so a term without three such characters in a row would make the index read all
  of itself; that term is looked for with a LIKE that the index cannot serve, in the texts.

Both are made by migration 0013. Where they cannot be (pg_trgm not installed on the server, or a
role that may not create it; an SQLite without FTS5's trigram tokenizer), the migration leaves
them out and says so in a warning, and the search reads every text, as it did before.

The text's rowid keys the FTS5 index. ``conversation_texts`` has an index (its primary key), so
VACUUM keeps its rowids, and its rows are only added (or all replaced by ``install``), so they are
numbered without gaps, which a dump and restore keeps too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

TABLE = "conversation_search"  # SQLite's FTS5 table
#: FTS5's own tables behind it (with ``columnsize=0`` there is no ``_docsize``; named all the same).
SHADOW_TABLES = tuple(f"{TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config"))
TRIGGERS = {f"{TABLE}_on_{change}" for change in ("insert", "update", "delete")}
INDEX = "ix_conversation_texts_trigrams"  # PostgreSQL's GIN index
#: The database objects made here, which the models do not describe (Alembic leaves them be).
TABLES = frozenset({TABLE, *SHADOW_TABLES})
INDEXES = frozenset({INDEX})
#: Characters of a trigram: a shorter term has none to look up.
TRIGRAM = 3
#: ``conversation_texts`` (``db.conversation_summary.ConversationText``, which imports this module),
#: with SQLite's rowid.
TEXTS = sa.table("conversation_texts", sa.column("rowid", sa.Integer),
                 sa.column("conversation_id", sa.String), sa.column("text", sa.Text))
SEARCH = sa.table(TABLE, sa.column("rowid", sa.Integer))


def _create_sqlite(connection: sa.Connection) -> bool:
    try:  # a statement that fails leaves SQLite's transaction as it was
        connection.execute(sa.text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(text, "
            f"content='{TEXTS.name}', tokenize='trigram case_sensitive 1', columnsize=0)"))
    except sa.exc.OperationalError as exc:  # no FTS5, or no trigram tokenizer (before 3.34)
        log.warning("The conversation search has no index (this SQLite has no FTS5 trigram "
                    "tokenizer: %s); a search reads every conversation's text.", exc.orig)
        return False
    return True


def _keep_sqlite(connection: sa.Connection) -> None:
    """The triggers that keep SQLite's index in step with ``conversation_texts``."""
    add = f"INSERT INTO {TABLE} (rowid, text) VALUES (NEW.rowid, NEW.text);"
    remove = f"INSERT INTO {TABLE} ({TABLE}, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);"
    for change, body in (("insert", add), ("update", remove + "\n  " + add), ("delete", remove)):
        connection.execute(sa.text(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_on_{change} AFTER {change.upper()} ON "
            f"{TEXTS.name}\nBEGIN\n  {body}\nEND"))


def _trigram_operators(connection: sa.Connection) -> str | None:
    """pg_trgm's GIN operator class, qualified by the schema it is in; None without pg_trgm."""
    schema = connection.execute(sa.text(
        "SELECT n.nspname FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace "
        "JOIN pg_am a ON a.oid = o.opcmethod WHERE o.opcname = 'gin_trgm_ops' "
        "AND a.amname = 'gin'")).scalar()
    if schema is None:
        return None
    quoted = schema.replace('"', '""')
    return f'"{quoted}".gin_trgm_ops'


def _create_postgresql(connection: sa.Connection) -> bool:
    operators = _trigram_operators(connection)
    if operators is None:
        try:
            with connection.begin_nested():  # a refusal must not end the migration's transaction
                connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError as exc:
            log.warning("The conversation search has no index: pg_trgm could not be created "
                        "(%s). Have a superuser run CREATE EXTENSION pg_trgm in this database, "
                        "then migrate down to 0012 and up again; until then a search reads "
                        "every conversation's text.", str(exc.orig).strip())
            return False
        operators = _trigram_operators(connection)
    connection.execute(sa.text(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TEXTS.name} "
        f"USING gin (text {operators})"))
    return True


def create(connection: sa.Connection) -> bool:
    """Make the index and fill it from the texts there, if the database can; whether it did."""
    if connection.dialect.name == "postgresql":
        return _create_postgresql(connection)
    if not _create_sqlite(connection):
        return False
    rebuild(connection)
    return True


def drop(connection: sa.Connection) -> None:
    """Remove the index (pg_trgm stays: other tables of the database may use it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"DROP INDEX IF EXISTS {INDEX}"))
        return
    for trigger in sorted(TRIGGERS):
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))


def indexed(connection: sa.Connection) -> bool:
    """Whether the index is there (the migration may have had to leave it out)."""
    if connection.dialect.name == "postgresql":
        query = sa.text("SELECT to_regclass(:name) IS NOT NULL").bindparams(name=INDEX)
    else:
        query = sa.text("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' "
                        "AND name = :name").bindparams(name=TABLE)
    return bool(connection.execute(query).scalar())


def suspend(connection: sa.Connection) -> bool:
    """Stop keeping SQLite's index while ``conversation_texts`` is replaced whole, which one
    ``rebuild`` then does faster than a trigger run for each row; whether there was one."""
    if connection.dialect.name == "postgresql" or not indexed(connection):
        return False
    for trigger in sorted(TRIGGERS):
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
    return True


def rebuild(connection: sa.Connection) -> None:
    """Fill SQLite's index anew from ``conversation_texts`` and keep it from then on."""
    connection.execute(sa.text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')"))
    _keep_sqlite(connection)


# -- looking a term up ---------------------------------------------------------------------------

def _like_pattern(dialect: str, needle: str):
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # On PostgreSQL the term is written into the statement rather than bound: a statement that
    # psycopg has prepared (from its fifth run) may be given a generic plan, which, not knowing
    # the pattern, reads all the texts where the index would find a rare term at once.
    term = sa.bindparam(None, escaped, sa.Text, literal_execute=dialect == "postgresql")
    return "%" + sa.func.lower(term) + "%"


@dataclass(frozen=True)
class Term:
    """A search term and how this database finds the texts that contain it."""

    dialect: str
    needle: str  # as typed, without the spaces around it; the database lower-cases it
    indexed: bool  # the index can find it (else every text is read)

    @classmethod
    def of(cls, db: Session, search: str) -> Term:
        needle = search.strip()
        connection = db.connection()
        dialect = connection.dialect.name
        if not indexed(connection):
            return cls(dialect, needle, False)
        if dialect == "postgresql":
            # Three word characters in a row give pg_trgm a trigram to look up; the database
            # classes the characters, with the locale its trigrams are taken by.
            has_trigram = connection.execute(sa.text("SELECT :needle ~ '[[:alnum:]]{3}'"),
                                             {"needle": needle}).scalar()
            return cls(dialect, needle, bool(has_trigram))
        return cls(dialect, needle, len(needle) >= TRIGRAM)

    def found_in(self, text):
        """The condition that ``text`` (a lower-cased text) contains the term, read row by row.
        LIKE, its wildcards escaped, reads a text faster than SQLite's instr or PostgreSQL's
        strpos."""
        if self.dialect == "postgresql" and not self.indexed:
            # Without a trigram to look up, PostgreSQL would read all of the index for a LIKE
            # on the column; on an expression it reads the texts instead.
            text = text + ""
        return text.like(_like_pattern(self.dialect, self.needle), escape="\\")

    def read(self, conversation_id):
        """The condition that the text of the conversation ``conversation_id`` contains the term,
        read for each conversation: a scalar subquery, which PostgreSQL does not turn into a
        join with all the texts (as it may an EXISTS) but runs for each row."""
        t = TEXTS.c
        return (sa.select(self.found_in(t.text)).where(t.conversation_id == conversation_id)
                .scalar_subquery())

    def found(self):
        """A select of one row for each text that contains the term, through the index when it can
        find it, read as found: for counting, which may stop early."""
        if self.indexed and self.dialect == "sqlite":
            return sa.select(SEARCH.c.rowid).where(self._match())
        return self.texts()

    def _match(self):
        # A phrase in double quotes (a double quote in it doubled) is the term's trigrams in a
        # row: the term as a substring. The database lower-cases it, as it did the texts.
        phrase = '"' + sa.func.replace(sa.func.lower(sa.literal(self.needle, sa.Text)),
                                       '"', '""') + '"'
        return sa.literal_column(TABLE).op("MATCH")(phrase)

    def conversations(self, summaries: sa.Table):
        """A select of the ``conversation_id`` of each row of ``summaries`` (a table keyed by it)
        whose text contains the term, starting from the texts found, read as found."""
        s = summaries.c
        if self.indexed and self.dialect == "sqlite":
            return (sa.select(s.conversation_id)
                    .select_from(SEARCH.join(TEXTS, TEXTS.c.rowid == SEARCH.c.rowid)
                                 .join(summaries, s.conversation_id == TEXTS.c.conversation_id))
                    .where(self._match()))
        # Found first, in full: with a LIMIT on the whole, PostgreSQL would plan for finding the
        # texts soon in a reading of them all, which takes as long as all of it when the other
        # filters leave out what it finds.
        found = self.texts().cte("found").prefix_with("MATERIALIZED")
        return sa.select(s.conversation_id).where(
            s.conversation_id.in_(sa.select(found.c.conversation_id)))

    def texts(self):
        """A select of the ``conversation_id`` of every text that contains the term, through the
        index when it can find it."""
        t = TEXTS.c
        if not self.indexed or self.dialect == "postgresql":  # PostgreSQL's LIKE uses its index
            return sa.select(t.conversation_id).where(self.found_in(t.text))
        # The rowids as a list (IN), not a join: SQLite then reads the index once, rather than
        # perhaps once for each text.
        return sa.select(t.conversation_id).where(t.rowid.in_(self.found()))
