"""The conversation list's filters as they travel in URLs: the list's own query string, the
``list`` parameter of a transcript opened from the list (for previous and next), and the query a
saved filter keeps.

``ListQuery`` checks the fields as the list's form sends them (empty means "any") and turns them
into ``db.conversation_list.Filters``; a relative ``period`` becomes dates as of the given day.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from bot.i18n import LANGUAGES
from db.conversation_list import Filters, Neighbours, neighbours
from db.saved_filters import PERIODS, period_range
from engine.lifecycle.feedback import RATING_SCALE

YES_NO = "^(|yes|no)$"
#: The list's filter fields, in the order the list's form has them.
FIELDS = ("q", "period", "date_from", "date_to", "audience", "language", "stage", "intent",
          "fallback", "handoff", "flagged", "reviewed", "min_rating", "after_warning")


class ListQuery(BaseModel):
    """The list's filter fields as text; unknown parameters (``page``) are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    q: str = Field("", max_length=200)
    period: str = Field("", pattern=f"^(|{'|'.join(PERIODS)})$")
    date_from: str = Field("", max_length=10)
    date_to: str = Field("", max_length=10)
    audience: str = Field("", pattern="^(|prospect|client)$")
    language: str = Field("", max_length=8)
    stage: str = Field("", max_length=32)
    intent: str = Field("", max_length=64)
    fallback: str = Field("", pattern=YES_NO)
    handoff: str = Field("", pattern=YES_NO)
    flagged: str = Field("", pattern=YES_NO)
    reviewed: str = Field("", pattern=YES_NO)
    min_rating: str = Field("", max_length=5)
    after_warning: str = Field("", pattern=YES_NO)

    @field_validator("language")
    @classmethod
    def _known_language(cls, code: str) -> str:
        if code and code not in LANGUAGES:
            raise ValueError(f"{code!r} is not a language of the assistant; the languages are "
                             f"{', '.join(LANGUAGES)}")
        return code

    @classmethod
    def parse(cls, query: str) -> ListQuery:
        """The filters of a URL query string; ValueError names each field it cannot read."""
        return cls.checked(dict(parse_qsl(query, keep_blank_values=True)))

    @classmethod
    def checked(cls, fields: dict[str, str]) -> ListQuery:
        """The filters of the list form's fields; ValueError names each field it cannot read."""
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {_said(e)}"
                                       for e in exc.errors())) from exc

    def given(self) -> list[tuple[str, str]]:
        """The fields that are set, as (name, value), in the form's order."""
        return [(name, getattr(self, name)) for name in FIELDS if getattr(self, name)]

    def query_string(self) -> str:
        """The canonical query string: only the fields that are set, in the form's order."""
        return urlencode(self.given())

    def filters(self, today: date) -> Filters:
        """The database filters, with a relative period resolved as of ``today`` (UTC)."""
        if self.period and (self.date_from or self.date_to):
            raise ValueError("period: give a period or dates (from, to), not both")
        date_from, date_to = (period_range(self.period, today) if self.period else
                              (_date("date_from", self.date_from), _date("date_to", self.date_to)))
        if date_from is not None and date_to is not None and date_from > date_to:
            raise ValueError("date_to: the last day comes before the first")
        yes_no = {"yes": True, "no": False}
        return Filters(
            date_from, date_to, self.audience or None, self.stage or None, self.intent or None,
            yes_no.get(self.fallback), yes_no.get(self.handoff), yes_no.get(self.flagged),
            yes_no.get(self.reviewed), _rating(self.min_rating), self.q or None,
            self.language or None, after_warning=yes_no.get(self.after_warning))


def _said(error: dict) -> str:
    """A validation error's message; one of our own checks' without pydantic's "Value error, "."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def _date(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}: cannot read {value!r} as a date (YYYY-MM-DD)") from exc


def _rating(value: str) -> float | None:
    if not value:
        return None
    try:
        rating = float(value)
    except ValueError as exc:
        raise ValueError(f"min_rating: cannot read {value!r} as a number") from exc
    if not RATING_SCALE.contains(rating):
        raise ValueError(f"min_rating: cannot read {value!r} (a rating is {RATING_SCALE.low:g} to "
                         f"{RATING_SCALE.high:g})")
    return rating


class Triage(BaseModel):
    """A transcript opened from a filtered list: the list's filters and the conversation's place."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    query: ListQuery
    near: Neighbours

    @property
    def query_string(self) -> str:
        return self.query.query_string()


def triage(db: Session, list_query: str, conversation_id: str, today: date) -> Triage | None:
    """Where ``conversation_id`` stands in the list that ``list_query`` (the list's query string)
    filters; None without a list. ValueError names a filter it cannot read."""
    if not list_query.strip():
        return None
    query = ListQuery.parse(list_query)
    return Triage(query=query, near=neighbours(db, query.filters(today), conversation_id))
