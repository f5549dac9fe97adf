"""A figure typed after a recommendation with words of retirement, in either language, asks what
retiring at that age would change."""

import pytest

from actions.advice import what_if_of


@pytest.mark.parametrize(("text", "what_if"), [
    ("如果我60岁退休呢", "what_if_retire_at"),
    ("那六十五岁退休呢", "what_if_retire_at"),
    ("如果我60歲退休呢", "what_if_retire_at"),
    ("要是55岁就不工作了呢", "what_if_retire_at"),
    ("I retire at 62?", "what_if_retire_at"),
    ("what if I stop working at 58", "what_if_retire_at"),
    ("我45岁", None),  # a figure, but no change the advisor can try
    ("退休的事以后再说", None),  # retirement, but no age
])
def test_words_of_retirement_with_a_figure_ask_for_a_retirement_age(text, what_if):
    assert what_if_of(text) == what_if
