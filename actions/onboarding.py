"""The onboarding form: asking, reading and validating each answer.

Every message typed while a question is open comes here first, whatever its intent: the question
gets the first look, and only a clear digression is handed to the rules, after which the form asks
again (actions.form_answers says what a message is). A validator reads the answer, re-asks with the
valid range when it cannot be used, and after
``MAX_FAILED_ATTEMPTS`` failed tries at one answer offers a human adviser. A sentence that states an
age ("actually I'm 42"), or a correction that names an earlier question (actions.corrections),
changes that answer whatever question is open. The facts of the message that starts the form
(actions.opening_facts) fill their questions before the first is asked, and are said back; so are
the answers to later questions given on the way ("I'm 45 and have about 200k" at the age), and an
answer given as approximate ("about 50k", "二三十万"), with the figure it is taken as.

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
from rasa_sdk.events import ActionExecutionRejected, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import conversation_texts
from actions.form_answers import (
    FIGURE_SLOTS,
    acknowledges,
    ahead_facts,
    answers_elsewhere,
    button_only,
    correction_of,
    corrects_another,
    is_digression,
    just_typed,
    read_answer,
    shown_titles,
    typed_text,
)
from actions.opening_facts import PREFILLED, opening_facts, rough_facts
from actions.profile_slots import (
    RISK_SLOT_PREFIX,
    SITUATION_SLOTS,
    asks_situation,
    onboarding_slots,
    risk_slots,
)
from engine.numbers import (
    approximate,
    parse_age,
    parse_amount,
    parse_monthly,
    parse_yearly,
    stated_age,
)
from engine.profile import (
    AGE_RANGE,
    HORIZON_RANGE,
    HOUSEHOLD_INCOME_RANGE,
    INITIAL_AMOUNT_RANGE,
    INVESTABLE_ASSETS_RANGE,
    MONTHLY_CONTRIBUTION_RANGE,
    TARGET_AMOUNT_RANGE,
    Range,
    default_horizon,
)
from engine.questionnaire import question_phrase, questionnaire
from engine.wording import render

MAX_FAILED_ATTEMPTS = 3

Result = dict[str, Any]


def start_with_facts(tracker: Tracker) -> list[dict]:
    """Events that start the form from this message when it states answers before any
    recommendation (an opening "I'm 62 and need it in 3 years" read as a greeting or not
    understood), else none."""
    if tracker.get_slot("recommended") or tracker.active_loop.get("name"):
        return []
    if not opening_facts(typed_text(tracker)):
        return []
    return [*reset_events(), FollowupAction("onboarding_form")]


def answers(slot: str):
    """Validator decorator for the steps every answer shares.

    A slot cleared by a reset (``None``) has nothing to validate; a correction of another answer
    typed at this question, or a figure whose words give it to another question, leaves it open,
    unanswered.
    """

    def wrap(validate):
        @functools.wraps(validate)
        def validator(self, value, dispatcher, tracker, domain):
            if value is None or corrects_another(tracker, slot) or answers_elsewhere(tracker,
                                                                                     slot):
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


def choice_validator(slot: str, response: str):
    """The validator of a question answered by a choice (the goal, a level of a scale): read with
    :func:`read_answer`, re-asked with ``response`` when nothing is read."""

    @answers(slot)
    def validate(self, value, dispatcher, tracker, domain) -> Result:
        picked, _ = read_answer(slot, str(value), tracker)
        if picked is None:
            return self._reject(slot, dispatcher, tracker, response)
        return self._accept(slot, picked)

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
        """Re-ask with a clear message; after repeated failures, offer a person. A message that
        answers later questions instead is no failure: what it gives is said back, and the open
        question asked again; a later question's answer that cannot be used is asked for when
        its turn comes."""
        if button_only(tracker) or corrects_another(tracker, slot) or ahead_facts(tracker):
            return {slot: None}
        if not acknowledges(tracker):
            # A bare yes to starting gets the first question again (Rasa asks it), not an
            # error; it still counts towards the offer of a person.
            dispatcher.utter_message(response=response, **params)
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            dispatcher.utter_message(response="utter_offer_handoff")
            failures = 0
        return {slot: None, "failed_attempts": failures}

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        # The situation questions, before the last one, only where the market's suitability
        # rules score them; elsewhere Rasa asks the domain's list as it stands.
        if not asks_situation():
            return domain_slots
        return [*domain_slots[:-1], *SITUATION_SLOTS, domain_slots[-1]]

    # -- the open question's first look, and the facts of an opening message ---------------------

    async def run(self, dispatcher, tracker, domain):
        if just_typed(tracker) and is_digression(tracker):
            # The rules answer the digression; the form then asks its question again. Rasa has
            # already put the message's text into the open question's slot: take it back out.
            return [SlotSet(tracker.get_slot("requested_slot"), None),
                    ActionExecutionRejected(self.form_name())]
        changed = correction_of(tracker)
        ahead = ahead_facts(tracker)  # before the run, which fills the tracker's slots
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot("requested_slot") is None:
            self._confirm_opening(dispatcher, tracker, events)
        elif changed is not None and changed[0] != "age":  # the age says its own note
            self._confirm_change(dispatcher, tracker, events, changed[0])
        else:
            self._confirm_noted(dispatcher, tracker, events, ahead)
        return events

    @staticmethod
    def _confirm_change(dispatcher: CollectingDispatcher, tracker: Tracker, events: list[dict],
                        slot: str) -> None:
        value = next((e["value"] for e in events
                      if e.get("event") == "slot" and e.get("name") == slot), None)
        if value is None:
            return
        texts = conversation_texts(tracker)
        if slot in risk_slots():
            question = questionnaire().question(slot.removeprefix(RISK_SLOT_PREFIX))
            fact = render("noted_risk_answer", {"option": shown_titles(question, tracker)[value]},
                          texts)
        else:
            fact = render(f"opening_fact_{slot}", {"value": value}, texts)
        dispatcher.utter_message(response="utter_noted_change", fact=fact)

    @staticmethod
    def _confirm_opening(dispatcher: CollectingDispatcher, tracker: Tracker,
                         events: list[dict]) -> None:
        """Say back the facts taken from the opening message, so the client can correct them;
        a fact given as approximate ("二三十万") is said back as such ("约25万元")."""
        taken = _taken(events, PREFILLED)
        if taken:
            dispatcher.utter_message(response="utter_opening_understood",
                                     facts=_said_back(taken, rough_facts(typed_text(tracker)),
                                                      tracker))

    @staticmethod
    def _confirm_noted(dispatcher: CollectingDispatcher, tracker: Tracker, events: list[dict],
                       ahead: dict[str, Any]) -> None:
        """Say back what a message typed at an open question gave beyond its answer, the answers
        to later questions, and an answer given as approximate with the figure it is taken as
        ("about 50k", "四五千" -> 4,500), so the client can correct them."""
        requested = tracker.get_slot("requested_slot")
        text = typed_text(tracker)
        rough = set(rough_facts(text))
        noted = set(ahead)
        if requested in FIGURE_SLOTS and just_typed(tracker) and approximate(text):
            noted.add(requested)
            rough.add(requested)
        taken = _taken(events, tuple(slot for slot in PREFILLED if slot in noted))
        if taken:
            dispatcher.utter_message(response="utter_noted_facts",
                                     facts=_said_back(taken, frozenset(rough), tracker))

    @staticmethod
    def _opening(tracker: Tracker) -> dict[str, Any]:
        """The facts of the message that started the form (only while it has asked nothing)."""
        if tracker.get_slot("requested_slot") is not None:
            return {}
        return opening_facts(typed_text(tracker))

    def _extracted(self, slot: str, tracker: Tracker) -> Result:
        """``slot``'s value from an opening message's facts, from a correction, or from an answer
        to a later question given on the way, if any."""
        if tracker.get_slot("requested_slot") is None:
            value = self._opening(tracker).get(slot)
        else:
            changed = correction_of(tracker)
            value = changed[1] if changed and changed[0] == slot else None
            if changed is None and slot in PREFILLED:
                value = ahead_facts(tracker).get(slot)
        return {slot: value} if value is not None else {}

    @staticmethod
    def _situation_text(slot: str, tracker: Tracker) -> Result:
        """The message as typed, for a situation question while it is open: what Rasa's
        from_text mapping gives the other questions. These are asked beyond the domain's list, so
        their mappings are custom (a form condition in domain.yml would name a slot the form's
        list lacks)."""
        if tracker.get_slot("requested_slot") != slot or not just_typed(tracker):
            return {}
        return {slot: tracker.latest_message.get("text")}

    # -- validators -----------------------------------------------------------------------------

    @answers("age")
    def validate_age(self, value, dispatcher, tracker, domain) -> Result:
        age = stated_age(typed_text(tracker))
        if age is None:
            age = parse_age(str(value))
        if not AGE_RANGE.contains(age):
            return self._reject("age", dispatcher, tracker, "utter_invalid_age",
                                min=AGE_RANGE.low, max=AGE_RANGE.high)
        if tracker.get_slot("requested_slot") not in (None, "age"):
            dispatcher.utter_message(response="utter_noted_age", age=age)
        return self._accept("age", age)

    validate_goal = choice_validator("goal", "utter_invalid_goal")

    @answers("horizon_years")
    def validate_horizon_years(self, value, dispatcher, tracker, domain) -> Result:
        # "until I'm 60" or "when I hit 60" names an age to reach, not a number of years.
        years, _ = read_answer("horizon_years", str(value), tracker)
        if not HORIZON_RANGE.contains(years):
            return self._reject("horizon_years", dispatcher, tracker, "utter_invalid_horizon",
                                min=HORIZON_RANGE.low, max=HORIZON_RANGE.high)
        return self._accept("horizon_years", round(float(years), 2))

    validate_initial_amount = amount_validator("initial_amount", parse_amount, INITIAL_AMOUNT_RANGE,
                                               "utter_invalid_amount")
    validate_monthly_contribution = amount_validator(
        "monthly_contribution", parse_monthly, MONTHLY_CONTRIBUTION_RANGE, "utter_invalid_amount")

    @answers("target_amount")
    def validate_target_amount(self, value, dispatcher, tracker, domain) -> Result:
        target, _ = read_answer("target_amount", str(value), tracker)
        if target is None:
            return self._reject("target_amount", dispatcher, tracker, "utter_invalid_target")
        if target > TARGET_AMOUNT_RANGE.high:
            return self._reject("target_amount", dispatcher, tracker, "utter_amount_out_of_range",
                                max=f"{TARGET_AMOUNT_RANGE.high:,.0f}")
        return self._accept("target_amount", float(target))

    validate_income_stability = choice_validator("income_stability",
                                                 "utter_invalid_income_stability")

    validate_investable_assets = amount_validator(
        "investable_assets", parse_amount, INVESTABLE_ASSETS_RANGE, "utter_invalid_amount")
    # A household income given by the month ("15k a month") is made a year's.
    validate_household_income = amount_validator(
        "household_income", parse_yearly, HOUSEHOLD_INCOME_RANGE, "utter_invalid_amount")

    validate_investment_knowledge = choice_validator("investment_knowledge",
                                                     "utter_invalid_investment_knowledge")

    def validate_risk_answer(self, slot, value, dispatcher, tracker, domain) -> Result:
        if value is None or corrects_another(tracker, slot):
            return {slot: None}
        option, _ = read_answer(slot, str(value), tracker)
        if option is None:
            titles = shown_titles(questionnaire().question(slot.removeprefix(RISK_SLOT_PREFIX)),
                                  tracker)
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
        # extract_<slot>: an opening message's fact or a change of an earlier answer ("go back,
        # I'd sell some"), for each question the form reads them for.
        slot = name.removeprefix("extract_")
        if name.startswith("extract_") and (slot in PREFILLED or slot in risk_slots()):
            return lambda dispatcher, tracker, domain: self._extracted(slot, tracker)
        if name.startswith("extract_") and slot in SITUATION_SLOTS:
            return lambda dispatcher, tracker, domain: self._situation_text(slot, tracker)
        raise AttributeError(name)


def _taken(events: list[dict], slots: tuple[str, ...]) -> dict[str, Any]:
    """The values ``events`` leave in ``slots`` (the last one set for each), those not empty."""
    taken = {e["name"]: e["value"] for e in events
             if e.get("event") == "slot" and e.get("name") in slots}
    return {slot: taken[slot] for slot in slots if taken.get(slot) is not None}


def _said_back(taken: dict[str, Any], rough: frozenset[str], tracker: Tracker) -> str:
    """``taken`` as one phrase of the conversation's language, in the form's order: "you're 40
    and you have about 50,000 to start with"; a fact in ``rough`` is said as approximate."""
    texts = conversation_texts(tracker)
    facts = [render(f"opening_fact_{name}{'_rough' if name in rough else ''}",
                    {"value": value}, texts) for name, value in taken.items()]
    if len(facts) == 1:
        return facts[0]
    return render("opening_facts", {
        "items": render("opening_fact_separator", {}, texts).join(facts[:-1]),
        "last": facts[-1]}, texts)


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


def reset_events() -> list[dict]:
    """Forget every answer and confirmation of an earlier pass through the form."""
    situation = SITUATION_SLOTS if asks_situation() else ()
    return [SlotSet(slot, None) for slot in (*onboarding_slots(), *situation)] + [
        SlotSet("failed_attempts", 0), SlotSet("answers_inconsistent", False),
        SlotSet("answers_confirmed", False), SlotSet("last_offer", None),
    ]


class ResetOnboarding(Action):
    """Start the form afresh: forget earlier answers and confirmations."""

    def name(self) -> str:
        return "action_reset_onboarding"

    async def run(self, dispatcher, tracker, domain):
        return reset_events()


class ResetRiskAnswers(Action):
    """Forget the risk answers so the form asks them again (after flagged answers)."""

    def name(self) -> str:
        return "action_reset_risk_answers"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_answers_again")
        return [SlotSet(slot, None) for slot in risk_slots()] + [
            SlotSet("answers_inconsistent", False), SlotSet("failed_attempts", 0),
        ]
