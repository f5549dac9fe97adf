"""Every risk question and option of the engine's questionnaire is worded in the domain, and the
domain words no question or option the engine does not know.

The engine's file (engine/data/risk_questions.yml) is the source of ids and scores; the chat asks
with ``utter_risk_question_<question id>`` and titles each button with
``utter_risk_option_<question id>_<option id>``. A question added to the engine without its words
would break the form mid-conversation; a response left behind after an option is removed would be
a button the engine cannot score.
"""

import string

import pytest
from action_harness import run, tracker

from actions.onboarding import ValidateOnboardingForm, risk_option_phrase, risk_question_response
from engine.questionnaire import questionnaire

QUESTIONS = questionnaire().questions
OPTIONS = [(q.id, o.id) for q in QUESTIONS for o in q.options]
PREFIXES = ("utter_risk_question_", "utter_risk_option_")


def expected_responses() -> set[str]:
    return ({risk_question_response(q.id) for q in QUESTIONS}
            | {f"utter_{risk_option_phrase(q, o)}" for q, o in OPTIONS})


def fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.mark.parametrize("question_id", [q.id for q in QUESTIONS])
def test_each_question_has_a_response(domain, question_id):
    assert domain["responses"].get(risk_question_response(question_id)), (
        f"the domain has no {risk_question_response(question_id)}")


@pytest.mark.parametrize(("question_id", "option_id"), OPTIONS)
def test_each_option_has_a_response(domain, question_id, option_id):
    name = f"utter_{risk_option_phrase(question_id, option_id)}"
    assert domain["responses"].get(name), f"the domain has no {name}"


def test_the_domain_words_no_question_or_option_the_engine_does_not_know(domain):
    worded = {name for name in domain["responses"] if name.startswith(PREFIXES)}
    assert worded - expected_responses() == set()


def test_question_and_option_texts_take_no_values_and_carry_no_buttons(domain):
    # The asking action fills nothing in, and adds the option buttons itself: a placeholder
    # would reach the client unfilled, a button of the response would show twice.
    for name in expected_responses():
        for variation in domain["responses"][name]:
            assert variation.get("text"), f"{name} has a variation without text"
            assert fields(variation["text"]) == set(), f"{name} has a placeholder"
            assert not variation.get("buttons"), f"{name} has buttons of its own"


def test_the_re_ask_lists_the_options_line_by_line(domain):
    for variation in domain["responses"]["utter_invalid_option"]:
        assert fields(variation["text"]) == {"options"}
    for variation in domain["responses"]["utter_option_line"]:
        assert fields(variation["text"]) == {"number", "option"}


@pytest.mark.parametrize("question_id", [q.id for q in QUESTIONS])
def test_options_of_one_question_have_distinct_titles(domain, question_id):
    options = questionnaire().question(question_id).options
    titles = [domain["responses"][f"utter_{risk_option_phrase(question_id, o.id)}"][0]["text"]
              for o in options]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(("question_id", "option_id"), OPTIONS)
def test_typing_an_option_title_chooses_that_option(domain, question_id, option_id):
    slot = f"q_{question_id}"
    title = domain["responses"][f"utter_{risk_option_phrase(question_id, option_id)}"][0]["text"]
    state = tracker(slots={"requested_slot": slot}, text=title, candidates={slot: title},
                    active_loop="onboarding_form")
    messages, slots = run(ValidateOnboardingForm(), state, domain)
    assert slots[slot] == option_id
    assert messages == []
