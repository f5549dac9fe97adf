"""How the chat reads numbers typed in Chinese: a table of expressions as people type them, and
properties over numbers written out by cn2an."""

from pathlib import Path

import cn2an
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from engine import chinese_numbers, numbers

_TABLE = yaml.safe_load((Path(__file__).with_name("chinese_numbers.yml")).read_text("utf-8"))
_TO_TRADITIONAL = OpenCC("s2t")
_ROWS = [(function, row) for function, rows in _TABLE.items() for row in rows]


def test_the_table_is_large_enough():
    assert len(_ROWS) >= 300


@pytest.mark.parametrize(("function", "row"), _ROWS, ids=[f"{f}:{r[0]}" for f, r in _ROWS])
def test_each_expression_reads_to_its_value(function, row):
    text, *arguments, expected = row
    text = str(text)
    got = getattr(chinese_numbers, function)(text, *arguments)
    if numbers.reader_for(text) is chinese_numbers:
        # Through engine.numbers too: Chinese text goes to the Chinese reader.
        assert getattr(numbers, function)(text, *arguments) == got
    if expected is None or isinstance(expected, bool):
        assert got is expected
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_ages_are_whole_numbers_and_figures_know_whether_they_are_rough():
    assert isinstance(chinese_numbers.parse_age("三十五岁"), int)
    written, figures = chinese_numbers.figures_in("我三十五岁，有五十多万，每月存两千")
    assert written == "我35岁,有500000,每月存2000"
    assert [(f.value, f.rough, f.percent) for f in figures] == [
        (35, False, False), (500_000, True, False), (2_000, False, False)]
    assert [written[f.start:f.end] for f in figures] == ["35", "500000", "2000"]
    assert isinstance(figures[0], numbers.Figure)


def test_percentages_are_written_as_percentages():
    written, figures = chinese_numbers.figures_in("最多亏百分之十五")
    assert written == "最多亏15%"
    assert [(f.value, f.percent) for f in figures] == [(15, True)]


def test_the_reader_is_picked_by_the_text():
    assert numbers.reader_for("三十五岁") is chinese_numbers
    assert numbers.reader_for("５万") is chinese_numbers
    assert numbers.reader_for("35 years old") is numbers
    assert numbers.parse_amount("about $50k") == 50_000
    assert numbers.approximate("about $50k") is True
    assert numbers.approximate("$50k") is False


_INTEGERS = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=300, deadline=None)
@given(_INTEGERS)
def test_any_integer_written_by_cn2an_reads_back(value):
    for style in ("low", "up"):
        text = cn2an.an2cn(value, style)
        assert chinese_numbers.parse_number(text) == value, text


@settings(max_examples=200, deadline=None)
@given(_INTEGERS)
def test_traditional_characters_read_as_simplified(value):
    text = _TO_TRADITIONAL.convert(cn2an.an2cn(value, "low") + "元")
    assert chinese_numbers.parse_amount(text) == value, text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["万", "亿", "w", "W", "k", "K"]))
# A retirement plan's name ("401k") is a sum when a money word follows it: always tried.
@example(401, "k")
@example(403, "K")
@example(457, "k")
def test_digits_with_a_unit(count, unit):
    scale = {"万": 10**4, "亿": 10**8, "w": 10**4, "W": 10**4, "k": 10**3, "K": 10**3}[unit]
    assert chinese_numbers.parse_amount(f"{count}{unit}") == count * scale
    assert chinese_numbers.parse_amount(f"{count}{unit}块钱") == count * scale
    full_width = str(count).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert chinese_numbers.parse_amount(f"{full_width}{unit}元") == count * scale


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_a_digit_after_a_unit_is_the_next_place_down(count, digit):
    # "一万二" is 12,000 and "3万5" is 35,000, whichever way the parts are written.
    head = cn2an.an2cn(count, "low")
    assert chinese_numbers.parse_amount(f"{head}万{cn2an.an2cn(digit, 'low')}") == (
        count * 10_000 + digit * 1_000)
    assert chinese_numbers.parse_amount(f"{count}万{digit}") == count * 10_000 + digit * 1_000


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.sampled_from(["十", "百", "千", "万", "十万"]))
def test_neighbouring_digits_are_a_range_read_as_its_middle(low, unit):
    names = "一二三四五六七八九"
    text = f"{names[low - 1]}{names[low]}{unit}"
    scale = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "十万": 100_000}[unit]
    assert chinese_numbers.parse_number(text) == (low + 0.5) * scale
    assert chinese_numbers.approximate(text) is True


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=2000))
def test_yearly_sums_become_monthly(value):
    assert chinese_numbers.parse_monthly(f"每年{value * 12}元") == pytest.approx(value)
    assert chinese_numbers.parse_monthly(f"每月{cn2an.an2cn(value, 'low')}块") == value


_BEFORE = st.sampled_from(["", "我有", "存款", "手头有", "大概", "人民币", "¥", "本金是 ", "嗯，"])
_AFTER = st.sampled_from(["", "块", "元", "块钱", "吧", "了", "左右", "的样子", "。", "！", " 元整"])


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), _BEFORE, _AFTER, st.booleans())
def test_amounts_in_a_sentence_read_back_where_they_stand(value, before, after, in_digits):
    written_number = str(value) if in_digits else cn2an.an2cn(value, "low")
    text = f"{before}{written_number}{after}"
    assert chinese_numbers.parse_amount(text) == value, text
    assert chinese_numbers.approximate(text) is (before == "大概" or after in ("左右", "的样子",
                                                                              "吧"))
    written, figures = chinese_numbers.figures_in(text)
    assert [float(written[f.start:f.end]) for f in figures] == [value]


_CHAT_CHARACTERS = "零一二两三四五六七八九十百千万亿几多来点半年岁个月块元%％0123456789.,kKwW每周天后前到至-~ 我有大概左右吧了百分之成虚岁快退休"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CHAT_CHARACTERS, min_size=1, max_size=14))
def test_any_mix_of_number_characters_gives_a_number_or_none(text):
    for function in (chinese_numbers.parse_number, chinese_numbers.parse_amount,
                     chinese_numbers.parse_monthly, chinese_numbers.parse_years,
                     chinese_numbers.target_age):
        assert isinstance(function(text), float | None)
    for function in (chinese_numbers.parse_age, chinese_numbers.stated_age):
        assert isinstance(function(text), int | None)
    assert isinstance(chinese_numbers.parse_horizon(text, 40, 65), float | None)
    amount = chinese_numbers.parse_amount(text)
    assert amount is None or amount >= 0
