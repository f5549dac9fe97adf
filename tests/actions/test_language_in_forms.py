"""A request for another language inside the forms whose answers are the client's own words (the
rating, the reason for leaving and the exit interview): the language is confirmed and the question
asked again, nothing is kept as the answer, and the answers already given stay."""

from __future__ import annotations

import pytest
from action_harness import run, said, tracker

from actions.conversation import ValidateSatisfactionForm
from actions.leaving import ValidateExitSurveyForm, ValidateLeavingForm

#: Requests for a language, with the intent the classifier gave them: read by the classifier,
#: or by a request cue alone (the classifier took the message for an answer).
REQUESTS = [("English please", "switch_language"), ("请用中文", "switch_language"),
            ("could you do 中文?", "switch_language"), ("说中文吧", "inform"),
            ("in english please", "inform"), ("我看不懂，换成英文", "not_following")]

#: The exit interview so far: the reason given when leaving and the detail asked for about it.
SO_FAR = {"leaving_reason": "fees", "exit_reason": "fees", "exit_detail": "too expensive"}

FORMS = [
    (ValidateSatisfactionForm, "satisfaction_form", "rating", {}),
    (ValidateLeavingForm, "leaving_form", "leaving_reason", {}),
    (ValidateExitSurveyForm, "exit_survey_form", "exit_reason", {}),
    (ValidateExitSurveyForm, "exit_survey_form", "exit_detail", {"leaving_reason": "fees",
                                                                   "exit_reason": "fees"}),
    (ValidateExitSurveyForm, "exit_survey_form", "exit_return_likelihood", SO_FAR),
    (ValidateExitSurveyForm, "exit_survey_form", "exit_improvement",
     {**SO_FAR, "exit_return_likelihood": 3}),
]


def _answer(domain, form, loop, slot, earlier, text, intent):
    """The form's validation of ``text`` typed for ``slot``, with ``earlier`` answered."""
    state = tracker(slots={"requested_slot": slot, **earlier}, text=text, intent=intent,
                    candidates={slot: text}, active_loop=loop)
    return run(form(), state, domain)


@pytest.mark.parametrize(("form", "loop", "slot", "earlier"), FORMS,
                         ids=[f"{loop}:{slot}" for _, loop, slot, _ in FORMS])
@pytest.mark.parametrize(("text", "intent"), REQUESTS)
def test_a_request_for_a_language_is_confirmed_and_not_kept_as_the_answer(
        domain, form, loop, slot, earlier, text, intent):
    messages, slots = _answer(domain, form, loop, slot, earlier, text, intent)
    assert slots[slot] is None
    assert said(messages, domain) == ["utter_language_switched"]
    # The answers given before are not touched: the validation sets only the open question's.
    assert not {name for name in slots if name != slot} & set(earlier)


@pytest.mark.parametrize(("form", "loop", "slot", "text", "value"), [
    (ValidateSatisfactionForm, "satisfaction_form", "rating", "4分，请用中文", 4),
    (ValidateLeavingForm, "leaving_form", "leaving_reason", "手续费太贵了，请用中文", "fees"),
    (ValidateLeavingForm, "leaving_form", "leaving_reason", "your fees are too high, english please",
     "fees"),
    (ValidateExitSurveyForm, "exit_survey_form", "exit_return_likelihood", "7, english please", 7),
])
def test_an_answer_given_with_the_request_is_kept(domain, form, loop, slot, text, value):
    messages, slots = _answer(domain, form, loop, slot, {"leaving_reason": "fees"}, text,
                              "switch_language")
    assert slots[slot] == value
    assert "utter_language_switched" not in said(messages, domain)


@pytest.mark.parametrize(("slot", "text"), [
    ("exit_detail", "the Chinese version of the app was full of English words"),
    ("exit_improvement", "中文界面做得更好一点"),
    ("exit_improvement", "better English support on the phone"),
])
def test_feedback_that_names_a_language_without_asking_for_it_is_kept(domain, slot, text):
    earlier = {**SO_FAR, "exit_return_likelihood": 3} if slot == "exit_improvement" else {
        "leaving_reason": "fees", "exit_reason": "fees"}
    messages, slots = _answer(domain, ValidateExitSurveyForm, "exit_survey_form", slot, earlier, text,
                              "inform")
    assert slots[slot] == text
    assert messages == []


@pytest.mark.parametrize(("form", "loop", "slot", "earlier"), FORMS,
                         ids=[f"{loop}:{slot}" for _, loop, slot, _ in FORMS])
def test_the_widgets_switch_payload_is_confirmed_and_not_an_answer(domain, form, loop, slot,
                                                                   earlier):
    messages, slots = _answer(domain, form, loop, slot, earlier, "/switch_language",
                              "switch_language")
    assert slots[slot] is None
    assert said(messages, domain) == ["utter_language_switched"]
