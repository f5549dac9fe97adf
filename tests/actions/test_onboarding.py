"""The onboarding form reads answers the way people type them and re-asks clearly."""

import asyncio

import pytest
from action_harness import form_run, responses, run, said, tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_pattern, response_texts

from actions.conversation import Explain
from actions.onboarding import AskHorizon, AskRiskQuestion, ValidateOnboardingForm
from engine.questionnaire import questionnaire

FORM = "onboarding_form"


def answer(domain, slot, text, slots=None, entities=None):
    state = tracker(
        slots={"requested_slot": slot, **(slots or {})}, text=text,
        candidates={slot: text}, entities=entities, active_loop=FORM,
    )
    return run(ValidateOnboardingForm(), state, domain)


@pytest.mark.parametrize(("text", "age"), [("thirty-five", 35), ("35 years old", 35), ("I'm 42", 42)])
def test_ages_in_words_and_digits_are_accepted(domain, text, age):
    messages, slots = answer(domain, "age", text)
    assert slots["age"] == age
    assert messages == []


def test_an_impossible_age_is_refused_with_the_valid_range(domain):
    messages, slots = answer(domain, "age", "I'm 200")
    assert slots["age"] is None
    assert messages[0]["response"] == "utter_invalid_age"
    assert (messages[0]["min"], messages[0]["max"]) == (18, 100)


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [("initial_amount", "$50k", 50_000), ("initial_amount", "1.5 million", 1_500_000),
     ("initial_amount", "5,000", 5_000), ("monthly_contribution", "500 a month", 500),
     ("monthly_contribution", "none", 0), ("target_amount", "no target", 0),
     ("horizon_years", "in 15 years", 15)],
)
def test_amounts_and_years_in_the_usual_forms(domain, slot, text, value):
    _, slots = answer(domain, slot, text)
    assert slots[slot] == pytest.approx(value)


def test_a_correction_of_the_age_mid_form_updates_it_and_keeps_the_open_question(domain):
    messages, slots = answer(domain, "initial_amount", "actually I'm 42", slots={"age": 35})
    assert slots["age"] == 42
    assert slots["initial_amount"] is None
    assert responses(messages) == ["utter_noted_age"]


def test_a_retirement_age_answer_becomes_years_to_go(domain):
    _, slots = answer(domain, "horizon_years", "at 60", slots={"age": 40})
    assert slots["horizon_years"] == 20


def test_goals_from_buttons_and_from_typed_words(domain):
    _, slots = answer(domain, "goal", '/inform{"choice": "education"}',
                      entities=[{"entity": "choice", "value": "education"}])
    assert slots["goal"] == "education"
    _, slots = answer(domain, "goal", "saving for a house")
    assert slots["goal"] == "major_purchase"


def test_risk_answers_from_buttons_and_typed_text(domain):
    _, slots = answer(domain, "q_max_loss", "more than 30%")
    assert slots["q_max_loss"] == "loss_over_30"
    _, slots = answer(domain, "q_loss_reaction", "x", entities=[{"entity": "choice", "value": "hold"}])
    assert slots["q_loss_reaction"] == "hold"
    messages, slots = answer(domain, "q_loss_reaction", "purple")
    assert slots["q_loss_reaction"] is None
    assert responses(messages) == ["utter_invalid_option"]
    assert messages[0]["options"].split("\n") == [
        "1. Sell everything to avoid further losses", "2. Sell some of my investments",
        "3. Do nothing and wait for a recovery", "4. Invest more while prices are low",
    ]


def test_an_option_number_from_the_re_ask_list_is_an_answer(domain):
    _, slots = answer(domain, "q_loss_reaction", "3")
    assert slots["q_loss_reaction"] == "hold"


def test_an_option_title_typed_as_shown_is_that_option_even_when_it_shares_words(domain):
    # "About 30%" and "More than 30%" share their only meaningful word.
    _, slots = answer(domain, "q_max_loss", "about 30%")
    assert slots["q_max_loss"] == "loss_30"


def test_three_failed_attempts_offer_a_human(domain):
    failures = []
    for attempt in range(3):
        messages, slots = answer(domain, "age", "banana", slots={"failed_attempts": attempt})
        failures.append("utter_offer_handoff" in responses(messages))
    assert failures == [False, False, True]
    assert slots["failed_attempts"] == 0


