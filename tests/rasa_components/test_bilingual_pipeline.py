"""The pipeline's Chinese and English parts inside Rasa (rasa_components/bilingual_tokenizer.py,
script_entity_extractor.py and the language routing of intent_classifier.py): jieba words with
the domain's dictionary for Chinese and Rasa's whitespace tokens for English, no space as a token,
Traditional Chinese read as Simplified, lookup entities found between Han characters, and one
intent model per language, the English one the same as if trained on English alone.

The components run in the Rasa environment: bilingual_probe.py trains them, reads them back from
storage and parses the texts.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from bench.nlu_quality import RASA_PYTHON, ROOT

PROBE = ROOT / "tests" / "rasa_components" / "bilingual_probe.py"

ENGLISH = """
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
- intent: goodbye
  examples: |
    - bye
    - see you later
    - goodbye for now
- intent: buy
  examples: |
    - I want to buy [bonds](concept)
    - I'd like some [ETF](concept) units
    - put my money in [bonds](concept)
"""
CHINESE = """
- intent: greet
  examples: |
    - 你好
    - 您好啊
    - 早上好
    - 嗨，在吗
- intent: goodbye
  examples: |
    - 再见
    - 拜拜了
    - 我先走了
- intent: buy
  examples: |
    - 我想买[债券](concept)
    - 买点[货币基金](concept)
    - 想定投[沪深300](concept)
- intent: thank
  examples: |
    - 谢谢
    - 多谢
    - 感谢您
- intent: thank
  metadata:
    language: zh
  examples: |
    - 3q
    - thx
"""
LOOKUP = """
- lookup: concept
  examples: |
    - bonds
    - bond
    - ETF
    - 债券
    - 貨幣基金
    - 沪深300
