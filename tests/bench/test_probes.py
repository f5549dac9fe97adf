"""bench/probes/: the probes load in the shapes their benches read, name only known intents and
options, and are never training data (nothing under data/ holds one of their phrasings)."""

from __future__ import annotations

import pytest
import yaml

from bench.answer_reading import held_out_answers, read_all
from bench.nlu_quality import ROOT
from engine.questionnaire import questionnaire

PROBES = ROOT / "bench" / "probes"


def _training_texts() -> set[str]:
    texts = set()
    for path in (ROOT / "data").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            examples = block.get("examples")
            if isinstance(examples, str):
                texts |= {line.strip()[2:].strip() for line in examples.splitlines()
                          if line.strip().startswith("- ")}
    return texts


@pytest.mark.parametrize("name", ["neighbours_zh.yml", "people_and_tax_zh.yml"])
def test_an_intent_probe_names_trained_intents_and_is_not_trained_on(name):
    probe = yaml.safe_load((PROBES / name).read_text(encoding="utf-8"))
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {name for i in domain["intents"] for name in (i if isinstance(i, dict) else [i])}
    phrasings = {block["intent"]: [line.strip()[2:] for line in block["examples"].splitlines()
                                   if line.strip().startswith("- ")] for block in probe["nlu"]}
    assert all(intent.split("/")[0] in intents for intent in phrasings)
    assert all(len(texts) >= 19 for texts in phrasings.values())
    assert not {t for texts in phrasings.values() for t in texts} & _training_texts()


def test_the_self_view_probe_names_the_options_and_reads():
    path = PROBES / "self_view_answers_zh.yml"
    answers = held_out_answers("zh", path)
    [question] = [q for q in questionnaire().questions if q.id == "risk_self_view"]
    assert set(answers) == {"risk_self_view"}
    assert set(answers["risk_self_view"]) == {o.id for o in question.options}
    assert read_all("zh", path)["risk_self_view"].total == 80


def test_the_self_view_degrees_probe_has_each_option_and_reads():
    path = PROBES / "self_view_degrees_zh.yml"
    answers = held_out_answers("zh", path)["risk_self_view"]
    assert {option: len(texts) for option, texts in answers.items()} == {
        "avoider": 30, "cautious": 30, "calculated": 30, "risk_taker": 30}
    assert read_all("zh", path)["risk_self_view"].total == 120
