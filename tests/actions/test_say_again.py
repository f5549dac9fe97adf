"""A client who did not follow the last message ("huh?", "没看懂") is told it again: the form's
question asked again, the recommendation explained plainly, any other message repeated word for
word with its buttons (so its offer still stands), a person offered the second time in a row, and
the welcome when nothing was said yet."""

import asyncio

from action_harness import SENDER, said
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from support.responses import response_variations

from actions.say_again import SayAgain, last_bot_turn, not_following_in_a_row

OFFER_BUTTONS = [{"title": "Yes, a person please", "payload": "/request_human"}]


def user(intent: str, text: str = "huh?") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(name: str | None, text: str = "", buttons: list | None = None,
        custom: dict | None = None) -> dict:
    return {"event": "bot", "text": text,
            "data": {"buttons": buttons, "custom": custom, "elements": None},
            "metadata": {"utter_action": name} if name else {}}


def after(*events: dict, slots: dict | None = None, active_loop: str | None = None) -> Tracker:
    last = [e for e in events if e["event"] == "user"][-1]
    return Tracker(sender_id=SENDER, slots=slots or {},
                   latest_message={**last["parse_data"], "text": last["text"]},
                   events=list(events), paused=False, followup_action=None,
                   active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def say_again(tracker: Tracker, domain: dict) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(SayAgain().run(dispatcher, tracker, domain))
    said(dispatcher.messages, domain)
    return dispatcher.messages, events


def test_an_offer_is_said_again_word_for_word_with_its_buttons_and_still_stands(domain):
    offer = bot("utter_default_offer_person", "Would you like one of our advisers?",
                buttons=OFFER_BUTTONS)
    messages, events = say_again(after(user("greet", "hi"), bot("utter_greet_prospect", "Hello"),
                                       user("nlu_fallback", "qwzx"), offer,
                                       user("not_following", "嗯？")), domain)
    assert [m["response"] for m in messages] == ["utter_say_again", None]
    assert messages[1]["text"] == "Would you like one of our advisers?"
    assert messages[1]["buttons"] == OFFER_BUTTONS
    assert messages[1]["repeats"] == "utter_default_offer_person"
    assert events == []  # last_offer untouched: a yes now accepts the offer repeated


def test_every_message_of_the_last_turn_is_repeated_in_order_with_its_payload(domain):
    chart = {"allocation": {"bonds": 0.6}}
    messages, _ = say_again(after(user("greet", "hi"), bot("utter_a", "First."),
                                  bot("utter_b", "Second.", custom=chart),
                                  user("not_following")), domain)
    assert [m["text"] for m in messages[1:]] == ["First.", "Second."]
    assert messages[2]["custom"] == chart
    assert "custom" not in messages[1] or messages[1]["custom"] == {}


def test_the_last_turn_is_only_what_came_after_the_message_before(domain):
    events = [user("greet", "hi"), bot("utter_greet_prospect", "Hello"),
              user("explain", "what are bonds"), bot("utter_explain_bonds", "Bonds are loans."),
              user("not_following")]
    assert [e["text"] for e in last_bot_turn(events)] == ["Bonds are loans."]


def test_in_the_form_only_a_short_apology_is_said_and_the_form_asks_again(domain):
    messages, events = say_again(after(bot("utter_ask_age", "How old are you?"),
                                       user("not_following"), active_loop="onboarding_form"),
                                 domain)
    assert [m["response"] for m in messages] == ["utter_say_again_question"]
    assert events == []


def test_after_the_recommendation_the_mix_is_explained_plainly(domain):
    from test_advice import PROFILE

    messages, events = say_again(after(user("inform", "yes"),
                                       bot("utter_recommendation", "Here is the mix..."),
                                       bot("utter_projection", "In 10 years..."),
                                       user("not_following", "没看懂"),
                                       slots={**PROFILE, "recommended": True}), domain)
    assert [m["response"] for m in messages] == ["utter_say_again_plainly",
                                                 "utter_explain_why_allocation"]
    assert messages[1]["explanation"]  # the answers' reasons, worded
    assert events == []  # all said here: no follow-up action for the rules to miss


def test_a_later_message_after_a_recommendation_is_repeated_not_explained(domain):
    messages, events = say_again(after(user("thank", "thanks"), bot("utter_ask_rating", "Rate?"),
                                       user("not_following"), slots={"recommended": True}),
                                 domain)
    assert [m.get("response") for m in messages] == ["utter_say_again", None]
    assert events == []


def test_the_second_time_in_a_row_a_person_is_offered(domain):
    events = [user("greet", "hi"), bot("utter_greet_prospect", "Hello"),
              user("not_following"), bot("utter_say_again", "Of course."),
              bot(None, "Hello"), user("not_following", "还是没看懂")]
    assert not_following_in_a_row(events) == 2
    messages, slots = say_again(after(*events), domain)
    assert [m["response"] for m in messages] == ["utter_say_again_person"]
    assert slots == [{"event": "slot", "name": "last_offer", "value": "handoff",
                      "timestamp": None}]
    for variation in response_variations("utter_say_again_person"):
        assert variation["buttons"][0]["payload"] == "/request_human"


def test_what_this_action_said_before_is_not_repeated(domain):
    events = [user("greet", "hi"), bot("utter_say_again", "Of course."), bot(None, "Hello"),
              user("thank", "ok thanks")]
    assert [e["text"] for e in last_bot_turn(events)] == ["Hello"]


def test_with_nothing_said_yet_the_welcome_is_given(domain):
    messages, events = say_again(after(user("not_following", "huh?")), domain)
    assert [m["response"] for m in messages] == ["utter_default_first"]
    assert events == [{"event": "slot", "name": "last_offer", "value": "onboarding",
                       "timestamp": None}]


def test_the_fallback_welcomes_a_puzzled_first_message(domain):
    from actions.fallback import Fallback

    dispatcher = CollectingDispatcher()
    events = asyncio.run(Fallback().run(dispatcher, after(user("not_following", "啊？")), domain))
    assert said(dispatcher.messages, domain) == ["utter_default_first"]
    assert events == [{"event": "slot", "name": "last_offer", "value": "onboarding",
                       "timestamp": None}]


def validated(validator, method: str, text: str, intent: str, domain: dict):
    from action_harness import tracker

    dispatcher = CollectingDispatcher()
    value = getattr(validator, method)(text, dispatcher, tracker(text=text, intent=intent), domain)
    return value, said(dispatcher.messages, domain)


def test_the_other_forms_ask_again_and_never_keep_huh_as_an_answer(domain):
    from actions.conversation import ValidateSatisfactionForm
    from actions.leaving import ValidateExitSurveyForm, ValidateLeavingForm

    survey, leaving = ValidateExitSurveyForm(), ValidateLeavingForm()
    cases = [(survey, "validate_exit_improvement", "exit_improvement", "没看懂"),
             (survey, "validate_exit_detail", "exit_detail", "huh?"),
             (survey, "validate_exit_reason", "exit_reason", "啊？"),
             (survey, "validate_exit_return_likelihood", "exit_return_likelihood", "what?"),
             (leaving, "validate_leaving_reason", "leaving_reason", "再说一遍"),
             (ValidateSatisfactionForm(), "validate_rating", "rating", "嗯？")]
    for validator, method, slot, text in cases:
        assert validated(validator, method, text, "not_following", domain) == (
            {slot: None}, ["utter_say_again_question"]), method
    # The same words read as something else are kept as the client's words, or refused as before.
    assert validated(survey, "validate_exit_improvement", "没看懂", "inform", domain) == (
        {"exit_improvement": "没看懂"}, [])
    assert validated(ValidateSatisfactionForm(), "validate_rating", "嗯", "affirm", domain) == (
        {"rating": None}, ["utter_invalid_rating"])


def test_a_puzzled_answer_that_names_a_reason_keeps_the_reason(domain):
    from actions.leaving import ValidateLeavingForm

    value, replies = validated(ValidateLeavingForm(), "validate_leaving_reason",
                               "I don't get why the fees are so high", "not_following", domain)
    assert value == {"leaving_reason": "fees"} and replies == []
