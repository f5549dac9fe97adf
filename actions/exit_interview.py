"""The exit interview's answers on record: the questions are slots of exit_survey_form, and what the
client has answered is kept as ``exit`` survey answers when the interview ends, or when the client
asks for a person before it does (so the adviser sees what was said)."""

from __future__ import annotations

from actions import records
from db.models import SurveyAnswer

SURVEY = "exit"
#: The interview's questions, in order (exit_survey_form's slots).
SURVEY_SLOTS = ("exit_reason", "exit_detail", "exit_return_likelihood", "exit_improvement")


def keep_answers(tracker) -> int:
    """Record every question answered so far; the number kept. A reason given in the leaving
    flow was kept when it was given, so it is not kept twice."""
    kept = 0
    for slot in SURVEY_SLOTS:
        answer = tracker.get_slot(slot)
        if answer is None or (slot == "exit_reason" and tracker.get_slot("leaving_reason")):
            continue
        records.append(SurveyAnswer(conversation_id=tracker.sender_id,
                                    client_id=tracker.get_slot("client_id"), survey=SURVEY,
                                    question=slot.removeprefix("exit_"), answer=str(answer)))
        kept += 1
    return kept