def test_income_stability(domain):
    _, slots = answer(domain, "income_stability", "it's irregular, I'm self-employed")
    assert slots["income_stability"] == "unstable"


def test_horizon_question_offers_the_engine_default(domain):
    messages, _ = run(AskHorizon(), tracker(slots={"goal": "retirement", "age": 40}), domain)
    assert messages[0]["response"] == "utter_ask_horizon_years"
    assert messages[0]["default_horizon"] == 25


def ask(domain, question_id, slots=None):
    action = next(c() for c in AskRiskQuestion.__subclasses__() if c.question_id == question_id)
    [message], _ = run(action, tracker(slots=slots), domain)
    return message


def test_each_risk_question_is_asked_from_the_questionnaire_with_buttons(domain):
    names = {cls().name() for cls in AskRiskQuestion.__subclasses__()}
    assert len(names) == len(AskRiskQuestion.__subclasses__())
    assert names == {f"action_ask_q_{q}" for q in questionnaire().ids}
    assert names <= set(domain["actions"])
    message = ask(domain, "max_loss")
    assert message["response"] == "utter_risk_question_max_loss"
    assert "largest fall in a single year" in response_texts(message["response"])[0]
    buttons = message["buttons"]
    assert buttons[0] == {"title": "5% or less", "payload": '/inform{"choice": "loss_5"}'}
    assert [b["title"] for b in buttons][-1] == "More than 30%"
    assert len(buttons) == len(questionnaire().question("max_loss").options)


# -- the conversation's wording -------------------------------------------------------------------

@pytest.fixture
def french(domain, locales):
    """A French folder of the locale files, chosen when the ``language`` slot is "fr"."""
    locales.write(
        "fr",
        risk_option_loss_reaction_hold="Ne rien faire et attendre la reprise",
        risk_option_loss_reaction_buy_more="Investir davantage pendant la baisse",
        utter_invalid_option="Choisissez une des options :\n{options}",
        option_line="{number:number}) {option}",
    )
    return domain


def test_buttons_take_the_titles_of_the_conversation_language(french):
    titles = [b["title"] for b in ask(french, "loss_reaction", {"language": "fr"})["buttons"]]
    assert titles[2:] == ["Ne rien faire et attendre la reprise",
                          "Investir davantage pendant la baisse"]
    english = [b["title"] for b in ask(french, "loss_reaction")["buttons"]]
    assert english[2] == "Do nothing and wait for a recovery"


def test_typed_answers_are_matched_against_the_titles_the_client_was_shown(french):
    _, slots = answer(french, "q_loss_reaction", "j'attends la reprise", slots={"language": "fr"})
    assert slots["q_loss_reaction"] == "hold"
    # The engine's English for that option is not what this client saw.
    messages, slots = answer(french, "q_loss_reaction", "while prices are low",
                             slots={"language": "fr", "failed_attempts": 0})
    assert slots["q_loss_reaction"] is None
    assert messages[0]["options"].split("\n")[3] == "4) Investir davantage pendant la baisse"


def test_why_this_allocation_is_worded_in_the_conversation_language(domain, database, locales):
    profile = {"age": 40, "goal": "retirement", "horizon_years": 25.0, "initial_amount": 50_000.0,
               "monthly_contribution": 500.0, "target_amount": 0.0, "income_stability": "stable",
               **{f"q_{q.id}": q.options[-1].id for q in questionnaire().questions}}
    locales.write("fr", goal_retirement="la retraite")
    why = [{"entity": "concept", "value": "why_allocation"}]
    state = tracker(slots={**profile, "recommended": True, "language": "fr"}, intent="explain",
                    entities=why)
    [message], _ = run(Explain(), state, domain)
    assert response_pattern("reason_summary", goal="la retraite").match(message["explanation"])
    english = tracker(slots={**profile, "recommended": True}, intent="explain", entities=why)
    [message], _ = run(Explain(), english, domain)
    [goal] = response_texts("goal_retirement")
    assert response_pattern("reason_summary", goal=goal).match(message["explanation"])


def test_a_reset_at_the_start_of_the_form_is_not_an_answer(domain):
    # Starting the form clears every answer; the cleared values reach the validator as None.
    cleared = {slot: None for slot in ("age", "initial_amount", "target_amount", "q_max_loss")}
    state = tracker(slots={"requested_slot": None}, text="I want investment advice",
                    candidates=cleared, active_loop=FORM)
    messages, slots = run(ValidateOnboardingForm(), state, domain)
    assert messages == []
    assert all(value is None for value in slots.values())


