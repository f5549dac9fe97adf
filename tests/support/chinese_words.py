"""Chinese phrasings as word sequences, for comparing held-out phrasings with training examples.

Chinese is written without spaces, so :func:`rasa_components.linear_intents.words` reads a Chinese
clause as one word, and two clauses a character apart would never look alike. Here a text with
Chinese characters is read the way a Chinese pipeline reads it: 繁體 turned into simplified
characters (OpenCC), cut into words by jieba with the domain's dictionary (data/zh/jieba_userdict.txt,
which keeps 沪深300, 风险承受能力 and 定投 whole), every amount one token (digits as in English;
Chinese numerals 三十五, 一万二, 五十多万, 百分之五; 5万 and 1.5亿 as one amount, a unit such as 岁 or
年 kept beside it), punctuation dropped.
"我三十五岁" and "我四十二岁" are therefore the same phrasing, as "I'm 35" and "I'm 42" are in English.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba
from opencc import OpenCC

from bench.nlu_quality import ROOT
from rasa_components.linear_intents import NUMBER_TOKEN, normalise, words

USER_DICTIONARY = ROOT / "data" / "zh" / "jieba_userdict.txt"
#: Any CJK ideograph (the unified block and extension A).
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: A word of jieba's that is an amount: Chinese numerals (三十五, 一万二, 五十多万, 百分之五) and
#: a unit of its own (三十五岁, 五万块, 十年, 三遍). 一 alone before a unit mostly means "a" (一下,
#: 一点, 一个), and a numeral inside a name (五粮液) is no amount, so neither is read as one.
_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_CHINESE_AMOUNT = re.compile(
    rf"(?:百分之)?(?P<number>[{_NUMERAL}][{_NUMERAL}多几余来]*)"
    r"(?P<unit>(?:周岁|岁|块钱|块|元|年|个月|月|遍|成|次|天|周|倍|分)?)")
#: The number token as a word; number tokens side by side (5 万) are one amount.
_NUMBER = NUMBER_TOKEN.strip()
_WORD = re.compile(r"\w")


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return bool(_CHINESE.search(text))


@cache
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.load_userdict(str(USER_DICTIONARY))
    return segmenter


@cache
def _dictionary() -> frozenset[str]:
    """The words of the domain's dictionary, lower-cased."""
    lines = USER_DICTIONARY.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0].lower() for line in lines if line.strip())


@cache
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


def chinese_words(text: str) -> list[str]:
    """The words of a Chinese ``text``: simplified, cut by jieba with the domain's dictionary,
    lower-cased, numbers as one token (a dictionary term such as 沪深300 stays whole), punctuation
    and spaces dropped."""
    found: list[str] = []
    for token in _segmenter().lcut(_to_simplified().convert(text).lower()):
        if token in _dictionary():
            found.append(token)
            continue
        amount = _CHINESE_AMOUNT.fullmatch(token)
        if amount and not (amount["number"] == "一" and amount["unit"]):
            words_of_token = [_NUMBER, amount["unit"]]
        else:
            words_of_token = normalise(token).split()
        for word in words_of_token:
            if _WORD.search(word) and not (word == _NUMBER and found[-1:] == [_NUMBER]):
                found.append(word)
    return found


def compared_words(text: str) -> list[str]:
    """The word sequence a phrasing is compared by: :func:`chinese_words` for a text with Chinese
    characters, else the intent classifier's own :func:`~rasa_components.linear_intents.words`."""
    return chinese_words(text) if has_chinese(text) else words(text)
