"""lexicon/greetings.py: the greetings a message opens with are the greeting intent's short
examples, and the rest after them is found only when it says something of its own."""

from __future__ import annotations

import pytest

from lexicon.greetings import greetings, rest_after_greeting

KNOWN = greetings(["hi", "Hi there!", "hello", "good morning", "你好", "您好！", "嗨～", "在吗？",
                   "hello, I'm new here and want to learn", "你好，我是新来的", "nh"])


def test_greetings_are_the_short_examples_folded_and_bare_longest_first():
    assert KNOWN == ["good morning", "hi there", "hello", "hi", "nh", "你好", "在吗", "您好", "嗨"]


@pytest.mark.parametrize(("text", "rest"), [
    ("您好，请问怎么开户", "请问怎么开户"),
    ("你好你好我想做个规划", "我想做个规划"),
    ("嗨～～我想开户", "我想开户"),
    ("nh 我想开户", "我想开户"),
    ("ＨＩ，我想开户", "我想开户"),
    ("Hi there, what are the fees", "what are the fees"),
    ("  hello! Good morning, how do I open an account?", "how do I open an account?"),
])
def test_the_rest_after_the_greetings_a_message_opens_with(text, rest):
    at = rest_after_greeting(text, KNOWN)
    assert at is not None and text[at:] == rest


@pytest.mark.parametrize("text", [
    # Nothing, or too little, after the greeting.
    "您好", "你好呀", "hi, fees?", "hello!!",
    # No greeting first, or one that is only the start of a word.
    "请问怎么开户", "hire me an adviser", "history of returns", "what are the fees, hi",
])
def test_no_rest_without_a_greeting_and_something_after_it(text):
    assert rest_after_greeting(text, KNOWN) is None
