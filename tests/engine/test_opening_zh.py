"""The facts of a Chinese opening message, each figure read by the words around it."""

from pathlib import Path

import cn2an
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.opening import FACTS, Opening, read_opening

TABLE = yaml.safe_load((Path(__file__).parent / "chinese_openings.yml").read_text("utf-8"))


def test_the_table_is_large_and_names_only_known_facts():
    assert len(TABLE) >= 60
    assert len({row["text"] for row in TABLE}) == len(TABLE)
    for row in TABLE:
        assert set(row["facts"]) <= set(FACTS), row["text"]
        assert set(row.get("rough", [])) <= set(row["facts"]), row["text"]
        assert set(row) <= {"text", "facts", "rough", "change", "shift"}, row["text"]


@pytest.mark.parametrize("row", TABLE, ids=[row["text"] for row in TABLE])
def test_each_chinese_opening_states_exactly_its_facts(row):
    opening = read_opening(row["text"])
    assert opening.stated() == pytest.approx(row["facts"])
    assert opening.rough == frozenset(row.get("rough", []))
    assert opening.monthly_change == row.get("change", 0)
    assert opening.retirement_shift == row.get("shift")


@pytest.mark.parametrize("text", [
    "你好，我想做个理财规划",
    "我有两个孩子",  # a count, not money
    "我是90后",  # a generation, not an age
    "七零后的，想了解一下",
    "能赚百分之五吗",  # a percentage is never an amount
    "我2030年要用钱",  # a date, not a sum or a span
    "月薪两万",  # pay is no sum to invest
    "我早两年就退休了",  # retired already: neither a move of the date nor a horizon
    "我三年前就退休了，想理财",
])
def test_a_figure_no_words_claim_is_left_for_the_form_to_ask(text):
    assert read_opening(text) == Opening()


@given(st.integers(min_value=18, max_value=80), st.integers(min_value=1, max_value=999),
       st.integers(min_value=1, max_value=200), st.integers(min_value=1, max_value=40),
       st.booleans())
def test_any_age_sum_monthly_and_horizon_said_plainly_are_all_read(age, wan, hundreds, years,
                                                                   in_characters):
    def said(number: int) -> str:
        return cn2an.an2cn(number) if in_characters else str(number)

    text = f"我{said(age)}岁，手头有{said(wan)}万，每个月能投{said(hundreds * 100)}，" \
           f"打算{said(years)}年后用"
    assert read_opening(text).stated() == {
        "age": age, "initial_amount": wan * 10_000, "monthly_contribution": hundreds * 100,
        "horizon_years": years}
