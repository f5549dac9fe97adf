"""Each conversation's latest satisfaction rating, kept by the database as survey answers arrive.

A conversation's rating is its latest ``rating`` answer that is a number (``RATING_ANSWER``). The
list filters on it ("rated 4 or more"), which over all survey answers means grouping every answer
by conversation on each request; an ``AFTER INSERT`` trigger on ``survey_answers`` keeps the
result in ``conversation_ratings`` instead, indexed by rating. Survey answers are append-only,
and the trigger keeps the answer with the highest id whatever the order they are written in.
The migration that creates the table installs the trigger and fills the table from the answers
already there (``install``); ``latest`` is the same computed from scratch, for the tests.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.conversations import SurveyAnswer

#: A survey answer that is a number, as a regular expression.
RATING_ANSWER = r"^ *[0-9]+(\.[0-9]+)? *$"
RATING_QUESTION = "rating"
TRIGGER = "conversation_rating_on_answer"
FUNCTION = "conversation_rating_add_answer"  # PostgreSQL's trigger function


class ConversationRating(Base):
    """The conversation's latest numeric rating and the survey answer that gave it."""

    __tablename__ = "conversation_ratings"
    __table_args__ = (sa.Index("ix_conversation_ratings_rating", "rating"),)

    conversation_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.Integer)  # survey_answers.id
    rating: Mapped[float] = mapped_column(sa.Float)


def numeric(dialect: str, answer):
    """``answer`` is a number (``RATING_ANSWER``). SQLite has no regular expressions of its own
    (SQLAlchemy's calls Python for each row, which is slow, and a trigger cannot), so there it is
    checked with GLOB: digits and at most one dot, not first nor last, spaces around."""
    if dialect != "sqlite":
        return answer.regexp_match(RATING_ANSWER)
    number = sa.func.trim(answer, " ")
    return sa.and_(number != "", number.op("NOT GLOB")("*[^0-9.]*"),
                   number.op("NOT GLOB")(".*"), number.op("NOT GLOB")("*."),
                   number.op("NOT GLOB")("*.*.*"))


def latest(dialect: str):
    """(conversation_id, answer_id, rating) of every rated conversation, from all answers."""
    a = SurveyAnswer
    newest = (sa.select(sa.func.max(a.id))
              .where(a.question == RATING_QUESTION, numeric(dialect, a.answer))
              .group_by(a.conversation_id))
    return sa.select(a.conversation_id, a.id, sa.cast(a.answer, sa.Float)).where(a.id.in_(newest))


def _trigger_sql(dialect: str) -> list[str]:
    table = ConversationRating.__tablename__
    upsert = (f"INSERT INTO {table} (conversation_id, answer_id, rating) "
              f"VALUES (NEW.conversation_id, NEW.id, CAST(NEW.answer AS {{real}})) "
              f"ON CONFLICT (conversation_id) DO UPDATE SET "
              f"answer_id = CASE WHEN excluded.answer_id > {table}.answer_id "
              f"THEN excluded.answer_id ELSE {table}.answer_id END, "
              f"rating = CASE WHEN excluded.answer_id > {table}.answer_id "
              f"THEN excluded.rating ELSE {table}.rating END")
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
            f"BEGIN\n"
            f"  IF NEW.question = '{RATING_QUESTION}' AND NEW.answer ~ '{RATING_ANSWER}' THEN\n"
            f"    {upsert.format(real='double precision')};\n"
            f"  END IF;\n"
            f"  RETURN NULL;\n"
            f"END\n$body$",
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON survey_answers",
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON survey_answers FOR EACH ROW "
            f"EXECUTE FUNCTION {FUNCTION}()",
        ]
    check = sa.select(sa.literal(1)).where(numeric(dialect, sa.literal_column("NEW.answer")))
    is_number = str(check.compile(dialect=sqlite.dialect(),
                                  compile_kwargs={"literal_binds": True}))
    return [f"CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER INSERT ON survey_answers "
            f"WHEN NEW.question = '{RATING_QUESTION}' AND EXISTS ({is_number})\n"
            f"BEGIN\n  {upsert.format(real='REAL')};\nEND"]


def install(connection: sa.Connection) -> None:
    """Install the trigger on ``survey_answers`` and fill the ratings from the answers there."""
    dialect = connection.dialect.name
    for statement in _trigger_sql(dialect):
        connection.execute(sa.text(statement))
    connection.execute(sa.delete(ConversationRating))
    connection.execute(sa.insert(ConversationRating).from_select(
        ("conversation_id", "answer_id", "rating"), latest(dialect)))


def uninstall(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER} ON survey_answers"))
        connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))
    else:
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {TRIGGER}"))
