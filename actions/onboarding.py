"""The onboarding form: asking, reading and validating each answer.

Every answer arrives as text (typed, or sent by a button). A validator reads it with engine.numbers
or actions.answers, re-asks with the valid range when it cannot be used, and after
``MAX_FAILED_ATTEMPTS`` failed tries at one answer offers a human adviser. A sentence that states an
age ("actually I'm 42") corrects the age whatever question is open.

The risk questions come from the engine's questionnaire (ids and scores) and are worded by the
locale files (locales/<language>/risk_questions.yml): the response
``utter_risk_question_<question id>`` asks, and the phrase ``risk_option_<question id>_<option id>``
titles each button. Typed answers are matched against those same titles, in the conversation's
language, so a conversation in another language matches its own words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import conversation_texts
from actions.answers import chosen, match_goal, match_income_stability, match_option
from actions.profile_slots import RISK_SLOT_PREFIX, onboarding_slots, risk_slots
from engine.numbers import parse_age, parse_amount, parse_horizon, parse_monthly, stated_age
from engine.profile import (
    AGE_RANGE,
    HORIZON_RANGE,
    INITIAL_AMOUNT_RANGE,
    MONTHLY_CONTRIBUTION_RANGE,
    TARGET_AMOUNT_RANGE,
    Goal,
    IncomeStability,
    Range,
    default_horizon,
)
from engine.questionnaire import Question, option_titles, question_phrase, questionnaire
from engine.wording import render

MAX_FAILED_ATTEMPTS = 3

Result = dict[str, Any]


def shown_titles(question: Question, tracker: Tracker) -> dict[str, str]:
    """Option id -> its title as this conversation shows it (in its language)."""
    return option_titles(question, conversation_texts(tracker))


def _titled(titles: dict[str, str], text: str) -> str | None:
    """The option whose title was typed as it is shown (word matching alone would find "About
    30%" as close to "More than 30%" as to itself)."""
    typed = " ".join(text.split()).casefold()
    return next((option for option, title in titles.items()
                 if " ".join(title.split()).casefold() == typed), None)


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _is_button_only(tracker: Tracker) -> bool:
    """A "keep going" click (an intent payload without a value) answers nothing."""
    text = _text(tracker)
    return text.startswith("/") and chosen(tracker) is None


def _is_age_correction(tracker: Tracker) -> bool:
    return tracker.get_slot("requested_slot") != "age" and stated_age(_text(tracker)) is not None


def answers(slot: str):
    """Validator decorator for the steps every answer shares.

    A slot cleared by a reset (``None``) has nothing to validate; an age correction typed at another
    question leaves that question open, unanswered.
    """

    def wrap(validate):
        @functools.wraps(validate)
        def validator(self, value, dispatcher, tracker, domain):
            if value is None or (slot != "age" and _is_age_correction(tracker)):
                return {slot: None}
            return validate(self, value, dispatcher, tracker, domain)

        return validator

    return wrap


def amount_validator(slot: str, parse: Callable[[str], float | None], valid: Range,
                     response: str):
    """The validator of an amount slot: read with ``parse``, re-asked with ``response`` when
    unreadable, refused above ``valid``'s cap."""

    @answers(slot)
    def validate(self, value, dispatcher, tracker, domain) -> Result:
        amount = parse(str(value))
        if amount is None:
            return self._reject(slot, dispatcher, tracker, response)
        # Only the cap is checked: the parsers read no negative amounts, and 0 is the chat's
        # "no target".
        if amount > valid.high:
            return self._reject(slot, dispatcher, tracker, "utter_amount_out_of_range",
                                max=f"{valid.high:,.0f}")
        return self._accept(slot, float(amount))

    validate.__name__ = validate.__qualname__ = f"validate_{slot}"
    return validate


class ValidateOnboardingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_onboarding_form"

    # -- shared steps ---------------------------------------------------------------------------

    @staticmethod
    def _accept(slot: str, value: Any) -> Result:
        return {slot: value, "failed_attempts": 0}

    @staticmethod
    def _reject(
        slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, response: str, **params: Any
    ) -> Result:
        """Re-ask with a clear message; after repeated failures, offer a person."""
        if _is_button_only(tracker) or _is_age_correction(tracker):
            return {slot: None}
        dispatcher.utter_message(response=response, **params)
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            dispatcher.utter_message(response="utter_offer_handoff")
            failures = 0
        return {slot: None, "failed_attempts": failures}

    # -- corrections ----------------------------------------------------------------------------

    async def extract_age(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> Result:
        requested = tracker.get_slot("requested_slot")
        if requested in (None, "age"):
            age = stated_age(_text(tracker)) if requested is None else None
        else:
            age = stated_age(_text(tracker))
        return {"age": age} if age is not None else {}

    # -- validators -----------------------------------------------------------------------------

    @answers("age")
    def validate_age(self, value, dispatcher, tracker, domain) -> Result:
        age = stated_age(_text(tracker))
        if age is None:
            age = parse_age(str(value))
        if not AGE_RANGE.contains(age):
            return self._reject("age", dispatcher, tracker, "utter_invalid_age",
                                min=AGE_RANGE.low, max=AGE_RANGE.high)
        if tracker.get_slot("requested_slot") not in (None, "age"):
            dispatcher.utter_message(response="utter_noted_age", age=age)
        return self._accept("age", age)

    @answers("goal")
    def validate_goal(self, value, dispatcher, tracker, domain) -> Result:
        choice = chosen(tracker)
        goal = Goal(choice) if choice in {g.value for g in Goal} else match_goal(str(value))
        if goal is None:
            return self._reject("goal", dispatcher, tracker, "utter_invalid_goal")
        return self._accept("goal", goal.value)

    @answers("horizon_years")
    def validate_horizon_years(self, value, dispatcher, tracker, domain) -> Result:
        text = str(value)
        # "until I'm 60" or "when I hit 60" names an age to reach, not a number of years.
        years = parse_horizon(text, tracker.get_slot("age"))
        if not HORIZON_RANGE.contains(years):
            return self._reject("horizon_years", dispatcher, tracker, "utter_invalid_horizon",
                                min=HORIZON_RANGE.low, max=HORIZON_RANGE.high)
        return self._accept("horizon_years", round(float(years), 2))

    validate_initial_amount = amount_validator("initial_amount", parse_amount, INITIAL_AMOUNT_RANGE,
                                               "utter_invalid_amount")
    validate_monthly_contribution = amount_validator(
        "monthly_contribution", parse_monthly, MONTHLY_CONTRIBUTION_RANGE, "utter_invalid_amount")
    validate_target_amount = amount_validator("target_amount", parse_amount, TARGET_AMOUNT_RANGE,
                                              "utter_invalid_target")

    @answers("income_stability")
    def validate_income_stability(self, value, dispatcher, tracker, domain) -> Result:
        choice = chosen(tracker)
        valid = {s.value for s in IncomeStability}
        stability = choice if choice in valid else match_income_stability(str(value))
        if stability is None:
            return self._reject("income_stability", dispatcher, tracker,
                                "utter_invalid_income_stability")
        return self._accept("income_stability", IncomeStability(stability).value)

    def validate_risk_answer(self, slot, value, dispatcher, tracker, domain) -> Result:
        if value is None or _is_age_correction(tracker):
            return {slot: None}
        question = questionnaire().question(slot.removeprefix(RISK_SLOT_PREFIX))
        titles = shown_titles(question, tracker)
        choice = chosen(tracker)
        option = choice if choice in titles else None
        option = option or _titled(titles, str(value)) or match_option(question, str(value), titles)
        if option is None:
            # Numbered, as a number typed back is also an answer.
            lines = [render("option_line", {"number": number, "option": title},
                            conversation_texts(tracker))
                     for number, title in enumerate(titles.values(), start=1)]
            return self._reject(slot, dispatcher, tracker, "utter_invalid_option",
                                options="\n".join(lines))
        return self._accept(slot, option)

    def __getattr__(self, name: str):
        # validate_q_<question id>: one validator for every risk question of the questionnaire.
        slot = name.removeprefix("validate_")
        if name.startswith("validate_") and slot in risk_slots():
            return lambda value, dispatcher, tracker, domain: self.validate_risk_answer(
                slot, value, dispatcher, tracker, domain
            )
        raise AttributeError(name)


class AskHorizon(Action):
    """Ask for the horizon, offering the engine's default for the goal as a button."""

    def name(self) -> str:
        return "action_ask_horizon_years"

    async def run(self, dispatcher, tracker, domain):
        # The form asks the age and the goal before the horizon, so both are known here.
        years = default_horizon(tracker.get_slot("goal"), tracker.get_slot("age"))
        dispatcher.utter_message(response="utter_ask_horizon_years", default_horizon=int(years))
        return []


class AskRiskQuestion:
    """Ask one risk question of the engine's questionnaire in the conversation's words, its options
    as buttons (a mixin: the actions are the subclasses made below, one per question)."""

    question_id = ""

    def name(self) -> str:
        return f"action_ask_{RISK_SLOT_PREFIX}{self.question_id}"

    async def run(self, dispatcher, tracker, domain):
        titles = shown_titles(questionnaire().question(self.question_id), tracker)
        buttons = [{"title": title, "payload": f'/inform{{"choice": "{option}"}}'}
                   for option, title in titles.items()]
        dispatcher.utter_message(response=question_phrase(self.question_id),
                                 buttons=buttons)
        return []


# One asking action per question, so the questionnaire file stays the only list of questions.
# Each class is a module attribute under its own name: the action server's worker processes
# receive the actions by pickling, which looks classes up by module and name.
for _question_id in questionnaire().ids:
    _name = f"AskRiskQuestion_{_question_id}"
    globals()[_name] = type(
        _name, (AskRiskQuestion, Action), {"question_id": _question_id, "__module__": __name__}
    )


class ResetOnboarding(Action):
    """Start the form afresh: forget earlier answers and confirmations."""

    def name(self) -> str:
        return "action_reset_onboarding"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet(slot, None) for slot in onboarding_slots()] + [
            SlotSet("failed_attempts", 0), SlotSet("answers_inconsistent", False),
            SlotSet("answers_confirmed", False),
        ]


class ResetRiskAnswers(Action):
    """Forget the risk answers so the form asks them again (after flagged answers)."""

    def name(self) -> str:
        return "action_reset_risk_answers"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_answers_again")
        return [SlotSet(slot, None) for slot in risk_slots()] + [
            SlotSet("answers_inconsistent", False), SlotSet("failed_attempts", 0),
        ]
