"""What a message typed while the onboarding form asks a question is: an answer to that question,
a change of an earlier answer, or a digression.

The question gets the first look, whatever Rasa's intent: :func:`read_answer` reads the text as an
answer to the open question (figures by engine.numbers, choices by actions.answers), and only a
message that is clearly something else is a digression (:func:`is_digression`), handed to the
rules while the form waits. A correction that names an earlier question, or changes the answer
just given, is :func:`correction_of` (actions.corrections reads it); answers to questions the form
has not reached yet, given on the way ("I'm 45 and have about 200k"), are :func:`ahead_facts`.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.advice import conversation_texts
from actions.answers import (
    FIGURE_ANSWERS,
    chosen,
    match_figure_words,
    match_goal,
    match_income_stability,
    match_investment_knowledge,
    match_option,
    put_as_question,
)
from actions.corrections import changes_last_answer, correction, names_previous_question
from actions.opening_facts import PREFILLED, opening_facts
from actions.profile_slots import PROFILE_SLOTS, RISK_SLOT_PREFIX, form_slots, risk_slots
from actions.script import simplified
from engine.numbers import (
    figures_in,
    parse_age,
    parse_amount,
    parse_horizon,
    parse_monthly,
    parse_yearly,
    stated_age,
)
from engine.profile import (
    INPUT_RANGES,
    Goal,
    IncomeStability,
    InvestmentKnowledge,
    default_horizon,
)
from engine.questionnaire import Question, option_titles, questionnaire

#: Intents that leave the open question for a moment (a question, a person, stop, a complaint,
#: a request for another language, "huh?").
DIGRESSIONS = frozenset({"explain", "request_human", "stop", "bot_challenge", "individual_security",
                         "faq", "boundary", "complain", "close_account", "portfolio_review",
                         "switch_language", "not_following"})
#: Digressions that are questions: only these give way to a loosely read answer, and only when
#: the message is asked as a question.
QUESTIONS = frozenset({"explain", "bot_challenge", "individual_security", "faq", "boundary"})
#: Off-topic chat is a digression only when the classifier is this sure of it; a less certain
#: "out of scope" inside the form is more often an answer in words the form does not know yet.
OFF_TOPIC = "out_of_scope"
#: Intents that agree to start ("ok", "let's start") rather than answer.
STARTING = frozenset({"affirm", "start_onboarding"})
#: From this confidence a digression wins over an answer read from loose word matches.
CLEAR_DIGRESSION = 0.7


#: Questions answered with a figure. A message with one figure answers the open one of these when
#: it can, unless the figure's own words give it to another ("3000 a month" typed at the amount to
#: start with).
FIGURE_SLOTS = frozenset({"age", "horizon_years", "initial_amount", "monthly_contribution",
                          "target_amount"})

#: The questions before the risk questions, whose answers an opening message gives: only these
#: read answers to later ones, and only these are read ahead.
OPENING_SLOTS = frozenset(PREFILLED) - {"income_stability"}


#: Questions answered with a level of a scale: a button, the level's id typed, or words read by
#: the scale's matcher.
SCALES = {"income_stability": (IncomeStability, match_income_stability),
          "investment_knowledge": (InvestmentKnowledge, match_investment_knowledge)}


def shown_titles(question: Question, tracker: Tracker) -> dict[str, str]:
    """Option id -> its title as this conversation shows it (in its language)."""
    return option_titles(question, conversation_texts(tracker))


def _titled(titles: dict[str, str], text: str) -> str | None:
    """The option whose title was typed as it is shown (word matching alone would find "About
    30%" as close to "More than 30%" as to itself)."""
    typed = " ".join(text.split()).casefold()
    return next((option for option, title in titles.items()
                 if " ".join(title.split()).casefold() == typed), None)


def typed_text(tracker: Tracker) -> str:
    """The latest message as typed, traditional Chinese characters written as simplified ones
    (the locale files' cues are simplified)."""
    return simplified(tracker.latest_message.get("text") or "")


def button_only(tracker: Tracker) -> bool:
    """A "keep going" click (an intent payload without a value) answers nothing."""
    text = typed_text(tracker)
    return text.startswith("/") and chosen(tracker) is None


def correction_of(tracker: Tracker) -> tuple[str, Any] | None:
    """The earlier answer this message changes while another question is open, if any: a
    sentence that states an age ("actually I'm 42"), or a correction that names its question."""
    requested = tracker.get_slot("requested_slot")
    if requested is None:
        return None
    if requested != "age" and stated_age(typed_text(tracker)) is not None:
        return "age", stated_age(typed_text(tracker))
    answered = {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}
    changed = correction(typed_text(tracker), requested, answered)
    if changed is None and changes_last_answer(typed_text(tracker)):
        # "typo, should be 24": the question answered just before the open one, when the
        # message does not answer the open one.
        order = form_slots()
        previous = order[order.index(requested) - 1] if requested in order[1:] else None
        if previous and tracker.get_slot(previous) is not None and (
                names_previous_question(typed_text(tracker))
                or read_answer(requested, typed_text(tracker), tracker)[0] is None):
            value = read_answer(previous, typed_text(tracker), tracker)[0]
            changed = (previous, value) if value is not None else None
    return changed


def ahead_facts(tracker: Tracker) -> dict[str, Any]:
    """Answers the message gives to questions the form has not asked yet, while another is open:
    "I'm 45 and have about 200k" typed at the age also gives the amount to start with, and "for a
    house deposit" typed at the age gives the goal. They are read as the facts of an opening
    message are (actions.opening_facts). A message with a single figure gives it to the open
    question when that question can use it, unless the figure's own words name another one: "10"
    typed at the years answers the years, "3000 a month" typed at the amount to start with is the
    monthly amount.

    Worked out once per message, on the tracker as the form's run receives it: the run then fills
    the slots these answers give, and asked again it would find them answered."""
    if not hasattr(tracker, _AHEAD):
        setattr(tracker, _AHEAD, _ahead_facts(tracker))
    return dict(getattr(tracker, _AHEAD))


#: The tracker attribute that keeps a message's :func:`ahead_facts`.
_AHEAD = "_ahead_facts"


def _ahead_facts(tracker: Tracker) -> dict[str, Any]:
    requested = tracker.get_slot("requested_slot")
    text = typed_text(tracker)
    # Only the first questions, whose answers an opening message gives, read later ones: a risk
    # question's option ("a sure 1,000") states no amount to invest.
    if (requested not in OPENING_SLOTS or text.startswith("/") or not just_typed(tracker)
            or correction_of(tracker) is not None):
        return {}
    # The income question waits for its turn: words of pay beside an answer are as often about
    # the income wished for ("a steady income in retirement").
    facts = {slot: value for slot, value in opening_facts(text).items()
             if slot in OPENING_SLOTS and slot != requested and tracker.get_slot(slot) is None}
    if requested in FIGURE_SLOTS and FIGURE_SLOTS & set(facts) and _one_figure_for(requested,
                                                                                   text, tracker):
        facts = {slot: value for slot, value in facts.items() if slot not in FIGURE_SLOTS}
    return facts


def _one_figure_for(requested: str, text: str, tracker: Tracker) -> bool:
    """Whether ``text`` holds one figure, which the open question ``requested`` can use and whose
    words give it to no other question: the question a figure standing alone would go to (an
    amount to start with, in an opening) is no other question."""
    written, found = figures_in(text)
    if len(found) != 1:
        return False
    value, _ = read_answer(requested, text, tracker)
    if value is None or not _answers_figure_question(requested, value, text):
        return False
    alone = set(opening_facts(written[found[0].start:found[0].end]))
    return (FIGURE_SLOTS & set(opening_facts(text))) - {requested} <= alone


def answers_elsewhere(tracker: Tracker, slot: str) -> bool:
    """Whether the message, typed at the open question ``slot``, answers it only with the figure
    that went to a question its words name ("3000 a month" typed at the amount to start with);
    "nothing to start, but 300 a month" answers both."""
    if tracker.get_slot("requested_slot") != slot or slot not in FIGURE_SLOTS:
        return False
    found = figures_in(typed_text(tracker))[1]
    if len(found) != 1 or not FIGURE_SLOTS & set(ahead_facts(tracker)):
        return False
    value, _ = read_answer(slot, typed_text(tracker), tracker)
    return value is None or float(value) == found[0].value


def corrects_another(tracker: Tracker, slot: str | None = None) -> bool:
    """Whether the message changes an earlier answer (other than ``slot``) rather than answer
    the open question."""
    changed = correction_of(tracker)
    return changed is not None and changed[0] != slot


def intent_of(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def just_typed(tracker: Tracker) -> bool:
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
    # The suggestion's button sends "default" whatever the language it was shown in.
    said = chosen(tracker) if chosen(tracker) in FIGURE_ANSWERS["horizon_years"] else None
    years = None if said else parse_horizon(text, age)
    if years is not None or age is None:
        return years
    said = said or match_figure_words("horizon_years", text, tracker.get_slot("language"))
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
    Traditional Chinese characters are read as simplified ones.
    """
    text = simplified(text)
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
    if slot in SCALES:
        scale, match = SCALES[slot]
        valid = {level.value for level in scale}
        if choice in valid or text in valid:
            return choice if choice in valid else text, True
        level = match(text, tracker.get_slot("language"))
        return (scale(level).value if level else None), False
    if slot == "investable_assets":
        return parse_amount(text), True
    if slot == "household_income":
        # "20k a month" is a year's 240k: the question asks for a year.
        return parse_yearly(text), True
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
    text = typed_text(tracker)
    intent, confidence = intent_of(tracker)
    if slot is None or corrects_another(tracker):
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
    if (slot in INPUT_RANGES and intent in QUESTIONS and confidence >= CLEAR_DIGRESSION
            and _asks(tracker) and not _answers_figure_question(slot, value, text)):
        # A figure that cannot answer the question, in a clear question ("can you guarantee 6 %
        # a year?" asked for the age or an amount), is part of the question.
        return True
    # An answer read from loose words gives way only to a clear question ("what does cautious
    # mean?"); "so I can stop working one day" answers the goal, whatever "stop" suggests.
    return (not firm and intent in QUESTIONS and confidence >= CLEAR_DIGRESSION
            and _asks(tracker))


def acknowledges(tracker: Tracker) -> bool:
    """Whether an unread message is only a yes to starting ("ok, let's start" typed when the form
    already asks its first question, nothing answered yet): it answers nothing and is no mistake
    either. Later in the form a bare "ok" is a failed answer, whose re-ask lists the choices."""
    intent, confidence = intent_of(tracker)
    text = typed_text(tracker)
    return (intent in STARTING and confidence >= CLEAR_DIGRESSION and not text.startswith("/")
            and not figures_in(text)[1]
            and all(tracker.get_slot(slot) is None for slot in form_slots()
                    if slot != tracker.get_slot("requested_slot")))


def _answers_figure_question(slot: str, value: Any, text: str) -> bool:
    """Whether a figure read for the age, an amount or the years can answer that question: within
    its range, and not from percentages alone (no one gives an age or a sum as "6 %")."""
    if value and not INPUT_RANGES[slot].contains(float(value)):
        return False
    found = figures_in(text)[1]
    return not (found and all(f.percent for f in found))


def _asks(tracker: Tracker) -> bool:
    return put_as_question(typed_text(tracker), tracker.get_slot("language"))
