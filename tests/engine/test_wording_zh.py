"""Amounts in Chinese: counted in 万 and 亿 with the currency word of the language's ``money``
phrase; English amounts unchanged."""

from __future__ import annotations

import pytest
from support.locale_files import LocaleFolder

from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers
from engine.wording import MissingText, format_money, format_value, render, texts


@pytest.mark.parametrize(("amount", "shown"), [
    (0, "0元"),
    (800, "800元"),
    (3_500, "3500元"),
    (9_999.6, "1万元"),
    (12_000, "1.2万元"),
    (200_000, "20万元"),
    (1_234_567, "123.46万元"),
    (15_000_000, "1500万元"),
    (120_000_000, "1.2亿元"),
    (123_456_789_012, "1234.57亿元"),
])
def test_chinese_amounts_are_counted_in_wan_and_yi_with_the_currency_word(amount, shown):
    assert format_value(amount, "money", texts("zh")) == shown
    assert format_money(amount, texts("zh-CN")) == shown


@pytest.mark.parametrize(("amount", "shown"), [
    (0, "0"), (3_500, "3,500"), (200_000, "200,000"), (1_234_567, "1,234,567"),
    (120_000_000, "120,000,000"),
])
def test_english_amounts_are_unchanged(amount, shown):
    assert format_value(amount, "money") == shown
    assert format_value(amount, "money", texts("en")) == shown
    assert format_value(amount, "money", texts("fr")) == shown  # no folder: English


def test_a_phrase_with_a_money_placeholder_writes_the_amount_in_its_language():
    assert render("opening_fact_initial_amount", {"value": 200_000}, texts("zh")) == "起始资金为20万元"
    assert render("opening_fact_initial_amount", {"value": 200_000}, texts("en")) == (
        "you have 200,000 to start with")
    assert render("reason_probability_of_target", {"target": 1.2e8, "probability": 0.4},
                  texts("zh")) == "达到您1.2亿元目标的概率约为40%。"


def test_the_currency_word_is_the_locales_not_the_codes(tmp_path, monkeypatch):
    folder = LocaleFolder.copy_of_repository(tmp_path)
    monkeypatch.setenv("LOCALES_DIR", str(folder.path))
    folder.write("zh", money="人民币{amount}元")
    folder.write("en", money="${amount}")
    assert format_value(200_000, "money", texts("zh")) == "人民币20万元"
    assert format_value(200_000, "money", texts("en")) == "$200,000"


def test_a_source_of_texts_without_a_language_or_money_phrase_gets_the_number_alone():
    def bare(name):
        if name != "x":
            raise MissingText(name)
        return "{v:money}"

    assert render("x", {"v": 1_000_000}, bare) == "1,000,000"
    assert format_value(1_000_000, "money", bare) == "1,000,000"


def test_the_projection_of_a_chinese_explanation_is_in_wan():
    profile = InvestorProfile(age=40, goal="retirement", risk_answers=middle_answers(),
                              initial_amount=200_000, monthly_contribution=3_000)
    rec = recommend(profile, paths=1_000, language="zh")
    statement = next(s for s in rec.explanation.reasons if s.code == "projection")
    median = statement.params["median"]
    expected = format_money(median, texts("zh"))
    assert expected.endswith("万元")
    assert f"约为{expected}" in statement.text
