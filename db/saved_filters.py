"""Saved filters of the staff conversation list: a name and the list's query string.

A filter is kept as the list's own query string (``fallback=yes&reviewed=no&period=this_week``),
so a relative period such as "this week" is stored as the period's name and turned into dates
each time the list is opened (``period_range``), never as the dates of the day it was saved.
Each member of staff has their own saved filters; the built-in ones (``BUILT_IN``) are the same
for everyone and cannot be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base
from db.clock import utcnow

#: Relative periods a filter can name; each is resolved against today's date (UTC).
PERIODS = ("today", "yesterday", "this_week", "last_7_days", "last_30_days", "this_month")
NAME_LENGTH = 80
QUERY_LENGTH = 1000


class SavedFilter(Base):
    """One member of staff's named filter of the conversation list."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("staff_user_id", "name",
                                       name="uq_saved_filters_staff_user_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class BuiltInFilter:
    """A filter every member of staff has; ``key`` names it (the page gives its words)."""

    key: str
    query: str


#: Queries in the list form's field order (``bot.console.list_query.FIELDS``), as the list writes them.
BUILT_IN = (
    BuiltInFilter("fallbacks_this_week", "period=this_week&fallback=yes&reviewed=no"),
    BuiltInFilter("flagged_open", "flagged=yes&reviewed=no"),
    BuiltInFilter("handoffs_7_days", "period=last_7_days&handoff=yes"),
    BuiltInFilter("clients_30_days", "period=last_30_days&audience=client"),
)


def period_range(period: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) of a relative period, as of ``today``."""
    if period == "today":
        return today, today
    if period == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if period == "this_week":  # ISO weeks start on Monday
        return today - timedelta(days=today.weekday()), today
    if period == "last_7_days":
        return today - timedelta(days=6), today
    if period == "last_30_days":
        return today - timedelta(days=29), today
    if period == "this_month":
        return today.replace(day=1), today
    raise ValueError(f"period: {period!r} is not one of {', '.join(PERIODS)}")


def saved_filters(db: Session, staff_user_id: int) -> list[SavedFilter]:
    """The member of staff's saved filters, by name."""
    return list(db.scalars(sa.select(SavedFilter).where(SavedFilter.staff_user_id == staff_user_id)
                           .order_by(SavedFilter.name, SavedFilter.id)))


def save_filter(db: Session, staff_user_id: int, name: str, query: str) -> SavedFilter:
    """Keep ``query`` under ``name``; a name the member of staff already uses is refused."""
    name = name.strip()
    if not name:
        raise ValueError("name: a saved filter needs a name")
    if len(name) > NAME_LENGTH:
        raise ValueError(f"name: at most {NAME_LENGTH} characters")
    if len(query) > QUERY_LENGTH:
        raise ValueError(f"query: at most {QUERY_LENGTH} characters")
    taken = db.scalar(sa.select(SavedFilter.id).where(SavedFilter.staff_user_id == staff_user_id,
                                                      SavedFilter.name == name))
    if taken is not None:
        raise ValueError(f"name: you already have a saved filter called {name!r}")
    saved = SavedFilter(staff_user_id=staff_user_id, name=name, query=query, created_at=utcnow())
    db.add(saved)
    db.flush()
    return saved


def delete_filter(db: Session, staff_user_id: int, filter_id: int) -> bool:
    """Delete one of the member of staff's saved filters; False if they have none with this id."""
    found = db.scalar(sa.select(SavedFilter).where(SavedFilter.id == filter_id,
                                                   SavedFilter.staff_user_id == staff_user_id))
    if found is None:
        return False
    db.delete(found)
    db.flush()
    return True
