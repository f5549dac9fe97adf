"""Chinese answers in a client's own words, held out from the cue phrases (held_out_answers_zh.yml):
read right often enough, read as another option seldom, and never written into the cues.

A wrong reading is the costly mistake (it moves the risk score without the client knowing); an
unread answer costs a turn, as the chat asks again with buttons. So the floor on answers read right
leaves room for about three more unread answers after a change to the cues, and the ceiling on wrong
readings for one more (measured 2026-12-05: 75 of 103 right, 3 wrong, 25 unread; README, "Measured
figures"). ``.venv/bin/python -m bench.answer_reading`` prints the table.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

import pytest

from bench.answer_reading import held_out_answers, read_all
from engine.questionnaire import questionnaire
from engine.wording import answer_words

RIGHT_FLOOR = 0.69
WRONG_CEILING = 4 / 103
#: A cue at least this alike to a held-out answer, character by character, is a near copy of it.
NEAR_COPY = 0.8


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text)).casefold())


@pytest.fixture(scope="module")
def answers():
    return held_out_answers("zh")


def test_every_held_out_answer_means_an_option_of_its_question(answers):
    options = {q.id: {o.id for o in q.options} for q in questionnaire().questions}
    for question_id, meant in answers.items():
        assert question_id in options
        assert set(meant) <= options[question_id], (question_id, set(meant) - options[question_id])


def test_no_cue_is_a_held_out_answer_or_a_near_copy_of_one(answers):
    cues = answer_words("zh")["risk_questions"]
    copies = []
    for question_id, meant in answers.items():
        phrases = [_plain(c.replace("...", "")) for cs in cues[question_id].values() for c in cs]
        for answer in (a for group in meant.values() for a in group):
            plain = _plain(answer)
            copies += [(answer, p) for p in phrases
                       if SequenceMatcher(None, plain, p).ratio() >= NEAR_COPY]
    assert not copies, f"cues that copy held-out answers: {copies}"


def test_held_out_answers_are_read_right_often_and_wrong_seldom():
    readings = read_all("zh")
    total = sum(r.total for r in readings.values())
    right = sum(r.right for r in readings.values())
    wrong = [w for r in readings.values() for w in r.wrong]
    assert right / total >= RIGHT_FLOOR, f"{right} of {total} read right"
    assert len(wrong) / total <= WRONG_CEILING, f"read as another option: {wrong}"
