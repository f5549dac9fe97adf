"""The trained model understands phrasings it was never trained on (tests/nlu/unseen.yml; that
none of them copies a training example is test_held_out_guard.py's check).

The model is trained first by scripts/train_model.sh, which reuses models/advisor.tar.gz when
config.yml, the domain and data/ are unchanged.

A retrieval intent's phrasings (``faq/fees``) count, as in Rasa's own evaluation, for the intent
(``faq``) in the intent scores, and for the key (``faq/fees``) in Rasa's response selection report,
which says whether the question would get the right answer.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from bench.nlu_quality import HELD_OUT, ROOT, held_out

pytestmark = pytest.mark.slow

#: Floor under the share of retrieval-intent phrasings whose key the model picks (Rasa's response
#: selection accuracy; measured 0.929 on 85 phrasings, see README).
KEY_ACCURACY_FLOOR = 0.85
#: Held-out phrasings each intent and each retrieval key needs at least.
MIN_PHRASINGS = {"intent": 5, "key": 6}
#: Floors under the measured held-out scores (accuracy 0.925, macro F1 0.920 on 266 phrasings,
#: 2026-12-05; 0.921 and 0.916 since a greeting before a request is read past, when one greeting
#: followed by small talk became out of scope; README), leaving room for about one more
#: misreading after a change to the data.
#: They were 0.93 until the intent not_following ("huh?") came in: a complaint about not
#: understanding now sits on its border, and two more phrasings were misread (README, "Measured
#: figures").
ACCURACY_FLOOR = 0.915
MACRO_F1_FLOOR = 0.91
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _examples(path) -> dict[str, str]:
    """Plain text of every example in a Rasa NLU file -> its intent (annotations removed)."""
    examples = {}
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            # "[bonds](concept)" reads "bonds" to the classifier.
            text = ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
            if text:
                examples[text.lower()] = block["intent"]
    return examples


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, trained_model):
    return tmp_path_factory.mktemp("nlu-held-out")


@pytest.fixture(scope="module")
def scores(report_dir):
    return held_out(out=report_dir)


def test_every_intent_and_every_retrieval_key_has_held_out_phrasings():
    counts: dict[str, int] = {}
    for label in _examples(HELD_OUT).values():
        intent = label.partition("/")[0]
        counts[intent] = counts.get(intent, 0) + 1
        if label != intent:
            counts[label] = counts.get(label, 0) + 1
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text()).get("intents") or [])
    keys = {name.removeprefix("utter_") for name in
            yaml.safe_load((ROOT / "domain.yml").read_text()).get("responses") or {}
            if "/" in name}
    thin = {name: counts.get(name, 0) for name in sorted(intents)
            if counts.get(name, 0) < MIN_PHRASINGS["intent"]}
    thin |= {name: counts.get(name, 0) for name in sorted(keys)
             if counts.get(name, 0) < MIN_PHRASINGS["key"]}
    assert not thin, f"intents or retrieval keys with too few held-out phrasings: {thin}"


def test_unseen_phrasings_get_the_right_intent(scores):
    # Labels only: the held-out texts must not guide the training data.
    misread = "\n".join(error.label for error in scores.errors)
    assert scores.accuracy >= ACCURACY_FLOOR, (
        f"held-out intent accuracy {scores.accuracy:.3f} < {ACCURACY_FLOOR}; misclassified:\n"
        f"{misread}"
    )
    assert scores.intent_f1_macro >= MACRO_F1_FLOOR, (
        f"held-out macro intent F1 {scores.intent_f1_macro:.3f} < {MACRO_F1_FLOOR}; worst: "
        f"{scores.worst(3)}"
    )


def test_unseen_questions_get_the_answer_of_their_key(scores, report_dir):
    """Rasa's response selection report: for each phrasing of a retrieval key, the key the
    classifier selects within its retrieval intent."""
    path = report_dir / "response_selection_report.json"
    assert path.exists(), "Rasa wrote no response selection report: are retrieval keys scored?"
    report = json.loads(path.read_text())
    accuracy = report.get("accuracy", (report.get("micro avg") or {}).get("f1-score"))
    errors_path = report_dir / "response_selection_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    misread = "\n".join(f"{e['intent_response_key_target']} -> "
                         f"{e['intent_response_key_prediction']['name']}" for e in errors)
    assert accuracy >= KEY_ACCURACY_FLOOR, (
        f"held-out key accuracy {accuracy:.3f} < {KEY_ACCURACY_FLOOR}; misread:\n{misread}")
