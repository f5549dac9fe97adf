"""The pipeline's intent classifier (rasa_components/intent_classifier.py) inside Rasa: trained on
NLU data with retrieval intents (``faq/fees``), it answers the retrieval intent as one intent whose
confidence is the sum of its keys', and picks the key in the shape of Rasa's ResponseSelector, so
that Rasa's own retrieval action sends that key's response. Without retrieval intents it parses as
before.

The classifier runs in the Rasa environment: intent_classifier_probe.py trains it, reads it back
from storage, parses the texts and runs Rasa's ActionRetrieveResponse on each parse.
"""

from __future__ import annotations

import json
import math
import subprocess
import zlib

import pytest

from bench.nlu_quality import RASA_PYTHON, ROOT

PROBE = ROOT / "tests" / "rasa_components" / "intent_classifier_probe.py"

GREET = """
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
    - hiya, anyone around
"""
GOODBYE = """
- intent: goodbye
  examples: |
    - bye
    - see you later
    - goodbye for now
    - cheers, I'm off
    - talk to you tomorrow
"""
RETRIEVAL = """
- intent: faq/fees
  examples: |
    - what are your fees
    - how much do you charge
    - what does the service cost
    - is it free to use
    - what are the charges each year
- intent: faq/minimum_amount
  examples: |
    - what is the minimum to invest
    - can I start with a small amount
    - how little can I put in
    - is there a minimum deposit
    - do I need a lot of money to start
- intent: boundary/returns_promise
  examples: |
    - guarantee me a return
    - promise me ten percent a year
    - how much will I make for sure
    - will I double my money
    - what return can you guarantee
responses:
  utter_faq/fees:
  - text: "Fees answer."
  utter_faq/minimum_amount:
  - text: "Minimum answer."
  utter_boundary/returns_promise:
  - text: "No promised returns."
"""


def probe(nlu: str, texts: list[str], config: dict | None = None) -> dict:
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    case = json.dumps({"nlu": nlu, "texts": texts, "config": config or {}})
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=case, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def retrieval() -> dict:
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE + RETRIEVAL
    return probe(nlu, ["how much do you charge me", "hello there", "is there a minimum",
                       "promise me a return"])


def test_the_model_learns_each_key_of_a_retrieval_intent_as_a_class(retrieval):
    assert retrieval["classes"] == ["boundary/returns_promise", "faq/fees", "faq/minimum_amount",
                                    "goodbye", "greet"]


def test_a_retrieval_intent_ranks_as_one_intent_with_the_sum_of_its_keys(retrieval):
    fees, hello = retrieval["parsed"][:2]
    for parse in (fees, hello):
        ranking = {row["name"]: row["confidence"] for row in parse["intent_ranking"]}
        p = parse["probabilities"]
        assert set(ranking) == {"faq", "boundary", "greet", "goodbye"}
        assert ranking["faq"] == pytest.approx(p["faq/fees"] + p["faq/minimum_amount"])
        assert ranking["boundary"] == pytest.approx(p["boundary/returns_promise"])
        assert ranking["greet"] == pytest.approx(p["greet"])
        assert math.fsum(ranking.values()) == pytest.approx(1.0)
        confidences = [row["confidence"] for row in parse["intent_ranking"]]
        assert confidences == sorted(confidences, reverse=True)
        assert parse["intent"] == parse["intent_ranking"][0]
    assert fees["intent"]["name"] == "faq"
    assert hello["intent"]["name"] == "greet"


