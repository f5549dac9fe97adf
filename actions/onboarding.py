"""The onboarding form: asking, reading and validating each answer.

Every message typed while a question is open comes here first, whatever its intent: the question
gets the first look (:func:`read_answer`), and only a clear digression is handed to the rules
(:func:`is_digression`; the form then asks again). A validator reads the answer with engine.numbers
or actions.answers, re-asks with the valid range when it cannot be used, and after
``MAX_FAILED_ATTEMPTS`` failed tries at one answer offers a human adviser. A sentence that states an
age ("actually I'm 42"), or a correction that names an earlier question (actions.corrections),
changes that answer whatever question is open. The facts of the message that starts the form
(engine.opening) fill their questions before the first is asked, and are said back.

The risk questions come from the engine's questionnaire (ids and scores) and are worded by the
locale files (locales/<language>/risk_questions.yml): the response
``utter_risk_question_<question id>`` asks, and the phrase ``risk_option_<question id>_<option id>``
titles each button. Typed answers are matched against those same titles, in the conversation's
language, so a conversation in another language matches its own words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import conversation_texts
from actions.answers import (
    chosen,
    match_figure_words,
    match_goal,
    match_income_stability,
    match_option,
)
from actions.corrections import changes_last_answer, correction, names_previous_question
from actions.profile_slots import PROFILE_SLOTS, RISK_SLOT_PREFIX, onboarding_slots, risk_slots
from engine.numbers import (
    figures_in,
    parse_age,
    parse_amount,
    parse_horizon,
    parse_monthly,
    stated_age,
)
from engine.opening import read_opening
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
#: Intents that leave the open question for a moment (a question, a person, stop, a complaint).
DIGRESSIONS = frozenset({"explain", "request_human", "stop", "bot_challenge", "individual_security",
                         "faq", "boundary", "complain", "close_account", "portfolio_review"})
#: Digressions that are questions: only these give way to a loosely read answer, and only when
#: the message is asked as a question.
QUESTIONS = frozenset({"explain", "bot_challenge", "individual_security", "faq", "boundary"})
#: Off-topic chat is a digression only when the classifier is this sure of it; a less certain
#: "out of scope" inside the form is more often an answer in words the form does not know yet.
OFF_TOPIC = "out_of_scope"
#: From this confidence a digression wins over an answer read from loose word matches.
CLEAR_DIGRESSION = 0.7
#: Opening facts the form takes before its first question, in the order they are confirmed.
PREFILLED = ("age", "goal", "horizon_years", "initial_amount", "monthly_contribution",
             "target_amount", "income_stability")
#: An opening message names a goal only with words of purpose.
PURPOSE_CUE = re.compile(r"\b(?:for|towards?|to (?:buy|pay|fund|afford|retire|build|grow|protect|"
                         r"keep|live|save|get)|saving|save up|retir\w*|pension|goal|aim|"
                         r"college|university|uni|tuition|school fees|deposit|wedding|income)\b",
                         re.IGNORECASE)
#: Income wanted in retirement or after it is the income goal, not saving for retirement.
INCOME_GOAL = re.compile(r"\b(?:regular |an |some |steady |monthly )?income\b|\bpayouts?\b|"
                         r"\bdividends?\b|\blive off\b", re.IGNORECASE)
RETIRED = re.compile(r"\bretired\b|\bin (?:my )?retirement\b|\bpensioner\b|\bnow that i'?m "
                     r"retired\b", re.IGNORECASE)
INCOME_GOAL_PHRASE = re.compile(
    r"\b(?:looking for|want|wants|need|needs|would like|like|get|generate|provide|produce|"
    r"live on|for)\s+(?:an?\s+|some\s+)?(?:regular\s+|steady\s+|monthly\s+|an\s+)?income\b|"
    r"\bincome from\b", re.IGNORECASE)
#: An opening message speaks of its income only with one of these words.
INCOME_CUE = re.compile(r"\b(?:income|salary|salaried|job|work|freelanc\w*|self.employed|"
                        r"contract\w*|pay|paid|earn\w*|commission|gig|pension)\b", re.IGNORECASE)

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


def _correction(tracker: Tracker) -> tuple[str, Any] | None:
    """The earlier answer this message changes while another question is open, if any: a
    sentence that states an age ("actually I'm 42"), or a correction that names its question."""
    requested = tracker.get_slot("requested_slot")
    if requested is None:
        return None
    if requested != "age" and stated_age(_text(tracker)) is not None:
        return "age", stated_age(_text(tracker))
    answered = {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}
    changed = correction(_text(tracker), requested, answered)
    if changed is None and changes_last_answer(_text(tracker)):
        # "typo, should be 24": the question answered just before the open one, when the
        # message does not answer the open one.
        order = onboarding_slots()
        previous = order[order.index(requested) - 1] if requested in order[1:] else None
        if previous and tracker.get_slot(previous) is not None and (
                names_previous_question(_text(tracker))
                or read_answer(requested, _text(tracker), tracker)[0] is None):
            value = read_answer(previous, _text(tracker), tracker)[0]
            changed = (previous, value) if value is not None else None
    return changed


def _corrects_another(tracker: Tracker, slot: str | None = None) -> bool:
    """Whether the message changes an earlier answer (other than ``slot``) rather than answer
    the open question."""
    changed = _correction(tracker)
    return changed is not None and changed[0] != slot


def _intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def _just_typed(tracker: Tracker) -> bool:
    """Whether the form runs on a message just typed, not back from answering a digression (the
    message is then still the latest, but the rules have acted on it since)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action_execution_rejected" or (
                event.get("event") == "action"
                and event.get("name") not in (tracker.active_loop.get("name"), "action_listen")):
            return False
    return True


