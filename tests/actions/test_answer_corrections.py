"""Changing an earlier answer while the form asks something else."""

import pytest
from action_harness import form_run, said

from actions.corrections import correction

ANSWERED = {"age": 38, "goal": "retirement", "horizon_years": 10, "initial_amount": 1_000,
            "monthly_contribution": 100, "target_amount": 0}


@pytest.mark.parametrize(("text", "open_question", "changed"), [
    ("sorry, I'm 48 not 38", "q_max_loss", ("age", 48)),
    ("oops, my age is 45", "goal", ("age", 45)),
    ("actually it's for a house", "initial_amount", ("goal", "major_purchase")),
    ("make that 20 years", "q_experience", ("horizon_years", 20)),
    ("I meant 5k to start", "monthly_contribution", ("initial_amount", 5_000)),
    ("sorry, 5,000 to start with, not 500", "target_amount", ("initial_amount", 5_000)),
    ("actually 200 a month", "target_amount", ("monthly_contribution", 200)),
    ("wait, change the target to 80k", "q_loss_reaction", ("target_amount", 80_000)),
])
def test_a_correction_names_its_question_and_gives_the_new_value(text, open_question, changed):
    assert correction(text, open_question, ANSWERED) == pytest.approx(changed) \
        if isinstance(changed[1], int) else correction(text, open_question, ANSWERED) == changed


@pytest.mark.parametrize(("text", "open_question"), [
    ("not sure", "goal"),                          # says no question
    ("actually 20", "q_max_loss"),                 # a figure, but for which question?
    ("sorry, 10 years and 5k to start", "goal"),   # two questions at once
    ("make that 20 years", "horizon_years"),       # the open question: an answer, not a change
    ("I'm not sure, 50k maybe", "initial_amount"), # the open question
])
def test_what_names_no_single_earlier_question_is_not_a_correction(text, open_question):
    assert correction(text, open_question, ANSWERED) is None


def test_a_question_not_answered_yet_cannot_be_corrected():
    assert correction("actually 200 a month", "horizon_years", {"age": 30}) is None


def test_the_form_changes_the_answer_says_so_and_keeps_the_open_question(domain):
    events, messages = form_run(domain, "q_loss_reaction", "actually it's for my kids' college",
                                slots=ANSWERED)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["goal"] == "education"
    assert slots["q_loss_reaction"] is None
    assert said(messages, domain) == ["utter_noted_change"]
    assert messages[0]["fact"] == "it's for your education goal"
    assert "failed_attempts" not in slots or slots["failed_attempts"] == 0


def test_a_change_of_the_answer_just_given_needs_no_question_named(domain):
    # "typo, should be 24" while the goal is asked: the age, answered just before, is changed.
    events, messages = form_run(domain, "goal", "typo sorry, should be 24", slots={"age": 42})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["age"], slots["goal"]) == (24, None)
    assert said(messages, domain) == ["utter_noted_age"]


def test_going_back_to_the_last_risk_question_changes_that_answer(domain):
    events, messages = form_run(domain, "q_max_loss",
                                "go back to the last question please, I'd sell some",
                                slots={**ANSWERED, "q_loss_reaction": "hold"})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["q_loss_reaction"], slots["q_max_loss"]) == ("sell_some", None)
    assert said(messages, domain) == ["utter_noted_change"]


def test_an_answer_to_the_open_question_is_not_taken_for_a_change_of_the_last(domain):
    events, _ = form_run(domain, "q_max_loss", "actually 20% is my limit",
                         slots={**ANSWERED, "q_loss_reaction": "hold"})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["q_max_loss"] == "loss_20"
    assert "q_loss_reaction" not in slots
