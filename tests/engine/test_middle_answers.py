"""The moderate answer set: the middle option of every risk question, named in the questionnaire."""

import pytest
import yaml
from pydantic import ValidationError

from engine.profile import InvestorProfile
from engine.questionnaire import QUESTIONS_FILE, Questionnaire, middle_answers, questionnaire
from engine.risk import assess

FORM = questionnaire()


def test_every_question_has_a_middle_option():
    answers = middle_answers()
    assert list(answers) == FORM.ids
    for question in FORM.questions:
        ids = [o.id for o in sorted(question.options, key=lambda o: o.score)]
        position = ids.index(answers[question.id])
        # The middle one of an odd list; one of the two middle ones of an even list.
        assert position in {(len(ids) - 1) // 2, len(ids) // 2}, question.id


def test_the_middle_answers_score_near_the_middle_of_the_scale_without_flags():
    total = sum(FORM.question(q).option(o).score for q, o in middle_answers().items())
    middle = sum(q.min_score + q.max_score for q in FORM.questions) / 2
    assert abs(total - middle) <= 1
    profile = InvestorProfile(age=40, goal="retirement", risk_answers=middle_answers())
    assert assess(profile).flags == []


def test_a_middle_that_is_not_an_option_is_refused():
    data = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    data["questions"][0]["middle"] = "panic"
    with pytest.raises(ValidationError, match="'panic' is not an option of question 'loss_reaction'"):
        Questionnaire.model_validate(data)


def test_each_call_gives_a_fresh_set():
    answers = middle_answers()
    answers["max_loss"] = "loss_5"
    assert middle_answers()["max_loss"] != "loss_5"
