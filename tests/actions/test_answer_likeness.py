"""The likeness reading of actions/answer_likeness.py: the option whose phrases a text is most
like, if it is likely enough and shares two characters in a row with that option's phrases."""

from __future__ import annotations

import pytest

from actions.answer_likeness import Likeness

PHRASES = {
    "calm": ["不慌", "很淡定", "心态平和", "稳得住"],
    "nervous": ["很紧张", "心慌慌", "睡不着觉", "坐立不安"],
}


@pytest.fixture(scope="module")
def likeness():
    return Likeness(PHRASES)


def test_a_text_is_read_as_the_option_it_is_most_like(likeness):
    assert likeness.likeliest("我一直挺淡定的", 0.5) == "calm"
    assert likeness.likeliest("晚上都睡不着", 0.5) == "nervous"


def test_probabilities_cover_every_option_and_sum_to_one(likeness):
    probabilities = likeness.probabilities("心态还算平和")
    assert set(probabilities) == set(PHRASES)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert probabilities["calm"] > probabilities["nervous"]


def test_an_unlikely_or_unshared_text_is_not_read(likeness):
    # Above any probability a two-way model can give: nothing is read.
    assert likeness.likeliest("我一直挺淡定的", 1.0) is None
    # Characters never seen in any phrase: no features, no reading.
    assert likeness.probabilities("abc") == {}
    assert likeness.likeliest("abc", 0.5) is None
    # One character in common (心) but no pair in a row: not read, however likely.
    assert likeness.likeliest("心", 0.0) is None


def test_one_option_alone_reads_nothing():
    assert Likeness({"only": ["很淡定"]}).likeliest("很淡定", 0.5) is None
