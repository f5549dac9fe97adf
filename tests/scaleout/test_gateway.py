"""The web app spreads chat messages over several Rasa servers (RASA_URLS), skipping dead ones:
each conversation to its own server (RASA_ROUTING=conversation, the default) or the servers in turn
(RASA_ROUTING=turns)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.chat import rasa_gateway
from bot.chat.routes import UNAVAILABLE
from bot.settings import Settings
from harness.advisor import free_port as closed_port


def say(client, text):
    return client.post("/api/chat", json={"text": text})


def test_each_conversation_stays_with_one_server(web_app, rasa_stand_ins):
    first, second = rasa_stand_ins("first"), rasa_stand_ins("second")
    urls = f"{first.url},{second.url}"
    for person in range(12):
        client = web_app(rasa_urls=urls)  # a browser of its own: a conversation of its own
        heard = {say(client, f"person {person} message {n}").json()["messages"][0]["text"]
                 for n in range(3)}
        assert len(heard) == 1, f"person {person}'s turns went to {heard}"
    by_server = [{sender for sender, _ in server.received} for server in (first, second)]
    assert not by_server[0] & by_server[1]
    assert len(by_server[0] | by_server[1]) == 12


def test_the_servers_share_the_conversations():
    servers = rasa_gateway.RasaServers(["http://127.0.0.1:5005", "http://127.0.0.1:5006"])
    firsts = [servers.order(f"conversation-{n}")[0] for n in range(1000)]
    assert 450 <= firsts.count("http://127.0.0.1:5005") <= 550


def test_the_conversation_server_is_the_same_in_every_web_worker():
    urls = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    one, other = rasa_gateway.RasaServers(urls), rasa_gateway.RasaServers(list(reversed(urls)))
    firsts = {one.order(f"conversation-{n}")[0] for n in range(60)}
    assert firsts == set(urls)
    for n in range(60):
        assert one.order(f"conversation-{n}") == other.order(f"conversation-{n}")
    # Adding a server moves only the conversations the new server now ranks first.
    more = rasa_gateway.RasaServers([*urls, "http://127.0.0.1:5008"])
    for n in range(60):
        before, after = one.order(f"conversation-{n}")[0], more.order(f"conversation-{n}")[0]
        assert after in (before, "http://127.0.0.1:5008")


def test_messages_go_to_the_servers_in_turn(web_app, rasa_stand_ins):
    first, second = rasa_stand_ins("first"), rasa_stand_ins("second")
    client = web_app(rasa_urls=f"{first.url}, {second.url}", rasa_routing="turns")
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
    assert Settings().rasa_routing == "conversation"
    with pytest.raises(ValidationError, match="rasa_routing"):
        Settings(rasa_routing="random")