def test_the_response_selector_has_the_shape_rasa_s_response_selector_writes(retrieval):
    fees = retrieval["parsed"][0]
    selector = fees["response_selector"]
    assert set(selector) == {"all_retrieval_intents", "faq", "boundary"}
    assert selector["all_retrieval_intents"] == ["boundary", "faq"]
    p = fees["probabilities"]
    faq_total = p["faq/fees"] + p["faq/minimum_amount"]
    response = selector["faq"]["response"]
    assert response == {
        "id": zlib.crc32(b"faq/fees"),
        "responses": [{"text": "Fees answer."}],
        "confidence": pytest.approx(p["faq/fees"] / faq_total),
        "intent_response_key": "faq/fees",
        "utter_action": "utter_faq/fees",
        "template_name": "utter_faq/fees",
    }
    ranking = selector["faq"]["ranking"]
    assert [row["intent_response_key"] for row in ranking] == ["faq/fees", "faq/minimum_amount"]
    assert ranking[1] == {"id": zlib.crc32(b"faq/minimum_amount"),
                          "confidence": pytest.approx(p["faq/minimum_amount"] / faq_total),
                          "intent_response_key": "faq/minimum_amount"}
    # One key alone: it is certain given its intent, however unlikely the intent.
    assert selector["boundary"]["response"]["confidence"] == pytest.approx(1.0)
    assert selector["boundary"]["response"]["utter_action"] == "utter_boundary/returns_promise"


def test_rasa_s_retrieval_actions_send_the_response_of_the_chosen_key(retrieval):
    fees, hello, minimum, promise = retrieval["parsed"]
    assert fees["retrieved"]["faq"] == {"text": "Fees answer.", "utter_action": "utter_faq/fees"}
    assert minimum["intent"]["name"] == "faq"
    assert minimum["retrieved"]["faq"] == {"text": "Minimum answer.",
                                           "utter_action": "utter_faq/minimum_amount"}
    assert promise["intent"]["name"] == "boundary"
    assert promise["retrieved"]["boundary"] == {"text": "No promised returns.",
                                                "utter_action": "utter_boundary/returns_promise"}
    # The selector is set on every message, as the ResponseSelector does; the dialogue decides
    # whether utter_faq runs.
    assert hello["retrieved"]["faq"]["utter_action"].startswith("utter_faq/")


def test_without_retrieval_intents_the_parse_is_the_models_ranking_and_nothing_else():
    result = probe('version: "3.1"\nnlu:' + GREET + GOODBYE, ["hello there", "bye now"])
    assert result["classes"] == ["goodbye", "greet"]
    for parse, expected in zip(result["parsed"], ["greet", "goodbye"], strict=True):
        assert "response_selector" not in parse
        assert parse["retrieved"] == {}
        ranking = [(row["name"], row["confidence"]) for row in parse["intent_ranking"]]
        model = sorted(parse["probabilities"].items(), key=lambda item: -item[1])
        assert ranking == [(name, pytest.approx(p)) for name, p in model]
        assert parse["intent"]["name"] == expected


GREETED = ["hello hello, good morning! how much do you charge",
           "hello hello good morning, is there a minimum"]
#: A greeting followed by too little, or by more greeting, stays a greeting.
STILL_GREETINGS = ["hello, fees?", "hi there, good morning"]


def test_a_greeting_before_a_question_is_read_past_when_the_whole_reads_as_the_greeting():
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE + RETRIEVAL
    plain = probe(nlu, GREETED + STILL_GREETINGS)
    assert [p["intent"]["name"] for p in plain["parsed"]] == ["greet"] * 4
    greeted = probe(nlu, GREETED + STILL_GREETINGS,
                    {"greeting_intent": "greet", "greeting_rest_confidence": 0.3})
    parses = greeted["parsed"]
    assert [p["intent"]["name"] for p in parses] == ["faq", "faq", "greet", "greet"]
    assert [p["response_selector"]["faq"]["response"]["intent_response_key"]
            for p in parses[:2]] == ["faq/fees", "faq/minimum_amount"]
    # The rest's reading replaces the whole ranking, and the keys' with it.
    assert parses[0]["retrieved"]["faq"]["text"] == "Fees answer."


def test_a_greeting_is_not_read_past_when_the_rest_is_unsure():
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE + RETRIEVAL
    unsure = probe(nlu, GREETED, {"greeting_intent": "greet", "greeting_rest_confidence": 0.99})
    assert [p["intent"]["name"] for p in unsure["parsed"]] == ["greet", "greet"]


