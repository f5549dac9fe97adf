"""Conversations as staff review them: Rasa's tracker events joined with the project's records.

The conversation id is Rasa's sender id, which is also the ``conversation_id`` of the project's
records (recommendations, offers, survey answers, handoff requests) and of the review trail. The
list reads the per-conversation summaries a trigger keeps as Rasa writes its events
(``db.conversation_summary``), never the events themselves: filters are conditions on the summary's
indexed columns or sets from the project's tables (flags, reviews, handoff requests, the latest
lifecycle scores, the latest ratings that ``db.conversation_ratings`` keeps), the search finds
conversations by their message text through an index (``db.conversation_search``), and only the
page's rows are joined with the records they show. A signed-in client's stage, when the dialogue
named none, is their latest lifecycle score (``db.clients.latest_stage``).

A list page with a search counts its conversations up to ``SEARCH_COUNT_AT_MOST`` (``Total``):
counting all the conversations that a common word is in means reading their texts even with the
index, 70 to 100 ms at 100,000 conversations on PostgreSQL, whereas the page itself needs a few.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.accounts import StaffUser
from db.clients import LifecycleScore, latest_scores_query, latest_stage
from db.conversation_ratings import ConversationRating, numeric
from db.conversation_search import Term
from db.conversation_summary import (
    DEFAULT_LANGUAGE,
    DEFAULT_STAGE,
    LANGUAGE_SLOT,
    ConversationIntent,
    ConversationSummary,
    ConversationText,
    aggregate,
    ensure,
    slot_set,
)
from db.conversations import HandoffRequest, SuitabilityRecord, SurveyAnswer
from db.market_suitability import MarketSuitabilityRecord
from db.review import ReviewAction, ReviewEvent, review_state
from db.tracker_events import (
    EVENTS,
    dialect_of,
    epoch,
    event_time,
    has_events,
    json_text,
)

ONBOARDING_STEPS = (("Started", None), ("Age given", "age"), ("Goal given", "goal"),
                    ("Horizon given", "horizon_years"), ("Recommendation shown", "recommended"))
#: Above this many ids, the review trail is read whole rather than with an IN list.
MAX_IN_LIST = 500
SUMMARIES = ConversationSummary.__table__
#: Up to this many conversations passing the filters, a page sorts them all (see ``list_page``);
#: with an end date, which leaves out the newest, up to the second number.
SORT_AT_MOST = 1_000
SORT_DATED_AT_MOST = 20_000
#: A list page with a search counts at most this many conversations (or as many as reach its
#: page), and says "more than" past it.
SEARCH_COUNT_AT_MOST = 1_000
#: With other filters, a search counts from the texts the index finds when they are at most
#: this many and no more than the conversations the other filters leave; otherwise it reads the
#: texts of up to ``SEARCH_PROBES`` of those conversations first (``_search_total``).
SEARCH_MANY_TEXTS = 10_000
SEARCH_PROBES = 20_000


@dataclass
class Summary:
    """One conversation in the staff list."""

    conversation_id: str
    started: datetime
    last: datetime
    user_messages: int = 0
    first_message: str = ""
    client_id: int | None = None
    stage: str = "prospect"
    fallback: bool = False
    handoff: bool = False
    rating: float | None = None
    recommendations: int = 0
    flagged: bool = False
    reviewed: bool = False
    tags: list[str] = field(default_factory=list)
    reviewed_by: str | None = None  # who marked it reviewed last, and when
    reviewed_at: datetime | None = None
    language: str = DEFAULT_LANGUAGE

    @property
    def audience(self) -> str:
        return "client" if self.client_id is not None else "prospect"


@dataclass
class Filters:
    """The list's filters; None means "any". Dates are inclusive, in UTC."""

    date_from: date | None = None
    date_to: date | None = None
    audience: str | None = None  # "prospect" or "client"
    stage: str | None = None
    intent: str | None = None
    fallback: bool | None = None
    handoff: bool | None = None
    flagged: bool | None = None
    reviewed: bool | None = None
    min_rating: float | None = None
    search: str | None = None
    language: str | None = None  # a language code, "en" also matching conversations never set
    #: With a recommendation made after a special risk warning and the client's confirmation.
    after_warning: bool | None = None


