"""How characters are heard (engine.sounds): the same reading and tone, every reading counted."""

from __future__ import annotations

import pytest

from engine.sounds import TRANSCRIPTIONS, pinyin_readings, sound_alike


@pytest.mark.parametrize(("first", "second"), [
    ("守", "手"),  # 保守 typed 保手: shǒu and shǒu
    ("谨", "紧"),  # 谨慎 typed 紧慎: jǐn and jǐn
    ("健", "建"),  # 稳健 typed 稳建: jiàn and jiàn
    ("慎", "甚"),  # shèn is one of 甚's readings (shén, shèn)
    ("验", "验"),
])
def test_characters_that_share_a_reading_and_tone_sound_alike(first, second):
    assert sound_alike(first, second, "pinyin")
    assert sound_alike(second, first, "pinyin")


@pytest.mark.parametrize(("first", "second"), [
    ("买", "卖"),  # mǎi (buy) and mài (sell): one syllable, opposite meanings
    ("险", "线"),  # xiǎn and xiàn
    ("保", "手"),
    ("x", "西"),   # a letter is its own reading
])
def test_characters_that_differ_in_tone_or_syllable_do_not(first, second):
    assert not sound_alike(first, second, "pinyin")


def test_a_reading_carries_its_tone_and_every_reading_of_a_heteronym_is_kept():
    assert pinyin_readings("手") == frozenset({"shou3"})
    assert {"shen4", "zhen4"} <= pinyin_readings("慎")
    assert pinyin_readings("x") == frozenset({"x"})
    assert set(TRANSCRIPTIONS) == {"pinyin"}
