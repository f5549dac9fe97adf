"""rasa_components/scripts.py: a message's language from its script or metadata, and Traditional
Chinese made Simplified at the same length."""

from __future__ import annotations

import pytest

from rasa_components.scripts import has_cjk, language_of, metadata_language, to_simplified


@pytest.mark.parametrize("text, expected", [
    ("我想買滬深300的基金", "我想买沪深300的基金"),
    ("風險承受能力", "风险承受能力"),
    ("請問你們的費用是多少？", "请问你们的费用是多少？"),
    ("退休後每個月要多少錢", "退休后每个月要多少钱"),
    ("我想买ETF", "我想买ETF"),
])
def test_traditional_chinese_becomes_simplified(text, expected):
    assert to_simplified(text) == expected
    assert len(to_simplified(text)) == len(text)


@pytest.mark.parametrize("text", ["hello there", "I'd like 50k in bonds", "", "88"])
def test_text_without_cjk_is_untouched(text):
    assert to_simplified(text) == text
    assert not has_cjk(text)


@pytest.mark.parametrize("text, metadata, expected", [
    ("你好", None, "zh"),
    ("我想买ETF", None, "zh"),
    ("hello，", None, "zh"),  # a full-width comma is typed on a Chinese keyboard
    ("hello", None, "en"),
    ("88", None, "en"),
    ("88", {"language": "zh"}, "zh"),
    ("88", {"example": {"language": "zh"}}, "zh"),
    ("88", {"intent": {"language": "zh"}}, "zh"),
    ("你好", {"language": "en"}, "en"),
    ("hello", {"other": 1}, "en"),
])
def test_language_of_a_message(text, metadata, expected):
    assert language_of(text, metadata) == expected


def test_an_unknown_language_in_metadata_is_named():
    with pytest.raises(ValueError, match="'fr'"):
        metadata_language({"language": "fr"})
