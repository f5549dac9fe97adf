"""The one declarative base of the project's tables, and the column every record's time uses.

Every table module (``db.clients``, ``db.conversations``, ``db.review``, ``db.accounts``,
``db.holdings``) maps its classes on this base, so they share one ``MetaData``; ``db.models``
imports them all, so that importing it gives the whole schema (Alembic's env.py does).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.clock import utcnow


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


def written_at() -> Mapped[datetime]:
    """A record's time of writing: naive UTC set by SQLAlchemy when the row is inserted.

    The server default only serves rows inserted by hand; PostgreSQL's ``now()`` is converted to
    the server's local time in a column without time zone, so the project never relies on it.
    """
    return mapped_column(DateTime, default=utcnow, server_default=func.now())
