"""The chat gateway.

Rasa-down tests point RASA_URL at a closed local port, for real. The other tests talk to
``rasa_stand_in``, a real HTTP server started on 127.0.0.1 that answers like Rasa's REST channel:
it checks the gateway's half of the exchange (conversation id, metadata, translation of replies),
and is no substitute for Rasa itself in end-to-end tests.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.auth.sessions import COOKIE_NAME
from bot.chat.rate_limit import SlidingWindowLimiter
from bot.chat.routes import UNAVAILABLE
from bot.chat.schemas import MAX_CHAT_TEXT
from bot.i18n import COOKIE
from bot.settings import Settings


def conversation_ids(db_engine) -> list[str]:
    with db_engine.connect() as connection:
        return connection.execute(sa.text("SELECT conversation_id FROM web_sessions")).scalars().all()


def undelivered(db_engine) -> list[tuple]:
    with db_engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT conversation_id, text, reason FROM undelivered_messages ORDER BY id")
        ).all()


def test_rasa_down_gives_503_keeps_the_message_and_the_app_keeps_serving(make_client, db_engine):
    client = make_client()  # RASA_URL is a closed port
    response = client.post("/api/chat", json={"text": "I want to invest for retirement"})
    assert response.status_code == 503
    # The chat's own message, not the one for a database that is down.
    assert response.json()["detail"] == UNAVAILABLE
    assert response.json()["kept"] is True
    [(conversation, text, reason)] = undelivered(db_engine)
    assert text == "I want to invest for retirement"
    assert conversation == conversation_ids(db_engine)[0]
    assert reason == "no Rasa server reachable (cannot reach Rasa: ConnectError)"
    again = client.post("/api/chat", json={"text": "hello?"})
    assert again.status_code == 503
    assert client.get("/api/v1/questions").status_code == 200
    assert [row[1] for row in undelivered(db_engine)] == ["I want to invest for retirement", "hello?"]


def test_replies_are_translated_without_fields_that_do_not_apply(make_client, rasa_stand_in):
    allocation = {"type": "allocation", "weights": {"us_equity": 0.6, "cash": 0.4}}
    rasa_stand_in.reply = [
        {"recipient_id": "abc", "text": "Hello! What is your goal?",
         "buttons": [{"title": "Retirement", "payload": "/inform{\"goal\": \"retirement\"}"}]},
        {"recipient_id": "abc", "custom": allocation},
        {"recipient_id": "abc"},
    ]
    response = make_client(rasa_url=rasa_stand_in.url).post("/api/chat", json={"text": "hi"})
    assert response.status_code == 200
    assert response.json() == {"messages": [
        {"text": "Hello! What is your goal?",
         "buttons": [{"title": "Retirement", "payload": "/inform{\"goal\": \"retirement\"}"}]},
        {"custom": allocation},
    ]}


def test_the_conversation_id_comes_from_the_session_not_the_client(
    make_client, rasa_stand_in, db_engine
):
    client = make_client(rasa_url=rasa_stand_in.url)
    client.post("/api/chat", json={"text": "hi"})
    client.post("/api/chat", json={"text": "again"})
    forged = client.post("/api/chat", json={"text": "hi", "sender": "someone-else"})
    assert forged.status_code == 422 and forged.json()["detail"][0]["field"] == "sender"
    [first, second] = [r["body"] for r in rasa_stand_in.received]
    assert rasa_stand_in.received[0]["path"] == "/webhooks/rest/webhook"
    assert first["sender"] == second["sender"] == conversation_ids(db_engine)[0]
    assert first["message"] == "hi"
    # An anonymous visitor is a prospect: no client id, only the page's language.
    assert first["metadata"] == {"page_language": "en"}


def test_each_message_carries_the_language_of_the_page_it_is_typed_on(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url)
    client.post("/api/chat", json={"text": "hi"})  # no preference: English
    client.post("/api/chat", json={"text": "你好"},
                headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    # The site's switch (its cookie) wins over the browser's preference.
    client.cookies.set(COOKIE, "en")
    client.post("/api/chat", json={"text": "hello"}, headers={"Accept-Language": "zh-CN"})
    client.cookies.set(COOKIE, "zh")
    client.post("/api/chat", json={"text": "hello"}, headers={"Accept-Language": "en-GB"})
    client.cookies.set(COOKIE, "klingon")  # a forged cookie: the browser's preference decides
    client.post("/api/chat", json={"text": "hello"}, headers={"Accept-Language": "zh-TW"})
    sent = [r["body"]["metadata"] for r in rasa_stand_in.received]
    assert sent == [{"page_language": language} for language in ("en", "zh", "en", "zh", "zh")]
    # The request body cannot pick it: only {"text"} is accepted.
    forged = client.post("/api/chat", json={"text": "hi", "metadata": {"page_language": "en"}})
    assert forged.status_code == 422 and forged.json()["detail"][0]["field"] == "metadata"


def test_each_browser_gets_its_own_conversation(make_client, rasa_stand_in):
    make_client(rasa_url=rasa_stand_in.url).post("/api/chat", json={"text": "hi"})
    make_client(rasa_url=rasa_stand_in.url).post("/api/chat", json={"text": "hi"})
    senders = {r["body"]["sender"] for r in rasa_stand_in.received}
    assert len(senders) == 2


def test_restart_starts_a_new_conversation(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url)
    client.post("/api/chat", json={"text": "hi"})
    assert client.post("/api/chat/restart", json={}).json() == {"restarted": True}
    client.post("/api/chat", json={"text": "hi"})
    before, after = (r["body"]["sender"] for r in rasa_stand_in.received)
    assert before != after


def test_session_cookie_is_httponly_samesite_and_signed(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url)
    response = client.post("/api/chat", json={"text": "hi"})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # A tampered cookie is ignored: the visitor gets a new conversation, not someone else's.
    value = client.cookies[COOKIE_NAME]
    client.cookies.set(COOKIE_NAME, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    client.post("/api/chat", json={"text": "hi"})
    first, second = (r["body"]["sender"] for r in rasa_stand_in.received)
    assert first != second


def test_empty_and_too_long_messages_are_refused_naming_the_limit(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url)
    for text in ("", "   \n "):
        response = client.post("/api/chat", json={"text": text})
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == "text: must not be empty"
    too_long = client.post("/api/chat", json={"text": "x" * (MAX_CHAT_TEXT + 1)})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["msg"] == "text: must be at most 2,000 characters, got 2,001"
    assert client.post("/api/chat", json={"text": "x" * MAX_CHAT_TEXT}).status_code == 200
    assert client.post("/api/chat", json={}).status_code == 422
    assert len(rasa_stand_in.received) == 1


def test_chat_needs_a_json_body(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url)
    form = client.post("/api/chat", data={"text": "hi"})
    broken = client.post("/api/chat", content=b'{"text": ', headers={"content-type": "application/json"})
    assert form.status_code == 415
    assert broken.status_code == 400
    assert rasa_stand_in.received == []


def test_rate_limit_per_session(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url, chat_rate_limit=3, chat_rate_window_seconds=60)
    codes = [client.post("/api/chat", json={"text": f"m{i}"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.post("/api/chat", json={"text": "more"})
    seconds = int(limited.headers["retry-after"])
    assert seconds >= 1
    assert limited.json()["detail"] == (
        f"Too many messages: please wait {seconds} s before sending another.")
    # Another browser has its own allowance.
    other = make_client(rasa_url=rasa_stand_in.url, chat_rate_limit=3)
    assert other.post("/api/chat", json={"text": "hi"}).status_code == 200


def test_rate_limit_per_address_holds_across_new_sessions(make_client, rasa_stand_in):
    # A script that drops its cookie gets a new session each time, but not a new address.
    client = make_client(rasa_url=rasa_stand_in.url, chat_rate_limit=100,
                         chat_address_rate_limit=3, chat_rate_window_seconds=60)
    codes = []
    for i in range(4):
        client.cookies.clear()
        codes.append(client.post("/api/chat", json={"text": f"m{i}"}).status_code)
    assert codes == [200, 200, 200, 429]
    assert [r["body"]["message"] for r in rasa_stand_in.received] == ["m0", "m1", "m2"]


def test_default_limits_stop_a_script_but_never_a_person_clicking_every_two_seconds():
    settings = Settings(database_url="sqlite://")
    assert settings.chat_address_limit == 4 * settings.chat_rate_limit

    def refusals(interval: float, seconds: float, limit: int) -> list[float]:
        now = [0.0]
        limiter = SlidingWindowLimiter(limit, settings.chat_rate_window_seconds,
                                       clock=lambda: now[0])
        refused = []
        while now[0] < seconds:
            if limiter.hit("one session") is not None:
                refused.append(now[0])
            now[0] += interval
        return refused

    # A person clicking a button every 2 s for ten minutes is never refused.
    assert refusals(2.0, 600, settings.chat_rate_limit) == []
    # A script sending one message a second is refused within its first minute.
    refused = refusals(1.0, 600, settings.chat_rate_limit)
    assert refused and refused[0] < 60
    # A script sending five a second on ever new sessions meets the address's limit within a minute.
    refused = refusals(0.2, 120, settings.chat_address_limit)
    assert refused and refused[0] < 60


def test_rasa_errors_timeouts_and_empty_replies_are_unavailable(
    make_client, rasa_stand_in, db_engine
):
    client = make_client(rasa_url=rasa_stand_in.url, rasa_timeout_seconds=0.5)
    rasa_stand_in.status = 500
    assert client.post("/api/chat", json={"text": "one"}).status_code == 503
    rasa_stand_in.status, rasa_stand_in.reply = 200, []
    assert client.post("/api/chat", json={"text": "two"}).status_code == 503
    rasa_stand_in.reply = {"not": "a list"}
    assert client.post("/api/chat", json={"text": "three"}).status_code == 503
    rasa_stand_in.reply, rasa_stand_in.delay = [{"text": "late"}], 1.5
    assert client.post("/api/chat", json={"text": "four"}).status_code == 503
    reasons = {text: reason for _, text, reason in undelivered(db_engine)}
    assert reasons["one"] == "Rasa answered HTTP 500"
    assert reasons["two"] == "Rasa sent no reply (is the action server running?)"
    assert reasons["three"] == "Rasa's reply is not a list of messages"
    assert reasons["four"] == "no reply within 0.5 s"
