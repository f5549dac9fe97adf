"""bench/field_set judges a reply by what the bot did after the message, and reaches every context
of each language's field set on the real Rasa server, in that language from the first event.

The first tests give the judge tracker states in Rasa's event format; the slow one drives the real
servers into each context and sends payload messages, which skip the intent classifier, so whether
their replies fit does not depend on the trained model.
"""

from __future__ import annotations

import pytest

from bench.field_set.judge import Reply, dead_end, fits
from bench.field_set.run import drive, replay_one
from bench.field_set.schema import LANGUAGES, Message, form_slots, load, load_domain
from harness.advisor import running_advisor


def user(text: str = "a message") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}


def bot(response: str, buttons: list | None = None) -> dict:
    return {"event": "bot", "metadata": {"utter_action": response}, "data": {"buttons": buttons}}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


ASKING_AGE = [action("onboarding_form"), {"event": "active_loop", "name": "onboarding_form"},
              slot("requested_slot", "age"), bot("utter_ask_age")]


def reply(context: str, before: list[dict], after: list[dict], loop: str | None = None,
          requested: str | None = None) -> Reply:
    state = {"events": [*before, user(), *after], "slots": {"requested_slot": requested},
             "active_loop": {"name": loop} if loop else {}}
    return Reply.of(context, state)


def message(expect: dict, context: str = "start") -> Message:
    return Message(0, "a message", "topic", context, expect)


def test_a_slot_fits_on_the_value_it_is_given_after_the_message():
    expect = message({"slot": {"name": "age", "value": 40}}, "asked: age")
    validated = reply("asked: age", ASKING_AGE, [slot("age", "around forty"), slot("age", 40.0)])
    rejected = reply("asked: age", ASKING_AGE, [slot("age", "around forty"), slot("age", None),
                                                 bot("utter_invalid_age")])
    earlier = reply("asked: goal", [*ASKING_AGE, slot("age", 40.0)], [slot("goal", None)])
    assert fits(expect, validated) == (True, "age = 40.0")
    assert fits(expect, rejected) == (False, "age = 'around forty'")
    assert fits(expect, earlier) == (False, "age = None")


def test_amounts_fit_to_a_thousandth():
    weekly = message({"slot": {"name": "monthly_contribution", "value": 216.67}})
    assert fits(weekly, reply("start", [], [slot("monthly_contribution", 50 * 52 / 12)]))[0]
    assert not fits(weekly, reply("start", [], [slot("monthly_contribution", 217.0)]))[0]


def test_a_question_mid_form_fits_only_when_the_form_asks_its_question_again():
    question = message({"faq": "fees"}, "asked: age")
    answered = [bot("utter_faq_fees"), action("onboarding_form"), bot("utter_ask_age")]
    assert fits(question, reply("asked: age", ASKING_AGE, answered, "onboarding_form", "age"))[0]
    ok, why = fits(question, reply("asked: age", ASKING_AGE, answered[:1]))
    assert not ok and why == "the form did not go back to age (loop None, asks None)"
    elsewhere = [bot("utter_out_of_scope"), action("onboarding_form"), bot("utter_ask_age")]
    assert fits(question, reply("asked: age", ASKING_AGE, elsewhere, "onboarding_form", "age")) \
        == (False, "replied ['utter_out_of_scope', 'utter_ask_age']")


def test_faq_and_boundary_answers_fit_by_their_retrieval_response_of_the_same_key_only():
    fees = message({"faq": "fees"})
    assert fits(fees, reply("start", [], [bot("utter_faq/fees")])) == (True, "")
    assert fits(fees, reply("start", [], [bot("utter_faq_fees")])) == (True, "")
    assert fits(fees, reply("start", [], [bot("utter_faq/minimum_amount")])) == (
        False, "replied ['utter_faq/minimum_amount']")
    promise = message({"boundary": "returns_promise"})
    assert fits(promise, reply("start", [], [bot("utter_boundary/returns_promise")]))[0]
    assert fits(promise, reply("start", [], [bot("utter_no_returns_promise")]))[0]
    tax = message({"boundary": "tax_legal"})
    assert fits(tax, reply("start", [], [bot("utter_boundary/tax_legal")]))[0]
    assert not fits(tax, reply("start", [], [bot("utter_boundary/returns_promise")]))[0]
    assert not fits(tax, reply("start", [], [bot("utter_faq/tax_wrappers")]))[0]
    mid_form = message({"faq": "inflation"}, "asked: age")
    answered = [bot("utter_faq/inflation"), action("onboarding_form"), bot("utter_ask_age")]
    assert fits(mid_form, reply("asked: age", ASKING_AGE, answered, "onboarding_form", "age"))[0]
    assert not fits(mid_form, reply("asked: age", ASKING_AGE, answered[:1]))[0]


