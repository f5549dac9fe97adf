"""The risk-willingness questionnaire: one source for the chat, the web page and the scoring.

Questions live in ``engine/data/risk_questions.yml`` with their options and scores; their words
are in the locale files (``locales/<language>/risk_questions.yml``): the chat response
:func:`question_phrase` asks each question, the phrase :func:`option_phrase` titles each option.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.wording import Texts, texts

QUESTIONS_FILE = Path(__file__).resolve().parent / "data" / "risk_questions.yml"


Identified = TypeVar("Identified", bound="Option | Question")


def _by_id(items: list[Identified], wanted: str, problem: str) -> Identified:
    """The item of ``items`` whose id is ``wanted``; a ValueError saying ``problem`` and the valid
    ids when there is none."""
    for item in items:
        if item.id == wanted:
            return item
    valid = ", ".join(item.id for item in items)
    raise ValueError(f"{problem} (valid: {valid})")


class Option(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    score: int
    #: Largest one-year fall the answer accepts (a fraction); None when the answer sets no limit.
    loss_limit: float | None = Field(default=None, gt=0, le=1)


class Question(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    options: list[Option]
    #: Id of the moderate answer: the middle option.
    middle: str

    @model_validator(mode="after")
    def _middle_is_an_option(self) -> Question:
        self.option(self.middle)
        return self

    def option(self, option_id: str) -> Option:
        return _by_id(self.options, option_id, f"'{option_id}' is not an option of question '{self.id}'")

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def min_score(self) -> int:
        return min(o.score for o in self.options)


class Questionnaire(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: str
    questions: list[Question]

    def question(self, question_id: str) -> Question:
        return _by_id(self.questions, question_id, f"unknown risk question '{question_id}'")

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def loss_limit(self, answers: dict[str, str]) -> float | None:
        """The largest one-year fall the answers accept (the smallest limit any chosen option
        sets, a fraction); None when no answer sets one."""
        limits = [self.question(q).option(a).loss_limit for q, a in answers.items()]
        return min((limit for limit in limits if limit is not None), default=None)

    def localised(self, language: str = "en") -> list[dict]:
        """Questions with texts in one language, as plain data for the API and the CLI."""
        say = texts(language)
        return [
            {
                "id": q.id,
                "text": say(question_phrase(q.id)),
                "options": [{"id": o.id, "text": say(option_phrase(q.id, o.id)), "score": o.score}
                            for o in q.options],
            }
            for q in self.questions
        ]


def question_phrase(question_id: str) -> str:
    """Name of the chat response that asks the risk question ``question_id`` (its text)."""
    return f"utter_risk_question_{question_id}"


def option_phrase(question_id: str, option_id: str) -> str:
    """Name of the phrase that titles one option of a risk question."""
    return f"risk_option_{question_id}_{option_id}"


def option_titles(question: Question, say: Texts) -> dict[str, str]:
    """Option id -> its title in the language of ``say``, in the question's order."""
    return {o.id: say(option_phrase(question.id, o.id)) for o in question.options}


@lru_cache(maxsize=1)
def questionnaire() -> Questionnaire:
    """The questionnaire in force (loaded once)."""
    return Questionnaire.model_validate(yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8")))


def middle_answers() -> dict[str, str]:
    """The moderate answer set: question id -> its middle option id, for every risk question."""
    return {q.id: q.middle for q in questionnaire().questions}


def questions(language: str = "en") -> list[dict]:
    """The risk questions (ids, texts, options and scores) in ``language``."""
    return questionnaire().localised(language)