@dataclass(frozen=True)
class Total:
    """How many conversations pass the filters: ``n``, or (``more``) more than ``n``, where a
    search stopped counting."""

    n: int
    more: bool = False


@dataclass(frozen=True)
class Neighbours:
    """Where a conversation stands in a filtered list: the conversations before and after it (None
    at either end), its 1-based ``position`` (None when the filters leave it out) and the ``total``."""

    previous: str | None
    next: str | None
    position: int | None
    total: int


def _latest_rating(dialect: str, conversation_id):
    """The conversation's latest numeric satisfaction rating (a correlated subquery)."""
    a = SurveyAnswer
    return (sa.select(sa.cast(a.answer, sa.Float))
            .where(a.conversation_id == conversation_id, a.question == "rating",
                   numeric(dialect, a.answer))
            .order_by(a.id.desc()).limit(1).scalar_subquery())


def _flagged_ids():
    """Conversations whose latest flag or unflag action is a flag."""
    r = ReviewEvent
    latest = (sa.select(sa.func.max(r.id)).where(r.action.in_((ReviewAction.flag, ReviewAction.unflag)))
              .group_by(r.conversation_id))
    return sa.select(r.conversation_id).where(r.id.in_(latest), r.action == ReviewAction.flag)


def _reviewed_ids():
    return sa.select(ReviewEvent.conversation_id).where(ReviewEvent.action == ReviewAction.reviewed)


def _handoff_ids():
    return sa.select(HandoffRequest.conversation_id)


def _with_records(dialect: str, c, ids: list[str] | None = None):
    """The rows of ``c`` (a summary's columns) with the stage and what the project's records add:
    handoff requests, the latest rating, recommendations, flag and review; only those of ``ids``
    if given (the records are then read for those alone)."""

    def of(query, column):
        return query if ids is None else query.where(column.in_(ids))

    flagged = of(_flagged_ids(), ReviewEvent.conversation_id).subquery("flagged")
    reviewed = of(_reviewed_ids(), ReviewEvent.conversation_id).distinct().subquery("reviewed")
    handoffs = of(_handoff_ids(), HandoffRequest.conversation_id).distinct().subquery("handoffs")
    recommendations = of(sa.select(SuitabilityRecord.conversation_id, sa.func.count().label("n")),
                         SuitabilityRecord.conversation_id
                         ).group_by(SuitabilityRecord.conversation_id).subquery()
    # A client's stage comes from its lifecycle score when the dialogue did not name one.
    stage = sa.case(
        (sa.and_(c.client_id.is_not(None), c.dialogue_stage == DEFAULT_STAGE),
         sa.func.coalesce(latest_stage(c.client_id), "unscored")),
        else_=c.dialogue_stage)
    return (sa.select(
        c.conversation_id, c.started, c.last, c.user_messages, c.client_id,
        c.first_user_event, stage.label("stage"), c.language, c.fallback,
        sa.case((sa.or_(c.handoff_action == 1, handoffs.c.conversation_id.is_not(None)), 1),
                else_=0).label("handoff"),
        _latest_rating(dialect, c.conversation_id).label("rating"),
        sa.func.coalesce(recommendations.c.n, 0).label("recommendations"),
        sa.case((flagged.c.conversation_id.is_not(None), 1), else_=0).label("flagged"),
        sa.case((reviewed.c.conversation_id.is_not(None), 1), else_=0).label("reviewed"),
    ).outerjoin(flagged, flagged.c.conversation_id == c.conversation_id)
        .outerjoin(reviewed, reviewed.c.conversation_id == c.conversation_id)
        .outerjoin(handoffs, handoffs.c.conversation_id == c.conversation_id)
        .outerjoin(recommendations, recommendations.c.conversation_id == c.conversation_id)
        .where(*([] if ids is None else [c.conversation_id.in_(ids)])))


def listing(dialect: str):
    """One row per conversation with every column the list shows, computed from all of
    ``events`` (the overview's figures; the list itself reads the summaries)."""
    return _with_records(dialect, aggregate(dialect).subquery("conversation").c
                         ).subquery("listing")


