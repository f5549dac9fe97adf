"""Signed-in clients on the real servers: each demo client's greeting ends with a next step the
client can click, each of those buttons leads to its flow, the exit interview asks its questions
one by one, and an accepted retention offer leaves a follow-up in the staff's queue.

The database is seeded as `make run` seeds it (a scored synthetic client base and the demo
accounts), so every demo sign-in is greeted as it is in the demo. Replies are compared with the
whole text of their responses as the locale files word them.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select
from support.responses import matches_reply, response_names

from db.accounts import ClientAccount
from db.models import Client, HandoffRequest, OfferRecord, SurveyAnswer
from db.session import make_engine, session_scope
from demo.accounts import seed_accounts
from demo.client_base import seed_client_base

pytestmark = pytest.mark.slow

#: Demo sign-in -> the response its greeting ends with (the one carrying the buttons).
LAST_OF_GREETING = {
    "client-onboarding": "utter_ask_rating",
    "client-first-weeks": "utter_ask_rating",
    "client-growth": "utter_stage_growth",
    "client-portfolio-review": "utter_stage_growth",
    "client-mature": "utter_stage_mature",
    "client-priority-line": "utter_stage_mature",
    "client-fee-waiver": "utter_retention_offer_fee_waiver",
    "client-premium-service": "utter_retention_offer_premium_extension",
    "client-callback": "utter_retention_offer_advisor_callback",
    "client-exit-survey": "utter_ask_exit_reason",
}


@pytest.fixture(scope="module")
def demo(advisor) -> dict[str, tuple[int, float]]:
    """The demo base in the advisor's database: each demo user name -> (client id, AUM)."""
    engine = make_engine(advisor.database_url)
    seed_client_base(engine, n_clients=300)  # every stage and main next-best action, scored
    with session_scope(engine) as session, contextlib.redirect_stdout(None):
        seed_accounts(session)
    with session_scope(engine) as session:
        found = {a.username: (a.client_id, session.get(Client, a.client_id).aum)
                 for a in session.scalars(select(ClientAccount))}
    engine.dispose()
    return found


def records(advisor, model, sender: str) -> list:
    engine = make_engine(advisor.database_url)
    with session_scope(engine) as session:
        found = list(session.scalars(select(model).where(model.conversation_id == sender)
                                     .order_by(model.id)))
        session.expunge_all()
    engine.dispose()
    return found


def button(reply: list[dict], title: str) -> str:
    """The payload of the button ``title`` of the reply's last message (which must carry it)."""
    buttons = {b["title"]: b["payload"] for b in reply[-1].get("buttons") or []}
    assert title in buttons, (title, reply[-1])
    return buttons[title]


class Visit:
    """One signed-in client's conversation: every message carries their id as the web app sends it."""

    def __init__(self, advisor, demo, username: str, conversation: str):
        self.advisor, self.sender = advisor, f"{conversation}-{username}"
        self.client_id, self.aum = demo[username]

    def say(self, text: str) -> list[dict]:
        return self.advisor.say(self.sender, text, {"client_id": self.client_id})


@pytest.mark.parametrize("username", sorted(LAST_OF_GREETING))
def test_every_demo_clients_greeting_ends_with_buttons(advisor, demo, username):
    reply = Visit(advisor, demo, username, "greeting").say("hello")
    names = response_names(reply)
    assert names[0] == "utter_greet_client" and names[-1] == LAST_OF_GREETING[username], names
    assert reply[-1].get("buttons"), reply[-1]


def test_the_fee_waiver_says_what_it_saves_this_client(advisor, demo):
    visit = Visit(advisor, demo, "client-fee-waiver", "worth")
    reply = visit.say("hi")
    # 30 days of the 0.6 % yearly advisory fee on the client's own assets (engine/lifecycle/offers.yml).
    saving = f"{visit.aum * 0.006 * 30 / 365.25:,.0f}"
    assert matches_reply(reply[-2:], "utter_retention_worth_fee_waiver",
                         "utter_retention_offer_fee_waiver", saving=saving, days=30)


def test_accepting_the_greetings_offer_records_it_and_queues_the_staff_follow_up(advisor, demo):
    visit = Visit(advisor, demo, "client-callback", "accepting")
    accepted = visit.say(button(visit.say("good morning"), "Yes, call me"))
    [follow_up] = records(advisor, HandoffRequest, visit.sender)
    assert matches_reply(accepted, "utter_retention_accepted", reference=follow_up.id)
    assert (follow_up.reason, follow_up.client_id) == ("retention_accepted:advisor_callback",
                                                       visit.client_id)
    made, answer = records(advisor, OfferRecord, visit.sender)
    assert (made.offer, made.answer) == ("advisor_callback", None)
    assert (answer.offer, answer.answer, answer.answers_offer_id) == ("advisor_callback",
                                                                      "accepted", made.id)


