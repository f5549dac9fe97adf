"""The project's clock: every time it writes is naive UTC.

The ``DateTime`` columns have no time zone (``TIMESTAMP WITHOUT TIME ZONE`` on PostgreSQL, text
on SQLite), so a time is stored as UTC with the zone dropped, and compared with times made here.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC without a time zone, as the tables store times."""
    return datetime.now(UTC).replace(tzinfo=None)
