"""A puzzled reply is not a yes, in the product model as `rasa run` parses it.

The tokenizers drop punctuation, so without rasa_components/questioned_reply.py "嗯？" would be
read as "嗯", a yes that accepts whatever the advisor offered. Here the same yes-words are read as
a yes without the question mark and as not following with it; a longer question that holds a
yes-word is left to the classifier; and a message with nothing the classifier knows ("呃", an
emoji never seen) is not understood rather than taken for the most frequent intent. None of the
question-marked texts below is a training example once its punctuation is dropped; the plain
yes-words are.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from bench.nlu_quality import RASA_PYTHON, ROOT

pytestmark = pytest.mark.slow

PROBE = ROOT / "tests" / "nlu" / "story_text_probe.py"

YES_WORDS = ["嗯", "好的", "对", "可以", "ok", "yes", "sure", "yep"]
#: Puzzled replies that are no yes-word: a lone question mark, an emoji asked.
PUNCTUATION = ["？", "?", "？？", "?!", "🤔?"]
LONGER_QUESTIONS = ["ok, and what are the fees?", "好的，那费用是多少？"]
UNKNOWN = ["呃", "🤔", "😅", "诶"]


@pytest.fixture(scope="module")
def readings(trained_model) -> dict[str, dict]:
    texts = (YES_WORDS + [f"{word}？" if not word.isascii() else f"{word}?" for word in YES_WORDS]
             + PUNCTUATION + LONGER_QUESTIONS + UNKNOWN)
    result = subprocess.run([str(RASA_PYTHON), str(PROBE), str(trained_model)],
                            input=json.dumps(texts), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"the parse probe failed:\n{result.stderr[-3000:]}"
    return {parse["text"]: parse for parse in json.loads(result.stdout.splitlines()[-1])}


@pytest.mark.parametrize("word", YES_WORDS)
def test_a_yes_word_is_a_yes_and_asked_as_a_question_it_is_not(readings, word):
    assert readings[word]["intent"] == "affirm"
    asked = f"{word}？" if not word.isascii() else f"{word}?"
    assert readings[asked]["intent"] == "not_following"


@pytest.mark.parametrize("text", PUNCTUATION)
def test_a_question_mark_alone_is_not_following(readings, text):
    assert readings[text]["intent"] == "not_following"
    assert readings[text]["confidence"] == 1.0


@pytest.mark.parametrize("text", LONGER_QUESTIONS)
def test_a_longer_question_with_a_yes_word_is_left_to_the_classifier(readings, text):
    assert readings[text]["intent"] not in ("affirm", "not_following")


@pytest.mark.parametrize("text", UNKNOWN)
def test_a_message_of_nothing_known_is_not_understood(readings, text):
    assert readings[text]["intent"] == "nlu_fallback"
