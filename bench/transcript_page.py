"""Time of the staff transcript page on a long conversation.

Writes one conversation of ``--messages`` messages into a fresh temporary SQLite database, in the
rows Rasa's SQL tracker store writes (user messages with their parse data, bot messages with
buttons, actions, slot events, and every tenth exchange a form reset clearing the onboarding
slots), with a recommendation on record. A signed-in member of staff then opens the transcript
through the web app (FastAPI's test client: routing, the queries, folding and the HTML), and the
median of ``--runs`` requests is printed, in milliseconds, for the first and the last page.

Run: ``.venv/bin/python -m bench.transcript_page [--messages 500] [--runs 15]``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from actions.onboarding import reset_events
from bench.staff_console import rasa_events_table
from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from db.session import make_engine, session_scope
from db.suitability import suitability_record
from db.transcript_pages import PAGE_SIZE
from demo.accounts import seed_accounts
from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers

SENDER = "long-conversation"
START = datetime(2026, 11, 1, 9, tzinfo=UTC).timestamp()
BUTTONS = [{"title": "Retirement", "payload": "/choose_goal"},
           {"title": "Education", "payload": "/choose_goal"}]


def rows(messages: int) -> list[dict]:
    """The events of one conversation of ``messages`` messages, as Rasa stores them."""
    out: list[dict] = []

    def add(type_name, t, data, intent=None, action=None):
        out.append({"sender_id": SENDER, "type_name": type_name, "timestamp": START + t,
                    "intent_name": intent, "action_name": action,
                    "data": json.dumps({"event": type_name, "timestamp": START + t, **data})})

    for n in range(messages):
        t = 10.0 * n
        if n % 2 == 0:
            text = f"I am {20 + n % 50} and saving for retirement"
            add("user", t, {"text": text, "parse_data": {
                "text": text, "intent": {"name": "inform", "confidence": 0.3 + (n % 7) / 10},
                "entities": []}, "input_channel": "rest"}, intent="inform")
            add("action", t + 1, {"name": "onboarding_form"}, action="onboarding_form")
            add("slot", t + 1, {"name": "age", "value": 20 + n % 50})
            add("slot", t + 1, {"name": "goal", "value": "retirement"})
            if n % 20 == 18:
                add("action", t + 2, {"name": "action_reset_onboarding"},
                    action="action_reset_onboarding")
                for event in reset_events():
                    add("slot", t + 2, {"name": event["name"], "value": event["value"]})
        else:
            add("bot", t, {"text": f"Thank you. Question {n}?",
                           "data": {"buttons": BUTTONS}})
            add("action", t + 1, {"name": "action_listen"}, action="action_listen")
    return out


def build(url: str, messages: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    metadata = sa.MetaData()
    events = rasa_events_table(metadata)
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(events.insert(), rows(messages))
    rec = recommend(InvestorProfile(age=35, goal="retirement", horizon_years=30,
                                    risk_answers=middle_answers(), initial_amount=50_000))
    with session_scope(engine) as session:
        seed_accounts(session)
        record = suitability_record(rec, conversation_id=SENDER, client_id=None,
                                    trigger="onboarding")
        record.created_at = datetime.fromtimestamp(START + 10.0 * messages - 5, UTC).replace(
            tzinfo=None)
        session.add(record)
    engine.dispose()


def signed_in(url: str) -> TestClient:
    client = TestClient(create_app(Settings(database_url=url)))
    form = client.get("/staff/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/staff/signin", data={
        "username": "reviewer", "password": "review-demo-2026", "csrf_token": token},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def median_ms(client: TestClient, path: str, runs: int) -> float:
    times = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(times[1:])  # the first request warms the template cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'advisor.db'}"
        build(url, args.messages)
        client = signed_in(url)
        last = -(-args.messages // PAGE_SIZE)
        first = median_ms(client, f"/staff/conversations/{SENDER}", args.runs)
        final = median_ms(client, f"/staff/conversations/{SENDER}?page={last}", args.runs)
        client.close()
    print(f"staff transcript, {args.messages} messages, pages of {PAGE_SIZE}: median of "
          f"{args.runs} requests: first page {first:.1f} ms, last page ({last}) {final:.1f} ms")


if __name__ == "__main__":
    main()
