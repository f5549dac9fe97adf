"""The rule that tells which language a conversation speaks (engine/language.py), on the locale
files' own cues."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.language import (
    OPENING_WORDS,
    SWITCH_RATIO,
    SWITCH_WORDS,
    UnknownScript,
    language_after,
    language_cues,
    opening_language,
    page_language,
    requested_language,
    words_by_script,
)

ROOT = Path(__file__).resolve().parents[2]


def test_words_are_counted_by_script_a_han_character_as_a_word():
    assert words_by_script("我想买ETF") == {"Han": 3, "Latin": 1}
    assert words_by_script("I'd like an ETF, ok?") == {"Latin": 6}
    assert words_by_script("３５岁") == {"Han": 1}  # full-width digits are digits
    assert words_by_script("35, 👍 ...") == {}


@pytest.mark.parametrize("text", ["你好，我想做个理财规划", "您好", "ETF是什么", "我想买ETF",
                                  "三十五岁", "請問手續費多少"])
def test_a_first_message_in_chinese_is_chinese_without_any_setting(text):
    assert language_after(text, opening=True) == "zh"
    assert language_after(text, page="en", opening=True) == "zh"


@pytest.mark.parametrize("text", ["hello", "I'm 35 and want to invest", "what are your fees"])
def test_a_first_message_in_english_is_english(text):
    assert language_after(text, opening=True) == "en"


@pytest.mark.parametrize("text", ["ok", "hi", "ETF", "nh", "35", "👍"])
def test_a_short_first_message_in_another_script_keeps_the_page_language(text):
    assert language_after(text, page="zh", opening=True) == "zh"
    assert language_after(text, page="zh-CN", opening=True) == "zh"


def test_a_first_message_overrides_the_page_from_the_opening_number_of_words():
    assert OPENING_WORDS == 2
    assert opening_language("hello there", "zh") == "en"
    assert opening_language("嗨", "en") == "en"
    assert opening_language("你好", "en") == "zh"
    # As many words in each script says nothing: the page decides.
    assert opening_language("ETF 费", "en") == "en"
    assert opening_language("ETF 费", "zh") == "zh"
    assert opening_language("ETF 费") is None


@pytest.mark.parametrize("text", ["ok", "ETF", "thanks", "sure, 50k", "I'd hold", "lol 好的"])
def test_later_a_text_in_the_other_script_changes_nothing_by_itself(text):
    assert language_after(text, page="zh") is None
    assert language_after(text) is None


@pytest.mark.parametrize("text", ["ok", "ETF", "thanks", "sure, 50k", "I'd hold on", "lol 好的",
                                  "I'd buy 沪深300", "I want ETF funds"])
def test_later_a_few_words_in_the_other_script_keep_the_conversation_s_language(text):
    assert language_after(text, current="zh") is None
    assert language_after("三十五岁", current="en") is None  # a short answer in Chinese


@pytest.mark.parametrize(("text", "current", "language"), [
    ("你们有牌照吗", "en", "zh"),
    ("我今年三十五岁", "en", "zh"),
    ("我想买ETF基金", "en", "zh"),  # six Han words to one Latin
    ("What are your fees exactly?", "zh", "en"),
    ("I'd hold on and wait", "zh", "en"),
])
def test_later_a_message_written_in_the_other_language_changes_to_it(text, current, language):
    assert (SWITCH_WORDS, SWITCH_RATIO) == (5, 3)
    assert language_after(text, current=current) == language
    assert language_after(text, current=language) is None  # already that language


@given(st.lists(st.sampled_from(["ok", "ETF", "hi", "fine", "lol", "app", "A股", "好", "嗯"]),
                max_size=6), st.sampled_from(["en", "zh"]))
def test_fewer_words_than_the_switch_needs_never_change_the_language(words, current):
    text = " ".join(words)
    if words_by_script(text)["Han" if current == "en" else "Latin"] < SWITCH_WORDS:
        assert language_after(text, current=current) is None


@pytest.mark.parametrize("text", ["", "ok", "I'd hold", "35"])
def test_a_switched_page_sets_its_language_later_in_the_conversation(text):
    assert language_after(text, page="zh-CN", page_switched=True) == "zh"
    assert language_after(text, page="en", page_switched=True) == "en"
    # A page language the site does not have, or none, changes nothing.
    assert language_after(text, page="fr", page_switched=True) is None
    assert language_after(text, page=None, page_switched=True) is None


def test_a_request_in_the_message_comes_before_a_switched_page():
    assert language_after("English please", page="zh", page_switched=True) == "en"


@pytest.mark.parametrize("text, language", [
    ("请用中文", "zh"),
    ("说中文吧", "zh"),
    ("English please", "en"),
    ("can you speak English", "en"),
    ("Can you speak English?", "en"),
    ("ＥＮＧＬＩＳＨ please", "en"),
    ("sorry, I can't read Chinese. English please", "en"),
    ("我不会说英文，请用中文", "zh"),
    ("能用英文回答吗", "en"),
    ("中文", "zh"),
    ("english!", "en"),
    ("請說中文", "zh"),          # traditional characters ask as simplified ones do
    ("麻煩用英語回覆", "en"),
])
def test_an_explicit_request_switches_whatever_the_script(text, language):
    assert requested_language(text) == language
    assert language_after(text) == language
    assert language_after(text, page="en" if language == "zh" else "zh", opening=True) == language


@pytest.mark.parametrize("text", [
    "I don't speak English",
    "I do not speak English",
    "I'm not asking for English please",
    "我不会说英文",
    "不用中文",
    "别说英语",
    "an englishman please",       # a cue is not found inside a longer word
    "what is 定投 in English?",   # asks for a translation, not for the conversation's language
])
def test_a_negated_or_partial_cue_asks_for_nothing(text):
    assert requested_language(text) is None


@pytest.mark.parametrize("text", ["I don't speak English", "我不会说英文", "别说英语", "不用中文"])
def test_a_negated_language_name_is_no_request_even_when_the_classifier_reads_one(text):
    assert requested_language(text, asked=True) is None


def test_a_language_named_counts_only_when_the_classifier_read_a_request():
    assert requested_language("could you reply in mandarin?") is None
    assert requested_language("could you reply in mandarin?", asked=True) == "zh"
    assert requested_language("能换成英语模式吗", asked=True) == "en"
    assert requested_language("中文不行，那就英语", asked=True) == "en"
    assert requested_language("can I have this in another language", asked=True) is None


def test_the_last_request_in_a_message_wins():
    assert requested_language("no Chinese, English please", asked=True) == "en"
    assert requested_language("English please... 算了，还是请用中文") == "zh"


def test_a_page_language_is_a_language_of_the_locale_folders():
    assert page_language("zh") == page_language("zh-Hans") == page_language("ZH_cn") == "zh"
    assert page_language("en-GB") == "en"
    assert page_language("fr") is None
    assert page_language(None) is None
    assert language_after("35", page="fr", opening=True) is None


# Characters with no letter of any script: digits, spaces, punctuation, emoji.
_no_letters = st.text(st.sampled_from(list("0123456789 .,!?%$+-()/，。！？：；、👍😀🙂")), max_size=30)


@given(_no_letters, st.sampled_from([None, "en", "zh"]))
def test_a_message_without_letters_decides_nothing(text, page):
    assert language_after(text, page=page) is None
    assert language_after(text, page=page, opening=True) == page


@given(st.lists(st.sampled_from(["ok", "ETF", "hi", "fine", "lol", "app", "A股", "好", "嗯"]),
                max_size=6))
def test_later_messages_without_a_request_never_change_the_language(words):
    assert language_after(" ".join(words)) is None
    assert language_after("".join(words), page="en") is None


def _folder_with(tmp_path: Path, script: str | None) -> Path:
    folder = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", folder)
    path = folder / "zh" / "language.yml"
    text = path.read_text(encoding="utf-8")
    replaced = text.replace("writing_script: Han",
                            f"writing_script: {script}" if script else "")
    assert replaced != text
    path.write_text(replaced, encoding="utf-8")
    return folder


def test_a_language_in_a_script_the_rule_cannot_read_is_named(tmp_path):
    with pytest.raises(UnknownScript, match=r"locales/zh/language.yml: writing_script 'Cyrillic' "
                                            r"is not one of Latin, Han"):
        language_cues(_folder_with(tmp_path, "Cyrillic"))


def test_a_language_without_its_script_is_named(tmp_path):
    with pytest.raises(UnknownScript, match=r"locales/zh/language.yml has no "
                                            r"answers.writing_script"):
        language_cues(_folder_with(tmp_path, None))


def test_every_language_has_requests_for_every_language():
    cues = language_cues()
    for language, own in cues.items():
        assert set(own.requests) == set(cues), language
        assert set(own.names) == set(cues), language
        assert all(own.requests.values()) and all(own.names.values()), language
