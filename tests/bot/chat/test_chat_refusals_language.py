"""The chat gateway's refusals (too many messages, the advisor down, a text it cannot take) in the
language of the page the message is typed on, with the same JSON shape in every language."""

from __future__ import annotations

import pytest

from bot.chat.routes import UNAVAILABLE
from bot.chat.schemas import MAX_CHAT_TEXT
from bot.i18n import COOKIE

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


def test_too_many_messages_are_refused_in_chinese(make_client, rasa_stand_in):
    client = make_client(rasa_url=rasa_stand_in.url, chat_rate_limit=1, chat_rate_window_seconds=60)
    assert client.post("/api/chat", json={"text": "你好"}, headers=CHINESE).status_code == 200
    limited = client.post("/api/chat", json={"text": "在吗"}, headers=CHINESE)
    seconds = int(limited.headers["retry-after"])
    assert limited.status_code == 429
    assert limited.json() == {"detail": f"您发送消息过于频繁，请等待{seconds}秒后再发送。"}


def test_the_advisor_down_is_said_in_the_language_of_the_site_s_switch(make_client):
    client = make_client()  # no Rasa server listens at the default test address
    client.cookies.set(COOKIE, "zh")
    down = client.post("/api/chat", json={"text": "你好"})
    assert down.status_code == 503
    assert down.json() == {"detail": "智能顾问暂时无法为您服务。您的消息已为您保留，请几分钟后再试。",
                           "kept": True}
    client.cookies.set(COOKIE, "en")
    assert client.post("/api/chat", json={"text": "hi"}).json() == {"detail": UNAVAILABLE,
                                                                     "kept": True}


@pytest.mark.parametrize(("text", "message"), [
    ("", "text: 不能为空"),
    ("  \n ", "text: 不能为空"),
    ("x" * (MAX_CHAT_TEXT + 1), "text: 最多2,000个字符，您输入了2,001个"),
    ("你好\x00", "text: 不能包含控制字符（发现 U+0000）"),
])
def test_a_text_the_chat_cannot_take_is_refused_in_chinese_naming_the_field(make_client,
                                                                             rasa_stand_in, text,
                                                                             message):
    client = make_client(rasa_url=rasa_stand_in.url)
    refused = client.post("/api/chat", json={"text": text}, headers=CHINESE)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["msg"] == message
    assert (error["field"], error["loc"]) == ("text", ["body", "text"])
    assert error["type"].startswith("chat_text_")
    english = client.post("/api/chat", json={"text": text}, headers={"Accept-Language": "en"})
    [same] = english.json()["detail"]
    assert {k: v for k, v in same.items() if k != "msg"} == {
        k: v for k, v in error.items() if k != "msg"}
    assert rasa_stand_in.received == []