def test_a_first_message_is_welcomed_by_the_greeting_or_the_unclear_welcome_only():
    welcome = message({"flow": "welcome"})
    assert fits(welcome, reply("start", [], [action("action_greet"), bot("utter_greet_prospect")]))[0]
    answered = [bot("utter_faq/how_it_works"), action("action_lead_back"),
                bot("utter_greet_prospect")]
    assert fits(welcome, reply("start", [], answered))[0]
    assert fits(welcome, reply("start", [], [bot("utter_default_first")]))[0]
    assert not fits(welcome, reply("start", [], answered[:1]))[0]
    assert not fits(welcome, reply("start", [], [bot("utter_faq/how_it_works"),
                                                 bot("utter_lead_back")]))[0]


def test_a_what_if_fits_only_with_the_change_it_asked_for():
    more = message({"flow": "what_if:more_risk"}, "recommended")
    monthly = [bot("utter_what_if_applied"), slot("monthly_contribution", 800.0)]
    riskier = [bot("utter_what_if_applied"), slot("q_max_loss", "loss_30")]
    assert fits(more, reply("recommended", [], riskier))[0]
    assert not fits(more, reply("recommended", [], monthly))[0]
    assert fits(more, reply("recommended", [], [bot("utter_what_if_limit_highest")]))[0]
    assert not fits(more, reply("recommended", [], [bot("utter_what_if_limit_lowest")]))[0]


def test_dead_ends_are_fallbacks_without_buttons_or_repeated():
    faq = message({"faq": "fees"})
    off_topic = message({"flow": "out_of_scope"})
    buttons = [{"title": "Talk to a person", "payload": "/request_human"}]
    assert dead_end(faq, reply("start", [], [bot("utter_out_of_scope")])) == "utter_out_of_scope"
    assert dead_end(off_topic, reply("start", [], [bot("utter_out_of_scope")])) is None
    assert dead_end(faq, reply("start", [], [bot("utter_default", buttons)])) is None
    assert dead_end(faq, reply("start", [bot("utter_default", buttons)],
                               [bot("utter_default", buttons)])) == "utter_default"
    assert dead_end(faq, reply("start", [], [bot("utter_handoff")])) is None


def language_of(events: list[dict]) -> str | None:
    """The language slot's last value in ``events`` (None when it is never set)."""
    values = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "language"]
    return values[-1] if values else None


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_context_is_reached_and_payload_replies_are_judged_on_the_real_server(language):
    field_set = load(language=language)
    slots = form_slots(load_domain())
    checks = [  # (payload, context, expectation, fits)
        ('/inform{"choice": "buy_more"}', "asked: q_loss_reaction",
         {"slot": {"name": "q_loss_reaction", "value": "buy_more"}}, True),
        ('/inform{"choice": "buy_more"}', "asked: q_loss_reaction",
         {"slot": {"name": "q_loss_reaction", "value": "sell_some"}}, False),
        ('/inform{"monthly_contribution": 300}', "asked: monthly_contribution",
         {"slot": {"name": "monthly_contribution", "value": 300}}, True),
        ("/request_human", "start", {"flow": "handoff"}, True),
        ("/request_human", "start", {"faq": "fees"}, False),
        ("/start_onboarding", "offered: start", {"flow": "start_onboarding"}, True),
        ("/deny", "offered: start", {"flow": "decline"}, True),
        ("/more_risk", "recommended", {"flow": "what_if:more_risk"}, True),
        ("/more_risk", "recommended", {"flow": "what_if:monthly"}, False),
        ("/stop", "asked: q_max_loss", {"flow": "stop"}, True),
        ('/inform{"choice": "fees"}', "asked: leaving_reason",
         {"slot": {"name": "leaving_reason", "value": "fees"}}, True),
    ]
    with running_advisor() as advisor:
        templates = {c: drive(advisor, c, field_set, slots) for c in field_set.contexts}
        # A conversation of another language speaks it from its first event; English ones
        # start as before, the start context with no event at all.
        if language == "en":
            assert templates["start"] == []
            assert {language_of(t) for t in templates.values()} <= {None, "en"}
        else:
            for context, template in templates.items():
                first = next(e for e in template if e["event"] not in
                             ("action", "session_started"))
                assert first == {**first, "event": "slot", "name": "language",
                                 "value": language}, context
                assert language_of(template) == language, context
        for i, (text, context, expect, expected) in enumerate(checks):
            result = replay_one(advisor, Message(9000 + i, text, "topic", context, expect),
                                templates[context])
            assert result["fitting"] is expected, (text, context, expect, result)
        rating = replay_one(advisor, Message(9100, "/inform", "rating", "asked: rating",
                                             {"slot": {"name": "rating", "value": 4}}),
                            templates["asked: rating"])
    assert rating["fitting"] is False and rating["responses"], rating