def test_an_age_in_the_opening_message_is_kept(domain):
    state = tracker(slots={"requested_slot": None}, text="I'm 35 and want to invest",
                    candidates={"age": None}, active_loop=FORM)
    _, slots = run(ValidateOnboardingForm(), state, domain)
    assert slots["age"] == 35


# -- The open question gets the first look ---------------------------------------------------

def events_of(domain, slot, text, intent, confidence=0.95, slots=None):
    return form_run(domain, slot, text, intent, confidence, {"age": 40, **(slots or {})})


def rejected(events) -> bool:
    return any(e.get("event") == "action_execution_rejected" for e in events)


def set_to(events, slot):
    return next((e["value"] for e in events if e.get("event") == "slot" and e["name"] == slot),
                None)


@pytest.mark.parametrize(("slot", "text", "intent", "value"), [
    # Whatever the classifier made of them, these answer the question asked.
    ("income_stability", "pretty steady, I'm on a permanent salary", "out_of_scope", "stable"),
    ("age", "42, why?", "explain", 42),
    ("initial_amount", "about 5k, is that too little?", "faq", 5_000),
    ("q_loss_reaction", "2", "stop", "sell_some"),
    ("goal", "retirement", "request_human", "retirement"),
    ("goal", "so I can stop working one day", "stop", "retirement"),
    ("q_loss_reaction", "I'd probably panic and get out", "stop", "sell_all"),
    ("income_stability", "not very, my contract may end", "out_of_scope", "unstable"),
])
def test_an_answer_fills_the_question_whatever_the_intent(domain, slot, text, intent, value):
    events, _ = events_of(domain, slot, text, intent)
    assert not rejected(events)
    assert set_to(events, slot) == value


@pytest.mark.parametrize(("slot", "text", "intent"), [
    ("age", "what do you need my age for", "explain"),
    ("initial_amount", "what are your fees?", "faq"),
    ("q_loss_reaction", "can I talk to someone", "request_human"),
    ("goal", "stop", "stop"),
    ("horizon_years", "what's the weather like in Paris", "out_of_scope"),
    ("q_risk_self_view", "what does cautious mean here?", "explain"),
])
def test_a_clear_digression_that_answers_nothing_goes_to_the_rules(domain, slot, text, intent):
    events, messages = events_of(domain, slot, text, intent)
    assert rejected(events)
    assert messages == []
    # The text Rasa's from_text mapping put into the open question is taken back out.
    assert {"event": "slot", "name": slot, "value": None, "timestamp": None} in events


def test_unsure_off_topic_that_answers_nothing_is_a_failed_try_not_a_digression(domain):
    events, messages = events_of(domain, "horizon_years", "hmm the weather", "out_of_scope",
                                 confidence=0.5)
    assert not rejected(events)
    assert responses(messages) == ["utter_invalid_horizon"]
    assert set_to(events, "failed_attempts") == 1


def test_failed_tries_lead_to_a_person_on_the_third(domain):
    events, messages = events_of(domain, "goal", "hmm dunno", "nlu_fallback", confidence=0.3,
                                 slots={"failed_attempts": 2})
    assert responses(messages) == ["utter_invalid_goal", "utter_offer_handoff"]


# -- An opening message's facts prefill the form ---------------------------------------------

def opening(domain, text):
    state = tracker(slots={"requested_slot": None}, text=text, intent="start_onboarding",
                    active_loop=FORM)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, dispatcher.messages


def test_the_facts_of_an_opening_message_are_taken_and_said_back(domain):
    slots, messages = opening(domain, "I'm 62 and want to buy a house in 3 years, I have 40k")
    assert (slots["age"], slots["goal"], slots["horizon_years"], slots["initial_amount"]) == (
        62, "major_purchase", 3, 40_000)
    assert said(messages, domain) == ["utter_opening_understood"]
    facts = messages[0]["facts"]
    assert facts == ("you're 62, it's for your home or major purchase goal, you'll need it in "
                     "about 3 years and you have 40,000 to start with")


def test_wanting_to_invest_is_no_goal_and_an_opening_without_facts_says_nothing(domain):
    slots, messages = opening(domain, "I want to start investing")
    assert all(value is None for value in slots.values())
    assert messages == []