def _member(column, ids, wanted: bool):
    """``column`` in the ids that the select ``ids`` gives (or, ``wanted`` False, not in them)."""
    if wanted:
        return column.in_(ids)
    only = ids.where(ids.selected_columns[0].is_not(None))  # NOT IN with a NULL matches nothing
    return column.not_in(only)


def _term(db: Session, filters: Filters) -> Term | None:
    """The search term of ``filters``, as the database finds it; None without a search."""
    return Term.of(db, filters.search) if filters.search else None


#: How a search condition finds the conversations with the term (``_search_condition``).
READ, EXISTS, INDEX = "read", "exists", "index"


def _search_condition(term: Term, how: str):
    """The summary's conversation has the term in its text: ``READ``, its text read (for each
    conversation that the other conditions leave, or that a walk in the list's order reaches);
    ``INDEX``, among the texts that the index finds; ``EXISTS``, either, as the database plans
    it."""
    s = SUMMARIES.c
    if how == READ:
        return term.read(s.conversation_id)
    if how == INDEX:
        return s.conversation_id.in_(term.texts())
    t = ConversationText
    return sa.exists().where(t.conversation_id == s.conversation_id, term.found_in(t.text))


def _stage_is(stage: str):
    """The summary's conversation is at ``stage``: the dialogue's, or for a client whose dialogue
    named none, their latest lifecycle score's ("unscored" without one)."""
    s = SUMMARIES.c
    by_score = sa.and_(s.client_id.is_not(None), s.dialogue_stage == DEFAULT_STAGE)
    if stage == "unscored":
        scored = s.client_id.not_in(sa.select(LifecycleScore.client_id)
                                    .where(LifecycleScore.client_id.is_not(None)))
    else:
        latest = latest_scores_query()
        scored = s.client_id.in_(sa.select(latest.c.client_id).where(latest.c.stage == stage))
    # A CASE rather than OR: one pass over the summaries, the scores' set computed once.
    return sa.case((by_score, scored), else_=s.dialogue_stage == stage)


def _rated_at_least(rating: float):
    r = ConversationRating
    return SUMMARIES.c.conversation_id.in_(sa.select(r.conversation_id).where(r.rating >= rating))


def _conditions(filters: Filters, term: Term | None, *, search: str = EXISTS) -> list:
    """``filters`` as conditions on ``conversation_summaries``, its search that of ``term``
    found as ``search`` says (``_search_condition``)."""
    s = SUMMARIES.c
    conditions = []
    if filters.date_from is not None:
        conditions.append(s.last >= epoch(datetime.combine(filters.date_from, time())))
    if filters.date_to is not None:
        day_after = datetime.combine(filters.date_to + timedelta(days=1), time())
        conditions.append(s.started < epoch(day_after))
    if filters.audience is not None:
        is_client = s.client_id.is_not(None)
        conditions.append(is_client if filters.audience == "client" else sa.not_(is_client))
    if filters.stage is not None:
        conditions.append(_stage_is(filters.stage))
    if filters.fallback is not None:
        conditions.append(s.fallback == int(filters.fallback))
    if filters.handoff is not None:
        requested = _member(s.conversation_id, _handoff_ids(), filters.handoff)
        conditions.append(sa.or_(s.handoff_action == 1, requested) if filters.handoff
                          else sa.and_(s.handoff_action == 0, requested))
    if filters.flagged is not None:
        conditions.append(_member(s.conversation_id, _flagged_ids(), filters.flagged))
    if filters.reviewed is not None:
        conditions.append(_member(s.conversation_id, _reviewed_ids(), filters.reviewed))
    if filters.min_rating is not None:
        conditions.append(_rated_at_least(filters.min_rating))
    if filters.intent is not None:
        conditions.append(s.conversation_id.in_(
            sa.select(ConversationIntent.conversation_id)
            .where(ConversationIntent.intent_name == filters.intent)))
    if filters.language is not None:
        conditions.append(s.language == filters.language)
    if filters.after_warning is not None:
        conditions.append(_member(s.conversation_id, sa.select(
            MarketSuitabilityRecord.conversation_id)
            .where(MarketSuitabilityRecord.after_warning.is_(sa.true())), filters.after_warning))
    if term is not None:
        conditions.append(_search_condition(term, search))
    return conditions