def _horizon(text: str, tracker: Tracker) -> float | None:
    """Years from a figure, an age to reach, or words: "your default" takes the suggestion the
    question offered, "when I retire" the years to the usual retirement age."""
    age = tracker.get_slot("age")
    years = parse_horizon(text, age)
    if years is not None or age is None:
        return years
    said = match_figure_words("horizon_years", text, tracker.get_slot("language"))
    if said == "default" and tracker.get_slot("goal"):
        return default_horizon(tracker.get_slot("goal"), float(age))
    if said == "retirement":
        return default_horizon(Goal.retirement, float(age))
    return None


#: A target said as a multiple of the amount to start with.
_MULTIPLES = {"double": 2, "triple": 3}


def _target(text: str, tracker: Tracker) -> float | None:
    """A target amount, 0 for none ("no particular number", "as much as possible"), or a
    multiple of the amount to start with ("double what I put in")."""
    said = match_figure_words("target_amount", text, tracker.get_slot("language"))
    start = tracker.get_slot("initial_amount")
    if said in _MULTIPLES and start:
        return _MULTIPLES[said] * float(start)
    amounts = [f for f in figures_in(text)[1] if not f.percent]
    if said == "none" and not amounts:
        return 0.0
    return parse_amount(text) if amounts or said is None else None


def read_answer(slot: str, text: str, tracker: Tracker) -> tuple[Any, bool]:
    """The value ``text`` gives the open question ``slot`` (None if it gives none), and whether it
    was read firmly (a button, a figure, an option's title or number) rather than from loose words.
    """
    choice = chosen(tracker)
    if slot == "age":
        age = stated_age(text)
        return (age, True) if age is not None else (parse_age(text), True)
    if slot == "goal":
        goals = {g.value for g in Goal}
        if choice in goals or text in goals:
            return choice if choice in goals else text, True
        goal = match_goal(text, tracker.get_slot("language"))
        return (goal.value if goal else None), False
    if slot == "horizon_years":
        return _horizon(text, tracker), True
    if slot == "target_amount":
        return _target(text, tracker), True
    if slot == "initial_amount":
        return parse_amount(text), True
    if slot == "monthly_contribution":
        return parse_monthly(text), True
    if slot == "income_stability":
        valid = {s.value for s in IncomeStability}
        if choice in valid or text in valid:
            return choice if choice in valid else text, True
        stability = match_income_stability(text, tracker.get_slot("language"))
        return (IncomeStability(stability).value if stability else None), False
    if slot in risk_slots():
        question = questionnaire().question(slot.removeprefix(RISK_SLOT_PREFIX))
        titles = shown_titles(question, tracker)
        firm = (choice if choice in titles else None) or _titled(titles, text)
        if firm or text.strip() in titles:
            return firm or text.strip(), True
        option = match_option(question, text, titles)
        # A number from the numbered list is as firm as a button.
        return option, option is not None and text.strip().rstrip(".)").isdigit()
    return None, False