"""
TEXTS = [
    "我想买沪深300",
    "我的风险承受能力不高",
    "我想定投货币基金",
    "我想买ETF",
    "我 想 买 ETF",
    "hello there, friend",
    "我想買貨幣基金",
    "bonding is fun",
    "I want bond funds",
    "我想买债券",
    "thx",
    "3q ",
    "hello",
]
METADATA = {"3q ": {"language": "zh"}}


def nlu(*parts: str) -> str:
    return 'version: "3.1"\nnlu:\n' + "".join(parts)


@pytest.fixture(scope="module")
def probe() -> dict:
    case = {"nlu": nlu(ENGLISH, CHINESE, LOOKUP), "english_only_nlu": nlu(ENGLISH, LOOKUP),
            "texts": TEXTS, "metadata": METADATA,
            "classifier": {"route_by_language": True, "cjk_word_tokens": True,
                           "languages": {"zh": {"C": 300, "text_char_ngrams": [1, 1]}}}}
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=json.dumps(case), cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def parsed(probe) -> dict[str, dict]:
    return {parse["original"]: parse for parse in probe["parsed"]}


def words(parse: dict) -> list[str]:
    return [text for text, _, _ in parse["tokens"]]


@pytest.mark.parametrize("text, term", [
    ("我想买沪深300", "沪深300"),
    ("我的风险承受能力不高", "风险承受能力"),
    ("我想定投货币基金", "定投"),
    ("我想定投货币基金", "货币基金"),
])
def test_the_dictionary_keeps_finance_terms_whole(parsed, text, term):
    assert term in words(parsed[text]), words(parsed[text])


def test_mixed_chinese_and_english_is_cut_into_words(parsed):
    assert words(parsed["我想买ETF"]) == ["我", "想", "买", "ETF"]


def test_spaces_never_become_tokens_and_offsets_point_into_the_text(parsed):
    parse = parsed["我 想 买 ETF"]
    assert parse["tokens"] == [["我", 0, 1], ["想", 2, 3], ["买", 4, 5], ["ETF", 6, 9]]
    for parse in parsed.values():
        for text, start, end in parse["tokens"]:
            assert text.strip() and parse["text"][start:end] == text, (parse["original"], text)


def test_english_is_tokenized_as_by_the_whitespace_tokenizer(parsed):
    for text in ("hello there, friend", "bonding is fun", "I want bond funds", "hello"):
        assert parsed[text]["tokens"] == parsed[text]["whitespace_tokens"], text
        assert parsed[text]["text"] == text


def test_traditional_chinese_is_read_as_simplified(parsed):
    parse = parsed["我想買貨幣基金"]
    assert parse["text"] == "我想买货币基金"
    assert words(parse)[-1] == "货币基金"
    assert parse["intent"]["name"] == "buy"
    assert [(e["value"], e["start"], e["end"]) for e in parse["entities"]] == [("货币基金", 3, 7)]


def entity_values(parse: dict, key: str = "entities") -> list[str]:
    return [entity["value"] for entity in parse[key]]


def test_lookup_entities_are_found_between_han_characters(parsed):
    # Rasa's RegexEntityExtractor wraps each element in \b, which never holds between two Han
    # characters, nor between a Han character and a Latin letter.
    assert entity_values(parsed["我想买债券"]) == ["债券"]
    assert entity_values(parsed["我想买债券"], "rasa_entities") == []
    assert entity_values(parsed["我想买ETF"]) == ["ETF"]
    assert entity_values(parsed["我想买ETF"], "rasa_entities") == []
    assert entity_values(parsed["我想买沪深300"]) == ["沪深300"]


def test_english_lookup_entities_keep_their_word_boundaries(parsed):
    for text in ("bonding is fun", "I want bond funds", "hello there, friend"):
        assert entity_values(parsed[text]) == entity_values(parsed[text], "rasa_entities"), text
    assert entity_values(parsed["bonding is fun"]) == []
    assert entity_values(parsed["I want bond funds"]) == ["bond"]


def test_each_language_has_its_own_model(probe):
    assert probe["languages"]["en"] == ["buy", "goodbye", "greet"]
    assert probe["languages"]["zh"] == ["buy", "goodbye", "greet", "thank"]


def test_a_language_s_own_options_shape_only_its_model(probe):
    # languages.zh gives the Chinese model the whole-text character block, as config.yml does;
    # the English model keeps none.
    assert probe["text_char_ngrams"] == {"en": None, "zh": [1, 1]}


def test_an_unknown_option_for_a_language_is_named():
    case = {"nlu": nlu(ENGLISH, CHINESE), "texts": ["hello"],
            "classifier": {"route_by_language": True, "languages": {"zh": {"char_grams": [1, 3]}}}}
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=json.dumps(case), cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "languages.zh: unknown option(s) ['char_grams']" in result.stderr


def test_messages_are_routed_by_their_script(parsed):
    for text in ("我想买沪深300", "我 想 买 ETF", "我想買貨幣基金", "我想买ETF"):
        assert parsed[text]["language"] == "zh", text
    for text in ("hello there, friend", "bonding is fun", "hello", "thx"):
        assert parsed[text]["language"] == "en", text
        assert "thank" not in {row["name"] for row in parsed[text]["intent_ranking"]}, text
    assert parsed["我想买沪深300"]["intent"]["name"] == "buy"
    assert parsed["hello"]["intent"]["name"] == "greet"


def test_metadata_names_the_language_of_text_without_han_characters(parsed):
    # "3q" trained the Chinese model only (its block says language: zh); a message whose channel
    # says it is Chinese goes to that model.
    assert parsed["3q "]["language"] == "zh"
    assert parsed["3q "]["intent"]["name"] == "thank"


def test_the_english_model_is_the_one_english_alone_trains(parsed):
    for text in ("hello there, friend", "bonding is fun", "I want bond funds", "hello", "thx"):
        routed, alone = parsed[text]["probabilities"], parsed[text]["english_only"]
        assert routed.keys() == alone.keys()
        assert all(abs(routed[name] - alone[name]) < 1e-12 for name in routed), text
