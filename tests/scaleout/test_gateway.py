"""The web app spreads chat messages over several Rasa servers (RASA_URLS), skipping dead ones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.chat.routes import UNAVAILABLE
from bot.settings import Settings
from harness.advisor import free_port as closed_port


def say(client, text):
    return client.post("/api/chat", json={"text": text})


def test_messages_go_to_the_servers_in_turn(web_app, rasa_stand_ins):
    first, second = rasa_stand_ins("first"), rasa_stand_ins("second")
    client = web_app(rasa_urls=f"{first.url}, {second.url}")
    heard = [say(client, f"message {n}").json()["messages"][0]["text"] for n in range(4)]
    assert heard == ["first heard you", "second heard you"] * 2
    # One conversation throughout, whichever server took the turn.
    senders = {sender for sender, _ in first.received + second.received}
    assert len(senders) == 1
    assert [text for _, text in first.received] == ["message 0", "message 2"]
    assert [text for _, text in second.received] == ["message 1", "message 3"]


def test_a_server_that_refuses_connections_is_skipped(web_app, rasa_stand_ins):
    alive = rasa_stand_ins("alive")
    client = web_app(rasa_urls=f"http://127.0.0.1:{closed_port()},{alive.url}")
    responses = [say(client, f"message {n}") for n in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [text for _, text in alive.received] == ["message 0", "message 1", "message 2"]


def test_no_server_reachable_keeps_the_message_and_says_so(web_app):
    client = web_app(rasa_urls=f"http://127.0.0.1:{closed_port()},http://127.0.0.1:{closed_port()}")
    response = say(client, "hello")
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE, "kept": True}


def test_rasa_urls_replace_rasa_url_and_must_be_http():
    settings = Settings(rasa_url="http://127.0.0.1:5005",
                        rasa_urls="http://127.0.0.1:5006,http://127.0.0.1:5007")
    assert settings.rasa_servers == ["http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    assert Settings(rasa_url="http://127.0.0.1:5005").rasa_servers == ["http://127.0.0.1:5005"]
    with pytest.raises(ValidationError, match="RASA_URLS: '127.0.0.1:5006' is not an http"):
        Settings(rasa_urls="127.0.0.1:5006")
    with pytest.raises(ValidationError, match="REDIS_URL"):
        Settings(redis_url="127.0.0.1:6379")
