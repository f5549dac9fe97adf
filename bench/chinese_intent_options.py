"""Which options suit the Chinese intent model: 5-fold cross-validation of that model alone.

    .venv/bin/python -m bench.chinese_intent_options [--folds 5] [--seed 0]

The Chinese training examples (data/, the language the classifier routes them to) are cut into
jieba's words by the pipeline's own tokenizer, in the Rasa environment, as training does. Then, for
each choice of ``C`` and of the whole-text character block (``text_char_ngrams``), the linear model
of rasa_components/linear_intents.py is trained on four folds and scored on the fifth, with the
Chinese pattern cues of the data. A prediction counts as the pipeline would answer it: the keys of
a retrieval intent (``faq/fees``) add up to the intent, and a top intent under the fallback
threshold (0.4, or within 0.05 of the second) is a miss. Reported: the share of examples whose
intent is right (a retrieval intent by its name, ``faq``), and whose key is right too.

This scores options, not the data: the held-out phrasings (tests/nlu/unseen_zh.yml) and the field
set are never read here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import warnings

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bench.nlu_quality import RASA_PYTHON, ROOT
from rasa_components.linear_intents import LinearIntentModel

#: The pipeline's FallbackClassifier settings (config.yml).
THRESHOLD = 0.4
AMBIGUITY = 0.05
#: (C, text_char_ngrams) pairs compared by default; the first is the model as it was before the
#: character block, the last the one config.yml uses.
CHOICES = ((100.0, None), (300.0, None), (100.0, (1, 1)), (100.0, (1, 2)), (100.0, (1, 3)),
           (300.0, (1, 2)), (1000.0, (1, 1)), (300.0, (1, 1)))

#: Prints the Chinese training examples as the classifier reads them, and the Chinese patterns.
_EXAMPLES = """
import json, sys
sys.path.insert(0, ".")
import yaml
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import TEXT
from rasa_components.bilingual_tokenizer import BilingualTokenizer
from rasa_components.intent_classifier import label
from rasa_components.scripts import CHINESE, has_cjk, language_of
import tempfile, pathlib

config = yaml.safe_load(open("config.yml"))
tokenizer_config = next(c for c in config["pipeline"] if c["name"].endswith("BilingualTokenizer"))
storage = LocalModelStorage(pathlib.Path(tempfile.mkdtemp()))
tokenizer = BilingualTokenizer.create(
    {**BilingualTokenizer.get_default_config(), **tokenizer_config}, storage, Resource("t"), None)
data = TrainingDataImporter.load_from_dict(training_data_paths=["data"]).get_nlu_data()
data = tokenizer.process_training_data(data)
rows = []
for example in data.intent_examples:
    text = example.get(TEXT)
    if not text or not example.get("intent"):
        continue
    if language_of(text, example.get("metadata")) != CHINESE:
        continue
    tokens = example.get("text_tokens") or []
    read = " ".join(t.text for t in tokens) if has_cjk(text) and tokens else text
    rows.append([read, label(example)])
patterns = [[row["name"], row["pattern"]] for row in data.regex_features if has_cjk(row["pattern"])]
print(json.dumps({"examples": rows, "patterns": patterns}, ensure_ascii=False))
"""


def chinese_examples() -> tuple[list[str], list[str], dict[str, str]]:
    """Texts (as the classifier reads them), labels and pattern cues of the Chinese model."""
    if not RASA_PYTHON.exists():
        raise FileNotFoundError(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    result = subprocess.run([str(RASA_PYTHON), "-c", _EXAMPLES], cwd=ROOT, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"reading the training data failed:\n{result.stderr[-3000:]}")
    read = json.loads(result.stdout.splitlines()[-1])
    grouped: dict[str, list[str]] = {}
    for name, pattern in read["patterns"]:
        grouped.setdefault(name, []).append(pattern)
    patterns = {name: "|".join(f"(?:{p})" for p in rows) for name, rows in grouped.items()}
    texts, labels = zip(*read["examples"], strict=True)
    return list(texts), list(labels), patterns


def answered(model: LinearIntentModel, texts: list[str]) -> list[tuple[str, str]]:
    """(intent, key) the pipeline would act on for each text; ``nlu_fallback`` under threshold."""
    bases = sorted({name.split("/")[0] for name in model.classes})
    columns = {base: [i for i, name in enumerate(model.classes) if name.split("/")[0] == base]
               for base in bases}
    out = []
    for row in model.probabilities(texts):
        ranked = sorted(((row[columns[base]].sum(), base) for base in bases), reverse=True)
        confidence, intent = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if confidence < THRESHOLD or confidence - runner_up < AMBIGUITY:
            out.append(("nlu_fallback", "nlu_fallback"))
            continue
        key = max(columns[intent], key=lambda i: row[i])
        out.append((intent, model.classes[key]))
    return out


def cross_validate(texts: list[str], labels: list[str], patterns: dict[str, str], c: float,
                   text_char_ngrams: tuple[int, int] | None, folds: int = 5,
                   seed: int = 0) -> tuple[float, float]:
    """Mean share over the test folds of right intents and of right keys."""
    split = StratifiedKFold(folds, shuffle=True, random_state=seed)
    intents, keys = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # intents with fewer examples than folds
        for train, test in split.split(texts, labels):
            model = LinearIntentModel.fit([texts[i] for i in train], [labels[i] for i in train],
                                          patterns, c=c, text_char_ngrams=text_char_ngrams)
            got = answered(model, [texts[i] for i in test])
            truth = [labels[i] for i in test]
            intents.append(np.mean([g[0] == t.split("/")[0] for g, t in zip(got, truth, strict=True)]))
            keys.append(np.mean([g[1] == t for g, t in zip(got, truth, strict=True)]))
    return float(np.mean(intents)), float(np.mean(keys))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.folds < 2:
        parser.error(f"cross-validation needs at least 2 folds, got {args.folds}")
    texts, labels, patterns = chinese_examples()
    print(f"{len(texts)} Chinese examples, {len(set(labels))} classes, {len(patterns)} pattern "
          f"cues; {args.folds}-fold cross-validation, seed {args.seed}")
    print("| C | whole-text characters | intent right | key right |")
    print("|---:|---|---:|---:|")
    for c, text_chars in CHOICES:
        intent, key = cross_validate(texts, labels, patterns, c, text_chars, args.folds, args.seed)
        shown = "-" if text_chars is None else f"{text_chars[0]}-{text_chars[1]}"
        print(f"| {c:g} | {shown} | {intent:.3f} | {key:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
