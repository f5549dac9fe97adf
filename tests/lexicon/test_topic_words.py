"""lexicon/topic_words.py and the tax and legal words of data/topic_words/: a word settles the topic
wherever it stands, whole words for letters, anywhere for Chinese, never inside an exception; and
no training example of an intent the rule reads past holds one of the words, so the rule agrees
with the data it stands beside."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.nlu_quality import ROOT
from lexicon.topic_words import TopicWords

SAMPLE_FILE = """
# a comment
tax   # a comment after a word
lawyer
税
!after tax
!税后
"""
SAMPLE = TopicWords.parse(SAMPLE_FILE)


def test_a_words_file_has_words_and_exceptions():
    assert SAMPLE.words == ("tax", "lawyer", "税")
    assert SAMPLE.exceptions == ("after tax", "税后")


@pytest.mark.parametrize(("text", "holds"), [
    ("do I pay tax on it", True),
    ("TAX?", True),
    ("ＴＡＸ on gains", True),
    ("I need a lawyer.", True),
    ("call me a taxi", False),
    ("taxonomy of funds", False),
    ("what do I earn after tax", False),
    ("after tax it's 5k, but is the bonus tax free", True),
    ("开户以后赚的钱要交税吗", True),
    ("税后月入两万", False),
    ("税后两万，个税怎么算", True),
    ("how are your fees", False),
])
def test_a_word_counts_whole_and_outside_every_exception(text, holds):
    assert SAMPLE.holds(text) is holds


def test_a_missing_or_empty_words_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no topic words file"):
        TopicWords.read(tmp_path / "none.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n!after tax\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no topic words"):
        TopicWords.read(empty)


def _rules() -> dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    [classifier] = [c for c in config["pipeline"] if c["name"].endswith("LinearIntentClassifier")]
    return classifier["topic_words"]


def _examples() -> list[tuple[str, str]]:
    """(text, intent or retrieval key) of every training example under data/."""
    found = []
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            examples = block.get("examples")
            if "intent" in block and isinstance(examples, str):
                found += [(line.strip()[2:].strip(), block["intent"])
                          for line in examples.splitlines() if line.strip().startswith("- ")]
    return found


@pytest.mark.parametrize("key", sorted(_rules()))
def test_no_example_of_an_intent_read_past_holds_a_topic_word(key):
    rule = _rules()[key]
    words = TopicWords.read(ROOT / Path(rule["words"]))
    examples = _examples()
    against = [(text, label) for text, label in examples
               if label.split("/")[0] in rule["over"] and label not in rule.get("keep", [])
               and label != key and words.holds(text)]
    assert against == []
    # And the words are the topic's: most of its own examples hold one.
    own = [text for text, label in examples if label == key]
    assert sum(words.holds(text) for text in own) >= 0.8 * len(own)