def test_after_a_digression_the_form_resumes_instead_of_rejecting_again(domain):
    state = tracker(slots={"requested_slot": "age"}, text="what are your fees?", intent="faq",
                    active_loop=FORM)
    # The form was set aside for the question, which has been answered since.
    state.events += [{"event": "action_execution_rejected", "name": FORM},
                     {"event": "action", "name": "utter_faq"}, {"event": "action", "name": FORM}]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateOnboardingForm().run(dispatcher, state, domain))
    assert not rejected(events)


# -- Figures answered in words ----------------------------------------------------------------

ANSWERED = {"age": 40, "goal": "retirement", "horizon_years": 25, "initial_amount": 10_000,
            "monthly_contribution": 500}


@pytest.mark.parametrize(("text", "target"), [
    ("no particular number in mind", 0),
    ("the more the better really", 0),
    ("I'd like to double it", 20_000),       # twice the 10,000 to start with
    ("triple my money please", 30_000),
    ("a cool million", 1_000_000),
    ("just to beat inflation by 2%", 0),     # a percentage is not a target amount
    ("around 80k", 80_000),
])
def test_a_target_in_words_is_none_a_multiple_or_an_amount(domain, text, target):
    events, messages = form_run(domain, "target_amount", text, slots=ANSWERED)
    assert set_to(events, "target_amount") == target
    # An approximate amount is said back with the figure taken (tests/actions/test_answers_ahead).
    assert said(messages, domain) == (["utter_noted_facts"] if text == "around 80k" else [])


@pytest.mark.parametrize(("text", "goal", "years"), [
    ("whatever you suggest", "education", 10),   # the question's own suggestion for the goal
    ("until I stop working", "retirement", 25),  # to the usual retirement age, from 40
])
def test_years_in_words_take_the_suggestion_or_the_retirement_age(domain, text, goal, years):
    from engine.profile import default_horizon

    assert default_horizon(goal, 40) == years
    events, _ = form_run(domain, "horizon_years", text, slots={"age": 40, "goal": goal})
    assert set_to(events, "horizon_years") == years


def test_a_purpose_is_needed_before_an_opening_names_a_goal(domain):
    slots, _ = opening(domain, "I'm 35 and I have two kids")
    assert slots["age"] == 35
    assert slots.get("goal") is None
    slots, _ = opening(domain, "I'm 35 and saving for my kids' college")
    assert slots["goal"] == "education"


@pytest.mark.parametrize(("text", "goal"), [
    ("Can you help me plan for retirement? I'm 47.", "retirement"),  # asked as a request
    ("I want regular income from my savings in retirement", "income"),  # a retiree's income
    ("Somewhere safe for 100,000 from selling my house", "capital_preservation"),  # the source
])
def test_an_opening_names_the_purpose_not_the_request_or_the_source(domain, text, goal):
    slots, _ = opening(domain, text)
    assert slots["goal"] == goal
    assert slots.get("income_stability") is None  # income as a goal says nothing of pay


@pytest.mark.parametrize(("text", "language", "intent"), [
    ("yes", "en", "affirm"), ("ok, let's start", "en", "start_onboarding"),
    ("好的，开始吧", "zh", "affirm")])
def test_a_bare_yes_at_a_question_gets_the_question_again_not_an_error(domain, text, language,
                                                                        intent):
    # "I'd like a plan" starts the form at once; a following "ok, let's start" is no wrong age.
    events, messages = form_run(domain, "age", text, intent=intent, slots={"language": language})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert messages == []
    assert slots["age"] is None and slots["failed_attempts"] == 1


def test_a_yes_with_a_figure_is_still_read_as_an_answer(domain):
    events, messages = form_run(domain, "age", "yes, I'm 42", intent="affirm")
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["age"] == 42
    assert messages == []


def test_repeated_bare_yeses_still_lead_to_a_person(domain):
    events, messages = form_run(domain, "age", "ok", intent="affirm",
                                slots={"failed_attempts": 2})
    assert responses(messages) == ["utter_offer_handoff"]


def test_a_bare_yes_once_answers_are_given_is_a_failed_answer(domain):
    events, messages = form_run(domain, "goal", "ok", intent="affirm", slots={"age": 35})
    assert responses(messages) == ["utter_invalid_goal"]
