"""The Chinese locale (locales/zh/): every name of the English folder, with its placeholders and
button payloads, written in Chinese as a financial adviser writes to a client: 您, never 你; no
curt, dismissive or blame-shifting phrase; full-width punctuation between Chinese characters;
amounts in 万 and 亿; the risk warnings a Chinese client expects."""

from __future__ import annotations

import re
import string

import pytest

from actions.answers import vocabulary_problems
from engine.wording import DEFAULT_LANGUAGE, locales, render, texts, translation_problems

LANGUAGE = "zh"
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
#: Phrases a client must never read from the advisor: curt, dismissive or shifting the blame.
BANNED = ("我不知道", "不归我管", "不关我的事", "与我无关", "跟我没关系", "自己看", "你自己",
          "随便", "看不懂吗", "听不懂吗", "不是说了", "说过了", "我早说过", "没办法", "爱买不买",
          "不行就算了", "那是你的问题", "怪你", "你的错", "赶紧", "废话", "懂了吗", "知道了吧",
          "少废话", "别问了", "问别人", "不能怪我们", "后果自负", "自负盈亏", "关我什么事", "呵呵")
#: Latin words that stay as they are in Chinese text: names, sources and financial acronyms.
KEPT_LATIN = {"REITs", "TIPS", "MoneyHelper", "Vanguard", "Kenneth", "R", "French", "MiFID", "II",
              "SEC", "ISA", "SIPP", "IRA", "k", "C", "ETF"}


def zh_variations():
    """(name, number, variation) of every Chinese response and phrase."""
    return [(name, number, variation)
            for name, variations in sorted(locales()[LANGUAGE].items())
            for number, variation in enumerate(variations, start=1)]


def shown_texts():
    """(where, text) of every text a client reads: each variation and each button title."""
    for name, number, variation in zh_variations():
        yield f"{name} #{number}", variation["text"]
        for button in variation.get("buttons") or []:
            yield f"{name} #{number} button", str(button["title"])


def without_placeholders(text: str) -> str:
    return "".join(literal for literal, *_ in string.Formatter().parse(text))


#: A page of the website named in a text ("算法说明（/algorithm）"): an address, not an English word.
SITE_PATH = re.compile(r"(?<![\w/.])/[a-z][a-z0-9_-]*(?:/[a-z0-9_-]+)*")


def latin_words(literal: str) -> set[str]:
    """The words in Latin letters of a text, site addresses and the words kept in Latin left out."""
    return set(re.findall(r"[A-Za-z]+", SITE_PATH.sub("", literal))) - KEPT_LATIN


SHOWN = list(shown_texts())


def test_the_chinese_folder_has_every_name_placeholder_and_payload_of_the_english():
    assert [p for p in translation_problems() if p.startswith(f"{LANGUAGE}:")] == []
    assert set(locales()[LANGUAGE]) == set(locales()[DEFAULT_LANGUAGE])


def test_the_chinese_answer_words_cover_every_choice():
    assert vocabulary_problems(LANGUAGE) == []


@pytest.mark.parametrize(("where", "text"), SHOWN)
def test_every_text_is_written_in_chinese(where, text):
    literal = without_placeholders(text)
    if not re.search(r"[^\W\d_]", literal):
        return  # a number, a separator or a placeholder only ("1", "；", "{number:number}. ")
    assert re.search(f"[{CJK}]", literal), f"{where} is not in Chinese: {text!r}"
    latin = latin_words(literal)
    assert not latin, f"{where} keeps English words {sorted(latin)}: {text!r}"


def test_a_site_address_is_no_english_word_but_the_words_beside_it_are():
    assert latin_words("详见算法说明（/algorithm）") == set()
    assert latin_words("详见 /algorithm 的 details") == {"details"}
    assert latin_words("algorithm说明") == {"algorithm"}


def test_the_client_is_addressed_as_nin_never_ni():
    offending = [where for where, text in SHOWN if "你" in text]
    assert offending == [], "你 (也包括你好) in bot text; 请用您 / 您好"
    assert sum("您" in text for _, text in SHOWN) > 100


def test_no_curt_dismissive_or_blame_shifting_phrase():
    found = [(where, phrase) for where, text in SHOWN for phrase in BANNED if phrase in text]
    assert found == []


def test_the_banned_phrase_check_would_catch_them():
    for phrase in ("我不知道，你自己看吧。", "这个不归我管"):
        assert any(banned in phrase for banned in BANNED)


#: ASCII punctuation beside a Chinese character: Chinese sentences take ，。？！：；（）.
HALF_WIDTH = re.compile(rf"[{CJK}][,?!;:()]|[{CJK}]\.(?!\d)|[,.?!;:()][{CJK}]")


@pytest.mark.parametrize(("where", "text"), SHOWN)
def test_chinese_sentences_use_full_width_punctuation(where, text):
    assert not HALF_WIDTH.search(text), f"{where}: {HALF_WIDTH.search(text)[0]!r} in {text!r}"


def test_the_punctuation_check_would_catch_half_width_marks():
    for wrong in ("您好,请问", "好的.", "可以吗?我们", "请问(可选)"):
        assert HALF_WIDTH.search(wrong), wrong
    for right in ("您好，请问", "1.2亿元", "{number:number}. {option}", "约5.3%。"):
        assert not HALF_WIDTH.search(right), right


def test_amounts_in_chinese_replies_are_in_wan_and_yi_with_yuan():
    say = texts(LANGUAGE)
    assert render("opening_fact_target_amount", {"value": 1_500_000}, say) == "目标金额为150万元"
    assert render("opening_fact_monthly_contribution", {"value": 3_000}, say) == "每月可追加3000元"
    assert render("reason_probability_of_target", {"target": 120_000_000, "probability": 0.25},
                  say) == "达到您1.2亿元目标的概率约为25%。"


def test_the_risk_warnings_read_as_a_chinese_adviser_writes_them():
    say = texts(LANGUAGE)
    assert say("disclosure_no_guarantee").startswith("投资有风险，入市需谨慎。")
    assert say("disclosure_history").endswith("过往业绩不代表未来表现。")
    assert "投资有风险，入市需谨慎" in say("utter_faq/losing_money")


def test_chinese_replies_keep_the_button_payloads_of_the_english():
    english = locales()[DEFAULT_LANGUAGE]
    for name, _, variation in zh_variations():
        payloads = [b["payload"] for b in variation.get("buttons") or []]
        if payloads:
            assert payloads in [[b["payload"] for b in v.get("buttons") or []]
                                for v in english[name]], name
