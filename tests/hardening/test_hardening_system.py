"""Faults and bad input against the whole running system: web app, Rasa server, action server and
database (see system.py). The servers are started once for the module (Rasa's start-up is slow);
the tests run in file order and the fault tests leave every server running again.
"""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from corpus import ACCEPTED, FORMULA_STARTS, REFUSED, assert_escaped
from sqlalchemy import create_engine, select, text
from support.responses import matches_response, response_names

from bot.chat.routes import UNAVAILABLE
from db.review import UndeliveredMessage
from db.session import session_scope
from harness.system import conversation_id, running_system, say, texts

ONBOARDING_START = ["hello", "yes, let's start", "thirty-five", "for my retirement"]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("system")) as running:
        yield running


def stored_turns(system, conversation: str) -> list[tuple[str, str]]:
    """("user" | "bot", text) of the conversation as Rasa's SQL tracker store wrote them."""
    engine = create_engine(system.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT type_name, data FROM events WHERE sender_id = :s "
            "AND type_name IN ('user', 'bot') ORDER BY id"), {"s": conversation}).all()
    engine.dispose()
    return [(kind, json.loads(data).get("text") or "") for kind, data in rows]


def slots(system, conversation: str) -> dict:
    return system.tracker(conversation)["slots"]


def sign_in_staff(system) -> httpx.Client:
    browser = system.browser()
    page = browser.get("/staff/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post("/staff/signin", data={"username": "reviewer",
                                                   "password": "review-demo-2026",
                                                   "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    return browser


@pytest.mark.slow
def test_the_first_message_of_a_conversation_is_stored(system):
    browser = system.browser()
    first = say(browser, "hello")
    assert first.status_code == 200
    assert response_names(first.json()["messages"]) == ["utter_greet_prospect"]
    turns = stored_turns(system, conversation_id(system, browser))
    assert turns[0] == ("user", "hello")
    assert [t for k, t in turns if k == "bot"] == [m.get("text") or ""
                                                   for m in first.json()["messages"]]


@pytest.mark.slow
def test_the_bad_input_corpus_through_the_chat(system):
    browser = system.browser()
    for message in ONBOARDING_START[:2]:
        assert say(browser, message).status_code == 200
    for name, message in REFUSED.items():
        response = say(browser, message)
        assert response.status_code == 422, f"{name}: {response.text[:200]}"
        assert response.json()["detail"][0]["field"] == "text"
    for name, message in ACCEPTED.items():
        response = say(browser, message)
        assert response.status_code == 200, f"{name}: {response.text[:200]}"
        # A reply of the dialogue: every text one of the domain's responses, in English or, after
        # the message written in Chinese switched the conversation, in Chinese.
        messages = response.json()["messages"]
        replies = [english or chinese for english, chinese in zip(
            response_names(messages), response_names(messages, "zh"), strict=True)]
        assert replies and None not in replies, f"{name}: {texts(response)!r}"
    conversation = conversation_id(system, browser)
    stored = [t for kind, t in stored_turns(system, conversation) if kind == "user"]
    assert stored == ONBOARDING_START[:2] + list(ACCEPTED.values())

    staff = sign_in_staff(system)
    page = staff.get(f"/staff/conversations/{conversation}")
    assert page.status_code == 200
    assert_escaped(page.text)
    exported = staff.get(f"/staff/conversations/{conversation}/export.csv")
    cells = [c for row in list(csv.reader(io.StringIO(exported.text)))[1:] for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert "'" + ACCEPTED["formula_hyperlink"] in cells
    turns = json.loads(staff.get(f"/staff/conversations/{conversation}/export.json").text)["turns"]
    assert set(ACCEPTED.values()) <= {t["text"] for t in turns}
    assert staff.get("/staff/export.csv").status_code == 200


@pytest.fixture(scope="module")
def onboarding(system):
    """A browser part-way through onboarding: the horizon question is pending."""
    browser = system.browser()
    for message in ONBOARDING_START:
        assert say(browser, message).status_code == 200
    conversation = conversation_id(system, browser)
    assert slots(system, conversation)["requested_slot"] == "horizon_years"
    return browser, conversation


def say_while_down(service, browser, text: str) -> None:
    """Kill ``service``, send ``text`` (it must get the clear 503 and be kept), start it again."""
    service.kill()
    try:
        down = say(browser, text)
    finally:
        service.start()
    assert down.status_code == 503
    assert down.json() == {"detail": UNAVAILABLE, "kept": True}


@pytest.mark.slow
def test_a_killed_action_server_gives_a_clear_message_and_the_form_resumes(system, onboarding):
    browser, conversation = onboarding
    say_while_down(system.actions, browser, "30 years")
    again = say(browser, "30 years")
    assert again.status_code == 200
    assert matches_response(texts(again), "utter_ask_initial_amount")
    state = slots(system, conversation)
    assert (state["age"], state["goal"], state["horizon_years"]) == (35, "retirement", 30)
    assert state["requested_slot"] == "initial_amount"


@pytest.mark.slow
def test_a_restarted_rasa_server_resumes_from_the_tracker_store(system, onboarding):
    browser, conversation = onboarding
    say_while_down(system.rasa, browser, "$50k")
    resumed = say(browser, "$50k")
    assert resumed.status_code == 200
    assert matches_response(texts(resumed), "utter_ask_monthly_contribution")
    state = slots(system, conversation)
    assert (state["age"], state["goal"], state["horizon_years"]) == (35, "retirement", 30)
    assert state["initial_amount"] == 50_000
    engine = create_engine(system.database_url)
    with session_scope(engine) as session:
        kept = session.scalars(select(UndeliveredMessage.text).where(
            UndeliveredMessage.conversation_id == conversation)
            .order_by(UndeliveredMessage.id)).all()
    engine.dispose()
    assert kept == ["30 years", "$50k"]  # what the user sent while a server was down


@pytest.mark.slow
def test_concurrent_messages_on_one_conversation_are_taken_one_at_a_time(system):
    browser = system.browser()
    assert say(browser, "hello").status_code == 200
    messages = ["yes, let's start", "thirty-five", "for my retirement", "30 years", "$50k",
                "500 a month"]
    with ThreadPoolExecutor(len(messages)) as pool:
        responses = list(pool.map(lambda m: say(browser, m), messages))
    assert [r.status_code for r in responses] == [200] * len(messages)
    turns = stored_turns(system, conversation_id(system, browser))
    users = [t for kind, t in turns if kind == "user"]
    assert users[0] == "hello" and sorted(users[1:]) == sorted(messages)  # none lost or doubled
    # Each reply is the one Rasa gave to that message: turns were not interleaved.
    replies: dict[str, list[str]] = {}
    current = None
    for kind, said in turns:
        if kind == "user":
            current = said
            replies[current] = []
        else:
            replies[current].append(said)
    for message, response in zip(messages, responses, strict=True):
        assert [m.get("text") or "" for m in response.json()["messages"]] == replies[message]