TAX = """
- intent: boundary/tax_legal
  examples: |
    - do I pay tax on my gains
    - how is my pension taxed
    - can you do my tax return
    - is this legal
    - I need a lawyer
responses:
  utter_boundary/tax_legal:
  - text: "No tax advice."
"""
#: Questions about fees that name a tax word, one only inside an exception ("after tax").
TAXED_FEES = ["how much do you charge and is that tax deductible",
              "what are your fees after tax", "what does the service cost each year"]


def test_a_question_holding_a_topic_word_is_read_as_the_topic(tmp_path):
    words = tmp_path / "tax_legal.txt"
    words.write_text("# tax words\ntax\nlawyer\n!after tax\n", encoding="utf-8")
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE + RETRIEVAL.split("responses:")[0] + TAX \
        + RETRIEVAL.split("responses:")[1]
    plain = probe(nlu, TAXED_FEES)
    assert [p["response_selector"]["faq"]["response"]["intent_response_key"]
            for p in plain["parsed"]] == ["faq/fees"] * 3
    assert [p["intent"]["name"] for p in plain["parsed"]] == ["faq"] * 3
    rule = {"boundary/tax_legal": {"words": str(words), "over": ["faq"],
                                   "keep": ["faq/minimum_amount"]}}
    settled = probe(nlu, TAXED_FEES, {"topic_words": rule})
    taxed, after_tax, fees = settled["parsed"]
    assert taxed["intent"]["name"] == "boundary"
    # The topic takes the first reading's confidence, and the first reading the topic's.
    first = plain["parsed"][0]["intent_ranking"]
    ranking = {row["name"]: row["confidence"] for row in taxed["intent_ranking"]}
    assert ranking["boundary"] == pytest.approx(first[0]["confidence"])
    assert ranking["faq"] == pytest.approx(
        next(row["confidence"] for row in first if row["name"] == "boundary"))
    assert taxed["retrieved"]["boundary"] == {"text": "No tax advice.",
                                              "utter_action": "utter_boundary/tax_legal"}
    # A word inside an exception, or none at all: the first reading stands.
    assert [p["intent"]["name"] for p in (after_tax, fees)] == ["faq", "faq"]
    assert after_tax["intent_ranking"] == plain["parsed"][1]["intent_ranking"]


def test_a_kept_key_or_an_intent_not_read_past_stays(tmp_path):
    words = tmp_path / "tax_legal.txt"
    words.write_text("tax\n", encoding="utf-8")
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE + RETRIEVAL.split("responses:")[0] + TAX \
        + RETRIEVAL.split("responses:")[1]
    texts = ["how much do you charge and is that tax deductible"]
    kept = probe(nlu, texts, {"topic_words": {"boundary/tax_legal": {
        "words": str(words), "over": ["faq"], "keep": ["faq/fees"]}}})
    elsewhere = probe(nlu, texts, {"topic_words": {"boundary/tax_legal": {
        "words": str(words), "over": ["greet"]}}})
    for result in (kept, elsewhere):
        assert result["parsed"][0]["response_selector"]["faq"]["response"][
            "intent_response_key"] == "faq/fees"
        assert result["parsed"][0]["intent"]["name"] == "faq"


@pytest.mark.parametrize(("option", "problem"), [
    ("tax.txt", "a mapping of retrieval keys"),
    ({"tax_legal": {"words": "tax.txt", "over": ["faq"]}}, "is not a retrieval key"),
    ({"boundary/tax_legal": {"over": ["faq"]}}, "'words' must name a words file"),
    ({"boundary/tax_legal": {"words": "tax.txt"}}, "'over' must list"),
])
def test_a_wrong_topic_words_option_is_named(option, problem):
    nlu = 'version: "3.1"\nnlu:' + GREET + GOODBYE
    case = json.dumps({"nlu": nlu, "texts": [], "config": {"topic_words": option}})
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=case, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert problem in result.stderr
