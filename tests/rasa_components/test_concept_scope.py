"""The concept scope (rasa_components/concept_scope.py) inside Rasa's NLU pipeline: after the
lookup table has marked every concept word, an everyday question or a boundary (a retrieval
intent) keeps no ``concept`` entity, while an explanation request or any other intent keeps its
own. concept_scope_probe.py trains the pipeline's intent classifier and Rasa's lookup-table
extractor on the case's data and runs the three components on each text.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from bench.nlu_quality import RASA_PYTHON, ROOT

PROBE = ROOT / "tests" / "rasa_components" / "concept_scope_probe.py"

NLU = """version: "3.1"
nlu:
- intent: explain
  examples: |
    - what is [cash](concept)
    - explain [bonds](concept) to me
    - why do I hold [cash](concept)
    - tell me about [bonds](concept)
    - what are [shares](concept)
- intent: individual_security
  examples: |
    - should I buy Apple [shares](concept)
    - is Tesla a good buy
    - which [shares](concept) will go up
    - should I sell my Nvidia [shares](concept)
    - is bitcoin a good investment
- intent: faq/emergency_fund
  examples: |
    - how much cash should I keep for emergencies
    - do I need a rainy day fund first
    - how many months of spending should I put aside
    - should I keep savings for a crisis
    - is an emergency pot needed before investing
- intent: boundary/tax_legal
  examples: |
    - how do I declare my shares on my tax return
    - what tax do I pay when I sell
    - can you do my taxes
    - is my inheritance taxed
    - do I owe tax on my gains
- lookup: concept
  examples: |
    - cash
    - bonds
    - shares
responses:
  utter_faq/emergency_fund:
  - text: "Emergency fund answer."
  utter_boundary/tax_legal:
  - text: "No tax advice."
"""

TEXTS = ["how much cash should I keep aside for emergencies",
         "how do I put my shares on my tax return",
         "what is cash",
         "should I buy Apple shares"]


def probe(texts: list[str], config: dict | None = None) -> list[dict]:
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    case = json.dumps({"nlu": NLU, "texts": texts, "config": config or {}})
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=case, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])["parsed"]


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    return {p["text"]: p for p in probe(TEXTS)}


def test_everyday_questions_and_boundaries_keep_no_concept(parsed):
    emergency = parsed["how much cash should I keep aside for emergencies"]
    tax = parsed["how do I put my shares on my tax return"]
    assert (emergency["intent"], tax["intent"]) == ("faq", "boundary")
    # The lookup table marked the word; the scope took it away.
    assert emergency["extracted"] == [["concept", "cash"]]
    assert tax["extracted"] == [["concept", "shares"]]
    assert emergency["kept"] == [] and tax["kept"] == []


def test_other_intents_keep_their_concept(parsed):
    explain = parsed["what is cash"]
    security = parsed["should I buy Apple shares"]
    assert (explain["intent"], security["intent"]) == ("explain", "individual_security")
    assert explain["kept"] == explain["extracted"] == [["concept", "cash"]]
    assert security["kept"] == security["extracted"] == [["concept", "shares"]]


def test_the_entities_dropped_are_configurable():
    kept = probe(["how much cash should I keep aside for emergencies"],
                 {"entities": ["choice"]})[0]
    assert kept["intent"] == "faq"
    assert kept["kept"] == [["concept", "cash"]]


def test_a_wrong_entities_option_is_named():
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    case = json.dumps({"nlu": NLU, "texts": ["what is cash"], "config": {"entities": "concept"}})
    result = subprocess.run([str(RASA_PYTHON), str(PROBE)], input=case, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "ConceptScope: 'entities' must be a list of entity names, got 'concept'" in result.stderr
