"""The training data survive Rasa's own YAML writer: `rasa test nlu --cross-validation` writes each
fold's examples to one file and trains on what it reads back, so every example must come back with
its text, intent and language, and every lookup table with all its words (Rasa's writer keeps one
table per name unless bench/rasa_lookup_tables.py joins them, as bench.nlu_quality does).

Rasa's writer groups the examples of an intent into one block and gives the whole block the
metadata of an intent-level ``metadata:``; a block of Chinese shorthand marked ``language: zh`` at
the intent level would make every English example of that intent Chinese in cross-validation. The
data therefore mark a language on each example (``- text: ... metadata: {language: zh}``).
"""

from __future__ import annotations

import functools
import json
import subprocess

import pytest

from bench.nlu_quality import RASA_PYTHON, ROOT

ROUND_TRIP = """
import json, sys, tempfile
sys.path.insert(0, ".")
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader, RasaYAMLWriter
from rasa_components.scripts import language_of
from bench.rasa_lookup_tables import join_lookup_tables

def rows(data):
    return sorted([e.get("text"), e.get_full_intent(), language_of(e.get("text"), e.get("metadata"))]
                  for e in data.intent_examples)

def words(data):
    out = {}
    for table in data.lookup_tables:
        out.setdefault(table["name"], set()).update(table["elements"])
    return {name: sorted(elements) for name, elements in out.items()}

join_lookup_tables()
data = TrainingDataImporter.load_from_dict(training_data_paths=["data"]).get_nlu_data()
with tempfile.NamedTemporaryFile(suffix=".yml") as file:
    RasaYAMLWriter().dump(file.name, data)
    back = RasaYAMLReader().read(file.name)
print(json.dumps({"before": rows(data), "after": rows(back), "tables": len(data.lookup_tables),
                  "words_before": words(data), "words_after": words(back)}, ensure_ascii=False))
"""


@functools.cache
def _round_trip() -> dict:
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    result = subprocess.run([str(RASA_PYTHON), "-c", ROUND_TRIP], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_every_example_comes_back_from_rasa_s_writer_with_its_language():
    rows = _round_trip()
    before, after = rows["before"], rows["after"]
    assert {language for _, _, language in before} == {"en", "zh"}
    changed = [row for row in before if row not in after] + [row for row in after if row not in before]
    assert not changed, f"{len(changed)} examples change in the round trip, e.g. {changed[:3]}"
    assert len(before) == len(after)


def test_every_lookup_table_word_comes_back_from_rasa_s_writer():
    rows = _round_trip()
    assert rows["tables"] > 1  # the concept words are written in several files
    assert rows["words_after"] == rows["words_before"]