def is_digression(tracker: Tracker) -> bool:
    """Whether the message leaves the open question for a moment rather than answer it.

    The question gets the first look: a message read firmly as an answer (a button, a figure, an
    option's title or number) is one, whatever its intent. One read only from loose words is a
    digression when it is asked as a question and the classifier is clearly sure of a question
    intent; one that gives no answer is a digression when its intent is one. Off-topic chat the form cannot read is a
    digression only when clear; otherwise it counts as a failed try at the question.
    """
    slot = tracker.get_slot("requested_slot")
    text = _text(tracker)
    intent, confidence = _intent(tracker)
    if slot is None or _corrects_another(tracker):
        return False
    if text.startswith("/"):  # a button: its intent says what it is
        return chosen(tracker) is None and (intent in DIGRESSIONS or intent == OFF_TOPIC)
    if intent != OFF_TOPIC and intent not in DIGRESSIONS:
        return False
    value, firm = read_answer(slot, text, tracker)
    if intent == OFF_TOPIC:
        return value is None and confidence >= CLEAR_DIGRESSION
    if value is None:
        return True
    # An answer read from loose words gives way only to a clear question ("what does cautious
    # mean?"); "so I can stop working one day" answers the goal, whatever "stop" suggests.
    return (not firm and intent in QUESTIONS and confidence >= CLEAR_DIGRESSION
            and _asks(text))


def _asks(text: str) -> bool:
    return "?" in text or re.match(
        r"\W*(?:what|why|how|when|where|who|which|can|could|do|does|is|are|should|will|would)\b",
        text, re.IGNORECASE) is not None


def opening_facts(text: str) -> dict[str, Any]:
    """The answers an opening message gives: figures read by their words (engine.opening), a
    purpose named as a goal, and income words where the message speaks of its income."""
    if text.startswith("/"):
        return {}
    facts: dict[str, Any] = dict(read_opening(text).stated())
    # "I want to invest" names no goal, nor does "I have two kids"; a purpose does ("for a
    # house", "saving for college", "to retire").
    if PURPOSE_CUE.search(text):
        goal = match_goal(_purpose_words(text))
        if goal is not None:
            facts["goal"] = goal.value
    about_pay = INCOME_GOAL_PHRASE.sub(" ", text)  # income as the goal says nothing of pay
    if INCOME_CUE.search(about_pay):
        stability = match_income_stability(about_pay)
        if stability is not None:
            facts["income_stability"] = IncomeStability(stability).value
    return facts


