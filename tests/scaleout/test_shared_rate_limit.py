"""With REDIS_URL, every web worker counts one session's chat messages together."""

from __future__ import annotations

import time

import redis

from bot.auth.sessions import COOKIE_NAME
from bot.chat.rate_limit import RedisWindowLimiter
from harness.advisor import free_port as closed_port


def test_two_workers_share_one_sessions_limit(web_app, rasa_stand_ins, redis_url):
    rasa = rasa_stand_ins("rasa")
    limits = {"rasa_url": rasa.url, "redis_url": redis_url, "chat_rate_limit": 3,
              "chat_rate_window_seconds": 60}
    worker_a, worker_b = web_app(**limits), web_app(**limits)
    assert worker_a.post("/api/chat", json={"text": "one"}).status_code == 200
    # The same browser's next messages land on the other worker.
    worker_b.cookies.set(COOKIE_NAME, worker_a.cookies[COOKIE_NAME])
    assert worker_b.post("/api/chat", json={"text": "two"}).status_code == 200
    assert worker_a.post("/api/chat", json={"text": "three"}).status_code == 200
    refused = worker_b.post("/api/chat", json={"text": "four"})
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json()["detail"] == f"Too many messages: please wait {wait} s before sending another."
    assert [text for _, text in rasa.received] == ["one", "two", "three"]


def test_two_workers_share_one_address_limit(web_app, rasa_stand_ins, redis_url):
    redis.Redis.from_url(redis_url).flushdb()  # this address's messages in the tests before
    rasa = rasa_stand_ins("rasa")
    limits = {"rasa_url": rasa.url, "redis_url": redis_url, "chat_rate_limit": 100,
              "chat_address_rate_limit": 3, "chat_rate_window_seconds": 60}
    workers = [web_app(**limits), web_app(**limits)]
    codes = []
    for i in range(4):  # a new session each time, alternating workers, from one address
        worker = workers[i % 2]
        worker.cookies.clear()
        codes.append(worker.post("/api/chat", json={"text": f"m{i}"}).status_code)
    assert codes == [200, 200, 200, 429]
    assert [text for _, text in rasa.received] == ["m0", "m1", "m2"]


def test_without_redis_each_worker_counts_alone(web_app, rasa_stand_ins):
    rasa = rasa_stand_ins("rasa")
    limits = {"rasa_url": rasa.url, "chat_rate_limit": 1, "chat_rate_window_seconds": 60}
    worker_a, worker_b = web_app(**limits), web_app(**limits)
    assert worker_a.post("/api/chat", json={"text": "one"}).status_code == 200
    worker_b.cookies.set(COOKIE_NAME, worker_a.cookies[COOKIE_NAME])
    assert worker_b.post("/api/chat", json={"text": "two"}).status_code == 200
    assert worker_a.post("/api/chat", json={"text": "three"}).status_code == 429


def test_the_window_slides(redis_url):
    limiter = RedisWindowLimiter(redis_url, limit=2, window=0.5, prefix="test-window:")
    assert limiter.hit("visitor") is None
    assert limiter.hit("visitor") is None
    wait = limiter.hit("visitor")
    assert wait is not None and 0 < wait <= 0.5
    assert limiter.hit("someone else") is None
    time.sleep(wait + 0.05)
    assert limiter.hit("visitor") is None


def test_an_unreachable_redis_lets_messages_through():
    limiter = RedisWindowLimiter(f"redis://127.0.0.1:{closed_port()}/0", limit=1, window=60)
    assert limiter.hit("visitor") is None
    assert limiter.hit("visitor") is None