@pytest.mark.parametrize(("username", "title", "then"), [
    ("client-growth", "Yes, show me", "utter_ask_age"),
    ("client-mature", "Yes, arrange a review", "utter_handoff"),
    ("client-mature", "Not now", "utter_anything_else"),
    ("client-first-weeks", "4", "utter_thanks_for_rating"),
])
def test_each_stage_button_leads_to_its_flow(advisor, demo, username, title, then):
    visit = Visit(advisor, demo, username, f"clicking {title}")
    reply = visit.say(button(visit.say("hello"), title))
    assert response_names(reply) == [then]


def test_the_exit_interview_one_question_at_a_time_then_a_person(advisor, demo):
    visit = Visit(advisor, demo, "client-exit-survey", "interview")
    greeting = visit.say("hello")
    assert response_names(greeting)[-2:] == ["utter_exit_interview_start", "utter_ask_exit_reason"]
    assert matches_reply(greeting[-2:-1], "utter_exit_interview_start", questions=3)
    asked = visit.say(button(greeting, "The service"))
    assert response_names(asked) == ["utter_ask_exit_return_likelihood"]
    assert response_names(visit.say("twelve")) == ["utter_invalid_return_likelihood",
                                                   "utter_ask_exit_return_likelihood"]
    last = visit.say("3")
    assert response_names(last) == ["utter_ask_exit_improvement"]
    assert response_names(visit.say("tell me sooner when markets fall")) == [
        "utter_exit_survey_thanks", "utter_offer_human_contact"]
    handed = visit.say("yes please")
    answers = [(a.question, a.answer, a.client_id) for a in records(advisor, SurveyAnswer,
                                                                    visit.sender)]
    assert answers == [("reason", "service", visit.client_id), ("return_likelihood", "3", visit.client_id),
                       ("improvement", "tell me sooner when markets fall", visit.client_id)]
    [handoff] = records(advisor, HandoffRequest, visit.sender)
    assert handoff.reason == "leaving"
    assert matches_reply(handed, "utter_handoff", reference=handoff.id)
    offers = [(o.offer, o.answer) for o in records(advisor, OfferRecord, visit.sender)]
    assert offers == [("exit_survey", None), ("exit_survey", "accepted")]


def test_a_declined_offer_leads_to_the_interview_and_a_person_on_request(advisor, demo):
    visit = Visit(advisor, demo, "client-premium-service", "declining")
    declined = visit.say(button(visit.say("hi"), "No, thanks"))
    assert response_names(declined) == ["utter_retention_declined", "utter_ask_exit_reason"]
    asked = visit.say("the returns were poor last year")
    assert response_names(asked) == ["utter_ask_exit_return_likelihood"]
    handed = visit.say(button(declined, "Talk to a person"))
    [handoff] = records(advisor, HandoffRequest, visit.sender)
    assert matches_reply(handed, "utter_handoff", reference=handoff.id)
    offers = [(o.offer, o.answer) for o in records(advisor, OfferRecord, visit.sender)]
    assert offers == [("premium_extension", None), ("premium_extension", "declined")]
    # The answer given before the client asked for a person is kept for the adviser.
    kept = [(a.question, a.answer) for a in records(advisor, SurveyAnswer, visit.sender)]
    assert kept == [("reason", "performance")]


def test_a_request_for_chinese_mid_interview_asks_the_question_again_in_chinese(advisor, demo):
    visit = Visit(advisor, demo, "client-exit-survey", "interview-in-chinese")
    greeting = visit.say("hello")
    asked = visit.say(button(greeting, "The service"))
    assert response_names(asked) == ["utter_ask_exit_return_likelihood"]
    switched = visit.say("请用中文")
    assert response_names(switched, "zh") == ["utter_language_switched",
                                              "utter_ask_exit_return_likelihood"]
    assert response_names(visit.say("三"), "zh") == ["utter_ask_exit_improvement"]
    assert response_names(visit.say("English please"), "en") == [
        "utter_language_switched", "utter_ask_exit_improvement"]
    visit.say("tell me sooner when markets fall")
    # Neither request is kept as an answer, and the answer given before them stays.
    answers = [(a.question, a.answer) for a in records(advisor, SurveyAnswer, visit.sender)]
    assert answers == [("reason", "service"), ("return_likelihood", "3"),
                       ("improvement", "tell me sooner when markets fall")]


def test_a_request_for_chinese_before_the_rating_asks_for_it_in_chinese(advisor, demo):
    visit = Visit(advisor, demo, "client-first-weeks", "rating-in-chinese")
    assert response_names(visit.say("hello"))[-1] == "utter_ask_rating"
    assert response_names(visit.say("可以说中文吗"), "zh") == ["utter_language_switched",
                                                            "utter_ask_rating"]
    assert response_names(visit.say("5分"), "zh")[0] == "utter_thanks_for_rating"
    [rating] = [a.answer for a in records(advisor, SurveyAnswer, visit.sender)]
    assert rating == "5"