def _purpose_words(text: str) -> str:
    """An opening message as a statement of purpose: without the request around it ("can you
    help me plan for retirement?"), the wish to invest, and where the money comes from ("from
    selling my house" says nothing of what it is for)."""
    text = re.sub(r"^\W*(?:(?:hi|hello|hey)\W+)?(?:can|could|would|will) you\s+(?:please\s+)?"
                  r"(?:help me(?: to)?|help)?", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bfrom (?:selling|the sale of|sale of)\s+(?:my|our|the|a|an)?\s*\w+", " ",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"\binvest\w*", " ", text, flags=re.IGNORECASE)
    if INCOME_GOAL.search(text) and RETIRED.search(text):
        return "regular income"  # income wanted by someone retired: the income goal
    return text.replace("?", ".")


def start_with_facts(tracker: Tracker) -> list[dict]:
    """Events that start the form from this message when it states answers before any
    recommendation (an opening "I'm 62 and need it in 3 years" read as a greeting or not
    understood), else none."""
    if tracker.get_slot("recommended") or tracker.active_loop.get("name"):
        return []
    if not opening_facts(_text(tracker)):
        return []
    return [*reset_events(), FollowupAction("onboarding_form")]


def answers(slot: str):
    """Validator decorator for the steps every answer shares.

    A slot cleared by a reset (``None``) has nothing to validate; a correction of another answer
    typed at this question leaves it open, unanswered.
    """

    def wrap(validate):
        @functools.wraps(validate)
        def validator(self, value, dispatcher, tracker, domain):
            if value is None or _corrects_another(tracker, slot):
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
        if _is_button_only(tracker) or _corrects_another(tracker, slot):
            return {slot: None}
        dispatcher.utter_message(response=response, **params)
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            dispatcher.utter_message(response="utter_offer_handoff")
            failures = 0
        return {slot: None, "failed_attempts": failures}

    # -- the open question's first look, and the facts of an opening message ---------------------

    async def run(self, dispatcher, tracker, domain):
        if _just_typed(tracker) and is_digression(tracker):
            # The rules answer the digression; the form then asks its question again. Rasa has
            # already put the message's text into the open question's slot: take it back out.
            return [SlotSet(tracker.get_slot("requested_slot"), None),
                    ActionExecutionRejected(self.form_name())]
        changed = _correction(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot("requested_slot") is None:
            self._confirm_opening(dispatcher, tracker, events)
        elif changed is not None and changed[0] != "age":  # the age says its own note
            self._confirm_change(dispatcher, tracker, events, changed[0])
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
        """Say back the facts taken from the opening message, so the client can correct them."""
        taken = {e["name"]: e["value"] for e in events
                 if e.get("event") == "slot" and e.get("name") in PREFILLED}
        taken = {name: value for name, value in taken.items() if value is not None}
        if not taken:
            return
        texts = conversation_texts(tracker)
        facts = [render(f"opening_fact_{name}", {"value": taken[name]}, texts)
                 for name in PREFILLED if name in taken]
        joined = facts[0] if len(facts) == 1 else render(
            "opening_facts", {"items": render("opening_fact_separator", {}, texts).join(facts[:-1]),
                              "last": facts[-1]}, texts)
        dispatcher.utter_message(response="utter_opening_understood", facts=joined)

    @staticmethod
    def _opening(tracker: Tracker) -> dict[str, Any]:
        """The facts of the message that started the form (only while it has asked nothing)."""
        if tracker.get_slot("requested_slot") is not None:
            return {}
        return opening_facts(_text(tracker))

    def _extracted(self, slot: str, tracker: Tracker) -> Result:
        """``slot``'s value from an opening message's facts or from a correction, if any."""
        if tracker.get_slot("requested_slot") is None:
            value = self._opening(tracker).get(slot)
        else:
            changed = _correction(tracker)
            value = changed[1] if changed and changed[0] == slot else None
        return {slot: value} if value is not None else {}

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
        goal, _ = read_answer("goal", str(value), tracker)
        if goal is None:
            return self._reject("goal", dispatcher, tracker, "utter_invalid_goal")
        return self._accept("goal", goal)

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

    @answers("income_stability")
    def validate_income_stability(self, value, dispatcher, tracker, domain) -> Result:
        stability, _ = read_answer("income_stability", str(value), tracker)
        if stability is None:
            return self._reject("income_stability", dispatcher, tracker,
                                "utter_invalid_income_stability")
        return self._accept("income_stability", stability)

    def validate_risk_answer(self, slot, value, dispatcher, tracker, domain) -> Result:
        if value is None or _corrects_another(tracker, slot):
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


def reset_events() -> list[dict]:
    """Forget every answer and confirmation of an earlier pass through the form."""
    return [SlotSet(slot, None) for slot in onboarding_slots()] + [
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