def _summarised(db: Session) -> bool:
    """Whether Rasa has made ``events``; if so, make sure its summaries are kept."""
    if not has_events(db):
        return False
    ensure(db)
    return True


def count(db: Session, filters: Filters | None = None) -> int:
    """How many conversations pass ``filters``, exactly."""
    if not _summarised(db):
        return 0
    filters = filters or Filters()
    term = _term(db, filters)
    # A search or an intent alone counts the texts or intents that match: each has its summary
    # (the trigger writes them together), so the join with the summaries can be left out.
    if term is not None and filters == Filters(search=filters.search):
        return db.scalar(sa.select(sa.func.count()).select_from(term.texts().subquery()))
    if filters.intent is not None and filters == Filters(intent=filters.intent):
        return db.scalar(sa.select(sa.func.count()).select_from(ConversationIntent)
                         .where(ConversationIntent.intent_name == filters.intent))
    return db.scalar(sa.select(sa.func.count()).select_from(SUMMARIES)
                     .where(*_conditions(filters, term,
                                         search=INDEX if term and term.indexed else EXISTS)))


def _at_most(db: Session, query: sa.Select, n: int) -> int:
    """How many rows ``query`` gives, counted up to ``n + 1``: reading stops there."""
    return db.scalar(sa.select(sa.func.count()).select_from(query.limit(n + 1).subquery()))


def _search_total(db: Session, filters: Filters, term: Term, at_most: int) -> tuple[int, bool]:
    """How many conversations pass ``filters`` (which search for ``term``), counted up to
    ``at_most + 1``, and whether a page of them is best found by reading the texts of the
    conversations the other filters leave (``READ``) rather than through the index.

    A search alone counts the texts the index finds (or, for a term it cannot find, reads the
    texts until enough contain it). With other filters the count starts from the smaller side,
    each costing about a microsecond a conversation on SQLite (a few on PostgreSQL): the texts
    the index finds, each checked against the other filters, or the conversations the other
    filters leave, each of whose text is read. Both are counted first, cheaply (the filters
    alone, up to ``SEARCH_PROBES``; the index alone, up to as many or ``SEARCH_MANY_TEXTS``).
    When both are many, the texts of ``SEARCH_PROBES`` of the conversations are read, which
    settles a common term; only if that does not does the count start from the texts found."""
    s = SUMMARIES.c
    others = replace(filters, search=None)
    if others == Filters():
        return _at_most(db, term.found(), at_most), False
    leave = _conditions(others, None)
    conversations = _at_most(db, sa.select(s.conversation_id).where(*leave), SEARCH_PROBES)
    if conversations == 0:
        return 0, False
    found = term.conversations(SUMMARIES).where(*leave)
    texts = min(conversations, SEARCH_MANY_TEXTS)
    if term.indexed and _at_most(db, term.found(), texts) <= texts:
        return _at_most(db, found, at_most), False
    some = sa.select(s.conversation_id).where(*leave).limit(SEARCH_PROBES).subquery("some")
    n = _at_most(db, sa.select(some.c.conversation_id).where(term.read(some.c.conversation_id)),
                 at_most)
    if n > at_most or conversations <= SEARCH_PROBES:
        return n, True
    return _at_most(db, found, at_most), False


