"""Quality of the advisor's language understanding: intent and entity F1.

Two measurements, both with Rasa's own evaluation (``rasa test nlu``):

- k-fold cross-validation on the training data (data/): every example is classified by a model
  that did not see it, which says how well the data covers each intent;
- the held-out phrasings in tests/nlu/unseen.yml, written apart from the training data and never
  trained on, classified by the trained model (models/advisor.tar.gz): how the bot copes with
  phrasings a new user might type.

For each it prints the intent F1 (macro and weighted average over intents), the accuracy, the
entity F1 of the concept extractor, the share of messages whose top intent falls under the
FallbackClassifier threshold (the bot would answer "I didn't understand"; Rasa's F1 ignores that
fallback and scores the top intent) and the intents with the lowest F1 with what they were taken for.

Run: ``.venv/bin/python -m bench.nlu_quality [--folds 5] [--seed 0] [--config config.yml]
[--skip-cross-validation] [--model PATH] [--language en|zh] [--phrasings PATH]``; ``--language zh``
scores the Chinese held-out phrasings (tests/nlu/unseen_zh.yml), ``--phrasings`` another file of
phrasings (a probe of bench/probes/)
(the held-out part needs models/advisor.tar.gz: ``scripts/train_model.sh``).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from sklearn.metrics import f1_score

from rasa_components.scripts import script_language

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "advisor.tar.gz"
HELD_OUT = ROOT / "tests" / "nlu" / "unseen.yml"
#: The Chinese held-out phrasings, written the same way.
HELD_OUT_ZH = ROOT / "tests" / "nlu" / "unseen_zh.yml"
HELD_OUT_SETS = {"en": HELD_OUT, "zh": HELD_OUT_ZH}
#: The extractors whose entities are scored (the concept lookup table): the pipeline's
#: script-aware one, or Rasa's own in a pipeline without it; the first with a report counts.
ENTITY_EXTRACTORS = ("ScriptRegexEntityExtractor", "RegexEntityExtractor")
#: Keys of Rasa's intent report that are averages, not intents.
_AVERAGES = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass
class Misclassified:
    """A phrasing the model took for another intent."""

    text: str
    expected: str
    predicted: str
    confidence: float

    def __str__(self) -> str:
        return f"{self.text!r}: {self.label}"

    @property
    def label(self) -> str:
        """What was expected and what the model said, without the text (for held-out sets)."""
        return f"{self.expected} -> {self.predicted} ({self.confidence:.2f})"


@dataclass
class NluScores:
    """Intent and entity scores of one evaluation, read from Rasa's JSON reports.

    Attributes
    ----------
    accuracy : float
        Share of examples whose intent was predicted correctly (0..1).
    intent_f1_macro, intent_f1_weighted : float
        F1 averaged over intents, unweighted and weighted by the number of examples (0..1).
    entity_f1 : float or None
        Micro-averaged F1 of the concept extractor (0..1); None when nothing was annotated or found.
    per_intent : dict
        Intent name -> (F1, number of examples, {intent taken for: count}).
    below_fallback : float
        Share of examples whose top intent confidence is under the fallback threshold (0..1).
    errors : list of Misclassified
        The misclassified examples.
    seconds : float
        Wall time of the evaluation, training included (s).
    by_script : dict
        Language of the examples' script (:func:`rasa_components.scripts.script_language`) ->
        (accuracy, macro intent F1, number of examples); a few examples of Chinese shorthand
        without Han characters count as English here.
    """

    accuracy: float
    intent_f1_macro: float
    intent_f1_weighted: float
    entity_f1: float | None
    per_intent: dict[str, tuple[float, int, dict[str, int]]]
    below_fallback: float = math.nan
    errors: list[Misclassified] = field(default_factory=list)
    seconds: float = 0.0
    by_script: dict[str, tuple[float, float, int]] = field(default_factory=dict)

    def worst(self, n: int = 5) -> list[tuple[str, float, int, dict[str, int]]]:
        """The ``n`` intents with the lowest F1, lowest first."""
        ranked = sorted(self.per_intent.items(), key=lambda item: (item[1][0], item[0]))
        return [(name, f1, support, confused) for name, (f1, support, confused) in ranked[:n]]

    def summary(self, title: str, max_errors: int = 40, texts: bool = True) -> str:
        """The scores as text; ``texts=False`` lists misclassifications without their texts (for a
        held-out set, whose texts must not guide the training data)."""
        entity = "n/a" if self.entity_f1 is None else f"{self.entity_f1:.3f}"
        lines = [
            f"{title}",
            f"  intent F1 weighted {self.intent_f1_weighted:.3f}   macro {self.intent_f1_macro:.3f}"
            f"   accuracy {self.accuracy:.3f}   entity F1 {entity}",
            f"  under the fallback threshold {self.below_fallback:.1%}   ({self.seconds:.0f} s)",
        ]
        if len(self.by_script) > 1:
            lines.append("  by script: " + "; ".join(
                f"{language} accuracy {accuracy:.3f}, macro F1 {macro:.3f} (n={n})"
                for language, (accuracy, macro, n) in sorted(self.by_script.items())))
        lines.append("  worst intents:")
        for name, f1, support, confused in self.worst():
            taken = ", ".join(f"{other} x{count}" for other, count in confused.items()) or "-"
            lines.append(f"    {name:22s} F1 {f1:.2f} (n={support})  taken for: {taken}")
        if self.errors:
            lines.append(f"  misclassified ({len(self.errors)}):")
            lines += [f"    {error if texts else error.label}" for error in self.errors[:max_errors]]
            if len(self.errors) > max_errors:
                lines.append(f"    ... and {len(self.errors) - max_errors} more")
        return "\n".join(lines)


def fallback_threshold(config: Path = ROOT / "config.yml") -> float:
    """Confidence under which the FallbackClassifier of ``config`` replaces the intent (0..1)."""
    pipeline = yaml.safe_load(config.read_text()).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))  # 0.3 is Rasa's default
    return 0.0


def _rows(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def _misclassified(row: dict) -> Misclassified:
    predicted = row.get("intent_prediction") or {}
    return Misclassified(row["text"], row["intent"], predicted.get("name") or "-",
                         float(predicted.get("confidence") or 0.0))


def read_scores(report_dir: Path, seconds: float = 0.0) -> NluScores:
    """Read the intent and entity scores that ``rasa test nlu`` wrote to ``report_dir``."""
    intent_path = report_dir / "intent_report.json"
    if not intent_path.exists():
        raise FileNotFoundError(f"no intent report in {report_dir}: did `rasa test nlu` fail?")
    report = json.loads(intent_path.read_text())
    per_intent = {
        name: (row["f1-score"], int(row["support"]), dict(row.get("confused_with", {})))
        for name, row in report.items()
        if name not in _AVERAGES
    }
    entity_f1 = None
    entity_path = next((report_dir / f"{name}_report.json" for name in ENTITY_EXTRACTORS
                        if (report_dir / f"{name}_report.json").exists()), None)
    if entity_path is not None:
        entity = json.loads(entity_path.read_text())
        average = entity.get("micro avg") or entity.get("weighted avg")
        if average and average.get("support"):
            entity_f1 = average["f1-score"]
    errors = [_misclassified(row) for row in _rows(report_dir / "intent_errors.json")]
    successes = [_misclassified(row) for row in _rows(report_dir / "intent_successes.json")]
    predictions = errors + successes
    threshold = fallback_threshold()
    below_fallback = (sum(p.confidence < threshold for p in predictions) / len(predictions)
                      if predictions else math.nan)
    accuracy = report.get("accuracy")
    if accuracy is None:  # Rasa writes "micro avg" instead when some labels are missing
        accuracy = report["micro avg"]["f1-score"]
    by_script: dict[str, tuple[float, float, int]] = {}
    for language in sorted({script_language(p.text) for p in predictions}):
        rows = [p for p in predictions if script_language(p.text) == language]
        expected, predicted = [p.expected for p in rows], [p.predicted for p in rows]
        by_script[language] = (
            float(np.mean([e == g for e, g in zip(expected, predicted, strict=True)])),
            float(f1_score(expected, predicted, labels=sorted(set(expected)), average="macro",
                           zero_division=0)),
            len(rows))
    return NluScores(
        accuracy=accuracy,
        intent_f1_macro=report["macro avg"]["f1-score"],
        intent_f1_weighted=report["weighted avg"]["f1-score"],
        entity_f1=entity_f1,
        per_intent=per_intent,
        below_fallback=below_fallback,
        errors=errors,
        seconds=seconds,
        by_script=by_script,
    )


#: Runs Rasa's command line after seeding numpy's global generator. Rasa draws its
#: cross-validation folds from that generator (an unseeded StratifiedKFold), so without a seed two
#: runs on the same data score different folds and differ by about 0.005 F1; with one, a change to
#: the data or the pipeline is compared on the same split. Rasa's YAML writer, which writes each
#: fold, is made to keep every lookup table's words first (bench/rasa_lookup_tables.py).
_SEEDED_RASA = (
    "import sys, numpy\n"
    "numpy.random.seed(int(sys.argv.pop(1)))\n"
    "sys.path.insert(0, '.')\n"
    "from bench.rasa_lookup_tables import join_lookup_tables\n"
    "join_lookup_tables()\n"
    "from rasa.__main__ import main\n"
    "sys.argv[0] = 'rasa'\n"
    "sys.exit(main())\n"
)


def _rasa_test_nlu(arguments: list[str], out: Path, seed: int = 0) -> NluScores:
    command = [str(RASA_PYTHON), "-c", _SEEDED_RASA, str(seed),
               "test", "nlu", *arguments, "--successes", "--out", str(out)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed:\n{result.stderr[-3000:]}")
    return read_scores(out, seconds)


def cross_validate(folds: int = 5, out: Path | None = None, seed: int = 0,
                   config: Path = ROOT / "config.yml") -> NluScores:
    """K-fold cross-validation of the NLU pipeline (``config``) on the training data (data/).

    The scores are those of the test folds: each example is scored by a model trained without it.
    ``seed`` fixes the split into folds, so that the same data and pipeline score the same.
    """
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    out = out or Path(tempfile.mkdtemp(prefix="nlu-cv-"))
    arguments = ["--nlu", "data", "--config", str(config), "--domain", "domain.yml",
                 "--cross-validation", "--folds", str(folds)]
    return _rasa_test_nlu(arguments, out, seed)


def held_out(model: Path = MODEL, phrasings: Path = HELD_OUT, out: Path | None = None) -> NluScores:
    """Classify the held-out phrasings with a trained model and score them."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run scripts/train_model.sh")
    if not phrasings.exists():
        raise FileNotFoundError(f"no held-out phrasings at {phrasings}")
    out = out or Path(tempfile.mkdtemp(prefix="nlu-held-out-"))
    return _rasa_test_nlu(["--model", str(model), "--nlu", str(phrasings)], out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the split into folds (default 0)")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="pipeline to cross-validate (default config.yml)")
    parser.add_argument("--skip-cross-validation", action="store_true",
                        help="only score the held-out phrasings")
    parser.add_argument("--model", type=Path, default=MODEL, help="model for the held-out set")
    parser.add_argument("--language", choices=sorted(HELD_OUT_SETS), default="en",
                        help="language of the held-out phrasings (default en)")
    parser.add_argument("--phrasings", type=Path,
                        help="score these phrasings (Rasa NLU YAML, e.g. a probe of bench/probes/) "
                             "instead of the language's held-out set")
    args = parser.parse_args()
    if not args.skip_cross_validation:
        scores = cross_validate(args.folds, seed=args.seed, config=args.config)
        print(scores.summary(f"{args.folds}-fold cross-validation (data/, seed {args.seed})"))
    phrasings = (args.phrasings or HELD_OUT_SETS[args.language]).resolve()
    if not phrasings.is_file():
        raise SystemExit(f"no phrasings file at {phrasings}")
    shown = phrasings.relative_to(ROOT) if phrasings.is_relative_to(ROOT) else phrasings
    print(held_out(args.model, phrasings).summary(f"Phrasings ({shown})", texts=False))


if __name__ == "__main__":
    main()
