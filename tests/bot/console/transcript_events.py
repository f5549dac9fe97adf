"""Conversations for the transcript view's tests, written into a database by Rasa's own SQL
tracker store (tests/bot/rasa_tracker_writer.py): an onboarding that fills the form, is reset by
the project's own reset action (actions.onboarding.reset_events) and is filled again, with a
doubtful message and a fallback; and a long conversation of a given number of messages."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from actions.onboarding import reset_events

ROOT = Path(__file__).resolve().parents[3]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
WRITER = ROOT / "tests" / "bot" / "rasa_tracker_writer.py"
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()
BUTTONS = [{"title": "Retirement", "payload": "/choose_goal{\"goal\":\"retirement\"}"},
           {"title": "Education", "payload": "/choose_goal{\"goal\":\"education\"}"}]


def at(second: int) -> float:
    return START + second


def reset_turns(second: int) -> list[list]:
    """The slot events the project's reset action returns, as Rasa stores them."""
    return [["action", at(second), "action_reset_onboarding"]] + [
        ["slot", at(second), e["name"], e["value"]] for e in reset_events()]


def onboarding_with_a_reset(sender: str = "reset-twice") -> dict:
    turns = [
        ["user", at(0), "hello", "greet", 0.98, {}],
        ["action", at(1), "utter_greet_prospect"],
        ["bot", at(1), "Hello! What are you saving for?", BUTTONS, None],
        ["action", at(1), "action_listen"],
        ["user", at(10), "I'm 42 and saving for retirement", "inform", 0.91, {}],
        ["action", at(11), "onboarding_form"],
        ["slot", at(11), "age", 42], ["slot", at(11), "goal", "retirement"],
        ["bot", at(12), "How many years until you need the money?", None, None],
        ["action", at(12), "action_listen"],
        ["user", at(20), "hmm not sure what you mean", "inform", 0.31, {}],
        ["action", at(21), "onboarding_form"],
        ["bot", at(21), "How many years until you need the money?", None, None],
        ["action", at(21), "action_listen"],
        ["user", at(30), "let me start over", "restart_onboarding", 0.88, {}],
        *reset_turns(31),
        ["action", at(31), "onboarding_form"],
        ["bot", at(32), "How old are you?", None, None],
        ["action", at(32), "action_listen"],
        ["user", at(40), "asdfgh", "nlu_fallback", 0.22, {}],
        ["action", at(41), "action_default_fallback"],
        ["bot", at(41), "Sorry, I did not understand.", None, None],
        ["action", at(41), "action_listen"],
        ["user", at(50), "35", "inform", 0.6, {}],
        ["action", at(51), "onboarding_form"],
        ["slot", at(51), "age", 35],
        ["bot", at(52), "What are you saving for?", BUTTONS, None],
    ]
    return {"sender": sender, "turns": turns}


def puzzled() -> dict:
    """A client who did not follow the greeting's offer ("嗯？"), was told it again and took it."""
    offer = "Shall we start with a recommendation for you?"
    return {"sender": "puzzled", "turns": [
        ["user", at(0), "hello", "greet", 0.98, {}],
        ["bot", at(1), offer, None, None],
        ["user", at(10), "嗯？", "not_following", 1.0, {}],
        ["action", at(11), "action_say_again"],
        ["bot", at(11), "Of course, here it is again.", None, None],
        ["bot", at(11), offer, None, None],
        ["user", at(20), "ok", "affirm", 0.99, {}],
    ]}


def long_conversation(sender: str, messages: int) -> dict:
    """``messages`` messages, user and bot in turn, each user message filling a slot."""
    turns: list[list] = []
    for n in range(messages):
        if n % 2 == 0:
            turns += [["user", at(10 * n), f"message {n}", "inform", 0.9, {}],
                      ["action", at(10 * n + 1), "onboarding_form"],
                      ["slot", at(10 * n + 1), "age", 20 + n % 50]]
        else:
            turns += [["bot", at(10 * n), f"reply {n}", None, None],
                      ["action", at(10 * n), "action_listen"]]
    return {"sender": sender, "turns": turns}


def write(database: Path, conversations: list[dict], folder: Path) -> None:
    """Write the conversations into the SQLite file ``database`` through Rasa's tracker store."""
    spec = folder / "transcript-conversations.json"
    spec.write_text(json.dumps(conversations))
    subprocess.run([str(RASA_PYTHON), str(WRITER), str(database), str(spec)], check=True,
                   capture_output=True, timeout=300)