def list_page(db: Session, filters: Filters | None = None, *, offset: int = 0,
              limit: int | None = None) -> tuple[Total, list[Summary]]:
    """How many conversations pass ``filters`` (``Total``: a search counts up to
    ``SEARCH_COUNT_AT_MOST``, or as many as reach the page), and ``limit`` of them from
    ``offset`` (the most recent first): the list page. Knowing the count first, the page is read
    the way that costs least: by walking the list's order until the page is full, unless so few
    pass (or an end date leaves out the newest, where the walk starts) that finding them all
    through the filters' own indexes and sorting them is cheaper."""
    filters = filters or Filters()
    if not _summarised(db):
        return Total(0), []
    term = _term(db, filters)
    probing = False
    if term is None or limit is None:
        total = Total(count(db, filters))
    else:
        at_most = max(SEARCH_COUNT_AT_MOST, offset + limit)
        n, probing = _search_total(db, filters, term, at_most)
        total = Total(min(n, at_most), more=n > at_most)
    if total.n <= offset and not total.more:
        return total, []
    few = not total.more and total.n <= (SORT_AT_MOST if filters.date_to is None
                                         else SORT_DATED_AT_MOST)
    return total, _summaries(db, filters, term, offset=offset, limit=limit, few=few,
                             probing=probing)


def summaries(db: Session, filters: Filters | None = None, *, offset: int = 0,
              limit: int | None = None, few: bool = False) -> list[Summary]:
    """The conversations that pass ``filters``, the most recent first, ``limit`` from ``offset``;
    ``few``: so few pass them that sorting them all is cheaper than walking the list's order."""
    if not _summarised(db):
        return []
    filters = filters or Filters()
    return _summaries(db, filters, _term(db, filters), offset=offset, limit=limit, few=few)


def _summaries(db: Session, filters: Filters, term: Term | None, *, offset: int,
               limit: int | None, few: bool, probing: bool = False) -> list[Summary]:
    """``summaries``, the search's term given. Walking the list's order, the search reads the
    text of each conversation it reaches; sorting, it starts from the texts the index finds,
    unless ``probing`` (``_search_total`` found reading those of the other filters' few cheaper)."""
    dialect = dialect_of(db)
    s = SUMMARIES.c
    walking = limit is not None and not few
    # "+ 0" keeps the planner off the index on ``last`` when sorting a few rows is cheaper
    # than walking it past the many that the filters leave out.
    order = (s.last.desc() if walking else (s.last + 0).desc(), s.conversation_id)
    conditions = _conditions(filters, term, search=READ if walking or probing else INDEX)
    # The page's ids first, from the summaries alone; then what the page shows of those.
    ids = list(db.scalars(sa.select(s.conversation_id).where(*conditions)
                          .order_by(*order).offset(offset).limit(limit)))
    by_id = {}
    for start in range(0, len(ids), MAX_IN_LIST):
        rows = _with_records(dialect, SUMMARIES.c, ids[start:start + MAX_IN_LIST])
        by_id.update((r["conversation_id"], r) for r in db.execute(rows).mappings())
    found = [by_id[i] for i in ids]
    first = _first_messages(db, dialect, [r["first_user_event"] for r in found])
    state = review_state(db, ids if len(ids) <= MAX_IN_LIST else None)
    reviewers = _reviewers(db, ids)
    return [Summary(
        conversation_id=r["conversation_id"], started=event_time(r["started"]),
        last=event_time(r["last"]), user_messages=int(r["user_messages"] or 0),
        first_message=first.get(r["first_user_event"], ""), client_id=r["client_id"],
        stage=r["stage"], fallback=bool(r["fallback"]), handoff=bool(r["handoff"]),
        rating=r["rating"], recommendations=int(r["recommendations"]),
        flagged=bool(r["flagged"]), reviewed=bool(r["reviewed"]),
        tags=state.get(r["conversation_id"], {}).get("tags", []),
        reviewed_by=reviewers.get(r["conversation_id"], (None, None))[0],
        reviewed_at=reviewers.get(r["conversation_id"], (None, None))[1],
        language=r["language"],
    ) for r in found]


def conversation_language(db: Session, conversation_id: str) -> str:
    """The conversation's language: the last value its ``language`` slot was set to, English
    (``DEFAULT_LANGUAGE``) when it never was or before Rasa made its table."""
    if not has_events(db):
        return DEFAULT_LANGUAGE
    dialect = dialect_of(db)
    e = EVENTS.c
    value = db.scalar(sa.select(json_text(dialect, e.data, "value"))
                      .where(e.sender_id == conversation_id, slot_set(dialect, e, LANGUAGE_SLOT))
                      .order_by(e.timestamp.desc(), e.id.desc()).limit(1))
    return str(value) if value else DEFAULT_LANGUAGE


