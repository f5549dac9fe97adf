"""Every risk question and option of the engine's questionnaire is worded in the locale files, and
they word no question or option the engine does not know.

The engine's file (engine/data/risk_questions.yml) is the source of ids and scores; the chat asks
with the response ``utter_risk_question_<question id>`` and titles each button with the phrase
``risk_option_<question id>_<option id>``. A question added to the engine without its words would
break the form mid-conversation; words left behind after an option is removed would be a button
the engine cannot score.
"""

import pytest
from action_harness import run, tracker

from actions.onboarding import ValidateOnboardingForm
from engine.questionnaire import option_phrase, question_phrase, questionnaire
from engine.wording import DEFAULT_LANGUAGE, locales, placeholders

QUESTIONS = questionnaire().questions
OPTIONS = [(q.id, o.id) for q in QUESTIONS for o in q.options]
PREFIXES = ("utter_risk_question_", "risk_option_")
ENGLISH = locales()[DEFAULT_LANGUAGE]


def expected_names() -> set[str]:
    return ({question_phrase(q.id) for q in QUESTIONS}
            | {option_phrase(q, o) for q, o in OPTIONS})


def title(question_id: str, option_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    return locales()[language][option_phrase(question_id, option_id)][0]["text"]


@pytest.mark.parametrize("question_id", [q.id for q in QUESTIONS])
def test_each_question_has_a_declared_response_with_its_words(domain, question_id):
    name = question_phrase(question_id)
    assert name in domain["responses"], f"domain.yml does not declare {name}"
    assert ENGLISH.get(name), f"the locale files have no {name}"


@pytest.mark.parametrize(("question_id", "option_id"), OPTIONS)
def test_each_option_has_a_title(question_id, option_id):
    name = option_phrase(question_id, option_id)
    assert ENGLISH.get(name), f"the locale files have no {name}"


def test_the_locale_files_word_no_question_or_option_the_engine_does_not_know():
    worded = {name for name in ENGLISH if name.startswith(PREFIXES)}
    assert worded - expected_names() == set()


def test_question_and_option_texts_take_no_values_and_carry_no_buttons():
    # The asking action fills nothing in, and adds the option buttons itself: a placeholder
    # would reach the client unfilled, a button of the response would show twice.
    for name in expected_names():
        for variation in ENGLISH[name]:
            assert placeholders(variation["text"]) == set(), f"{name} has a placeholder"
            assert not variation.get("buttons"), f"{name} has buttons of its own"


def test_the_re_ask_lists_the_options_line_by_line():
    for variation in ENGLISH["utter_invalid_option"]:
        assert {field for field, _ in placeholders(variation["text"])} == {"options"}
    for variation in ENGLISH["option_line"]:
        assert {field for field, _ in placeholders(variation["text"])} == {"number", "option"}


@pytest.mark.parametrize("language", sorted(locales()))
@pytest.mark.parametrize("question_id", [q.id for q in QUESTIONS])
def test_options_of_one_question_have_distinct_titles_in_every_language(language, question_id):
    options = questionnaire().question(question_id).options
    titles = [title(question_id, o.id, language) for o in options]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(("question_id", "option_id"), OPTIONS)
def test_typing_an_option_title_chooses_that_option(domain, question_id, option_id):
    slot = f"q_{question_id}"
    typed = title(question_id, option_id)
    state = tracker(slots={"requested_slot": slot}, text=typed, candidates={slot: typed},
                    active_loop="onboarding_form")
    messages, slots = run(ValidateOnboardingForm(), state, domain)
    assert slots[slot] == option_id
    assert messages == []
