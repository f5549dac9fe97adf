"""What leaving clients told the exit interview, summed up for staff: how many interviews, the
reasons by count, the average likelihood to return and the latest suggestions.

The answers are the ``exit`` survey's rows of ``survey_answers`` (written by the chat's leaving
flow and exit interview). A reason typed in the client's own words is kept as ``other: <words>``
and counted under ``other`` here; the words themselves are in the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.conversations import SurveyAnswer

SURVEY = "exit"
#: The reason counted for an answer in the client's own words.
OTHER = "other"
#: The improvement answer that suggests nothing (the "Nothing" button, or typed).
NOTHING = "nothing"
#: Suggestions listed on the overview, newest first.
LATEST_SUGGESTIONS = 5


@dataclass
class Suggestion:
    conversation_id: str
    answer: str
    created_at: datetime


@dataclass
class ExitSummary:
    """``reasons`` holds (reason, count), most frequent first; ``interviews`` counts the
    conversations with any exit answer; ``return_likelihood`` is the mean on the 0-10 scale, or
    None before any answer."""

    interviews: int
    reasons: list[tuple[str, float]]
    return_likelihood: float | None
    likelihood_answers: int
    suggestions: list[Suggestion]


def _exit(question: str):
    return sa.and_(SurveyAnswer.survey == SURVEY, SurveyAnswer.question == question)


def summary(db: Session) -> ExitSummary:
    """The exit interviews' figures, each computed in the database."""
    reason = sa.case((SurveyAnswer.answer.like(f"{OTHER}:%"), OTHER), else_=SurveyAnswer.answer)
    count = sa.func.count()
    reasons = [(str(r), n) for r, n in db.execute(
        sa.select(reason, count).where(_exit("reason")).group_by(reason)
        .order_by(count.desc(), reason))]
    interviews = db.scalar(sa.select(sa.func.count(sa.distinct(SurveyAnswer.conversation_id)))
                           .where(SurveyAnswer.survey == SURVEY)) or 0
    # The answers are whole numbers from 0 to 10, checked before they are kept.
    mean, answers = db.execute(
        sa.select(sa.func.avg(sa.cast(SurveyAnswer.answer, sa.Float)), sa.func.count())
        .where(_exit("return_likelihood"))).one()
    suggestions = [Suggestion(*row) for row in db.execute(
        sa.select(SurveyAnswer.conversation_id, SurveyAnswer.answer, SurveyAnswer.created_at)
        .where(_exit("improvement"), sa.func.lower(sa.func.trim(SurveyAnswer.answer)) != NOTHING)
        .order_by(SurveyAnswer.created_at.desc(), SurveyAnswer.id.desc())
        .limit(LATEST_SUGGESTIONS))]
    return ExitSummary(interviews, reasons, None if mean is None else float(mean), answers,
                       suggestions)