def _ordered():
    """The list's order: the most recent last message first, then by id."""
    return (SUMMARIES.c.last.desc(), SUMMARIES.c.conversation_id)


def _reviewers(db: Session, ids: list[str]) -> dict[str, tuple[str, datetime]]:
    """Who marked each conversation reviewed last, and when."""
    r = ReviewEvent
    out: dict[str, tuple[str, datetime]] = {}
    for start in range(0, len(ids), MAX_IN_LIST):
        chunk = ids[start:start + MAX_IN_LIST]
        latest = (sa.select(sa.func.max(r.id)).where(r.action == ReviewAction.reviewed,
                                                      r.conversation_id.in_(chunk))
                  .group_by(r.conversation_id))
        out.update((cid, (name, when)) for cid, name, when in db.execute(
            sa.select(r.conversation_id, StaffUser.username, r.created_at)
            .join(StaffUser, StaffUser.id == r.staff_user_id).where(r.id.in_(latest))))
    return out


def neighbours(db: Session, filters: Filters | None, conversation_id: str) -> Neighbours:
    """The conversations before and after ``conversation_id`` in the list that ``filters`` give,
    in the list's order, with its position and the list's length; computed in the database from
    the conversation's place in the list's order, so on the indexes rather than by numbering
    the whole list."""
    if not _summarised(db):
        return Neighbours(None, None, None, 0)
    s = SUMMARIES.c
    filters = filters or Filters()
    conditions = _conditions(filters, _term(db, filters))
    total = db.scalar(sa.select(sa.func.count()).select_from(SUMMARIES).where(*conditions))
    here = db.execute(sa.select(s.last, s.conversation_id)
                      .where(s.conversation_id == conversation_id, *conditions)).first()
    if here is None:
        return Neighbours(None, None, None, total)
    if here.last is None:  # no time to compare with: number the list as a whole
        return _numbered_neighbours(db, conditions, conversation_id, total)
    before = sa.or_(s.last > here.last,
                    sa.and_(s.last == here.last, s.conversation_id < conversation_id))
    after = sa.or_(s.last < here.last,
                   sa.and_(s.last == here.last, s.conversation_id > conversation_id))
    ahead = db.scalar(sa.select(sa.func.count()).select_from(SUMMARIES)
                      .where(*conditions, before))
    previous = db.scalar(sa.select(s.conversation_id).where(*conditions, before)
                         .order_by(s.last.asc(), s.conversation_id.desc()).limit(1))
    following = db.scalar(sa.select(s.conversation_id).where(*conditions, after)
                          .order_by(*_ordered()).limit(1))
    return Neighbours(previous, following, ahead + 1, total)


def _numbered_neighbours(db: Session, conditions: list, conversation_id: str,
                         total: int) -> Neighbours:
    numbered = sa.select(SUMMARIES.c.conversation_id,
                         sa.func.row_number().over(order_by=_ordered()).label("n")
                         ).where(*conditions).subquery("numbered")
    position = db.scalar(sa.select(numbered.c.n)
                         .where(numbered.c.conversation_id == conversation_id))
    around = dict(db.execute(sa.select(numbered.c.n, numbered.c.conversation_id)
                             .where(numbered.c.n.in_((position - 1, position + 1)))).all())
    return Neighbours(around.get(position - 1), around.get(position + 1), int(position), total)


def _first_messages(db: Session, dialect: str, event_ids: list[int | None]) -> dict[int, str]:
    wanted = [i for i in event_ids if i is not None]
    if not wanted:
        return {}
    text = json_text(dialect, EVENTS.c.data, "text")
    out: dict[int, str] = {}
    for start in range(0, len(wanted), MAX_IN_LIST):
        chunk = wanted[start:start + MAX_IN_LIST]
        out.update(db.execute(sa.select(EVENTS.c.id, text).where(EVENTS.c.id.in_(chunk)))
                   .all())
    return {k: str(v or "") for k, v in out.items()}
