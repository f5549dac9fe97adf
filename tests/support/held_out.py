"""Whether phrasings kept out of training really are: none of them is, to the intent classifier, a
training example or a near copy of one.

Training examples are read by Rasa's own loaders, as `rasa train` and `rasa test nlu` read them
(entity annotations removed, repeated examples merged, every file under data/), and compared as the
classifier sees them: :func:`rasa_components.linear_intents.words`, i.e. lower-cased, every number
one token, punctuation dropped. "I'm 27" and "actually, I'm 39" are therefore the same phrasings as
the training examples "I'm 42" and "actually I'm 50". Chinese phrasings are compared by their
jieba words instead (:func:`support.chinese_words.chinese_words`). A phrasing that opens with a
greeting is compared without it too, as the classifier reads it without one when the whole reads
as a greeting (:mod:`lexicon.greetings`; the greetings are the short training examples of the
``greeting_intent`` of config.yml): "您好，我想开户" is a copy of the example "我想开户". Used by the
held-out NLU sets (tests/nlu/test_held_out_guard.py) and the field sets
(tests/field/test_field_set_guard.py).
"""

from __future__ import annotations

import json
import subprocess
from difflib import SequenceMatcher

import pytest
import yaml

from bench.nlu_quality import RASA_PYTHON, ROOT
from lexicon.greetings import greetings, rest_after_greeting
from support.chinese_words import compared_words

#: Held-out phrasings at or above this similarity to a training example are near copies. The
#: similarity is difflib's ratio over the classifier's word sequences, 2 * (words matched in
#: order) / (words in both), so 0.72 means about three words in four shared, in order: one word
#: changed in four ("your charges are too high" against "your fees are too high" 0.8), one added to
#: two or more ("stop the questionnaire please" against "stop the questionnaire" 0.86), one
#: changed and one added in five ("should I buy Nvidia stock now" against "should I buy Tesla
#: stock" 0.73), a number aside. Phrasings that merely share a frame score lower ("I want advice on
#: where to put my savings" against "I want to put my savings to work" 0.71, "why did you choose
#: this mix for me" against "why did you recommend this for someone like me" 0.71). Words, not
#: characters: on characters a word changed in a short phrasing scores like an unrelated phrasing
#: with similar letters ("no target really" against "not really" 0.77). Another intent's examples
#: count too: a phrasing a word or two from any training example tests recall of that example.
NEAR_COPY = 0.72

#: Prints [text, intent] of every intent example Rasa reads from each path (a data directory, as
#: `rasa train` imports it, or one NLU file, as `rasa test nlu` reads it).
_RASA_EXAMPLES = """
import json, sys
from pathlib import Path
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data

out = []
for path in sys.argv[1:]:
    if Path(path).is_dir():
        data = TrainingDataImporter.load_from_dict(training_data_paths=[path]).get_nlu_data()
    else:
        data = load_data(path)
    out.append([[m.get(TEXT), m.get(INTENT)] for m in data.intent_examples])
print(json.dumps(out))
"""


def rasa_examples(*paths) -> list[list[tuple[str, str]]]:
    """The (text, intent) pairs Rasa reads from each of ``paths``."""
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: run `make setup`")
    result = subprocess.run([str(RASA_PYTHON), "-c", _RASA_EXAMPLES, *map(str, paths)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"Rasa could not read {paths}:\n{result.stderr[-3000:]}"
    return [[(text, intent) for text, intent in rows]
            for rows in json.loads(result.stdout.splitlines()[-1])]


def greeting_intent() -> str | None:
    """The intent whose short examples are greetings a message may open with (config.yml)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return next((c.get("greeting_intent") for c in config.get("pipeline") or []
                 if c.get("greeting_intent")), None)


def compared_forms(text: str, known: list[str]) -> list[list[str]]:
    """The word sequences a phrasing is compared by: its own, and that of what follows the
    greeting it opens with, if any."""
    at = rest_after_greeting(text, known)
    return [compared_words(text)] + ([compared_words(text[at:])] if at is not None else [])


def copies(held_out: list[tuple[str, str]], training: list[tuple[str, str]],
           threshold: float = NEAR_COPY) -> list[tuple[float, str, str, str, str]]:
    """(similarity, held-out text, its label, training text, its intent) of every pair whose word
    sequences are at least ``threshold`` alike (1.0: the same words), most alike first; a
    phrasing opening with a greeting counts by the closer of its two forms, the rest being
    compared with the examples of other intents than the greeting."""
    trained = [(compared_words(text), text, intent) for text, intent in training]
    greeting = greeting_intent()
    known = greetings(text for text, intent in training if intent == greeting) if greeting else []
    found = []
    for text, intent in held_out:
        best: dict[str, tuple[float, str]] = {}
        for n, form in enumerate(compared_forms(text, known)):
            matcher = SequenceMatcher(autojunk=False)
            matcher.set_seq2(form)
            for sequence, other, other_intent in trained:
                # The rest after a greeting is read in its own right only when it is no greeting.
                if n and other_intent == greeting:
                    continue
                matcher.set_seq1(sequence)
                # The quick ratios are upper bounds of ratio() and skip most pairs cheaply.
                if (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
                        and (ratio := matcher.ratio()) >= threshold
                        and ratio > best.get(other, (0.0, ""))[0]):
                    best[other] = (ratio, other_intent)
        found += [(ratio, text, intent, other, other_intent)
                  for other, (ratio, other_intent) in best.items()]
    return sorted(found, key=lambda row: (-row[0], row[1], row[3]))


def listing(pairs) -> str:
    """One line per held-out phrasing: its label, its closest training example and how many more
    are close. The held-out text itself is left out, so that a failure does not show the messages
    the training data must not be written from: the training example is the one to change."""
    closest: dict[str, list] = {}
    for pair in pairs:  # most alike first
        closest.setdefault(pair[1], []).append(pair)
    lines = []
    for (ratio, _text, intent, other, other_intent), *more in closest.values():
        also = f"  (+{len(more)} more)" if more else ""
        lines.append(f"  {ratio:.2f}  a {intent} message  ~  {other!r} ({other_intent}){also}")
    return "\n".join(lines)


def fail_on_copies(held_out, training, what: str) -> None:
    """Fails naming every one of ``what`` (e.g. "held-out phrasings") that equals a training
    example once normalised."""
    same = copies(held_out, training, threshold=1.0)
    if same:
        pytest.fail(f"{len({pair[1] for pair in same})} {what} equal a training example once "
                    f"normalised (lower case, numbers as one token, no punctuation):\n"
                    f"{listing(same)}")


def fail_on_near_copies(held_out, training, what: str) -> None:
    """Fails naming every one of ``what`` that is a near copy of a training example without
    equalling one (:func:`fail_on_copies` reports those)."""
    same = {pair[1] for pair in copies(held_out, training, threshold=1.0)}
    near = [pair for pair in copies(held_out, training) if pair[1] not in same]
    if near:
        pytest.fail(f"{len({pair[1] for pair in near})} {what} are near copies of training "
                    f"examples (word similarity >= {NEAR_COPY}):\n{listing(near)}")
