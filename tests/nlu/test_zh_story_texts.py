"""The Chinese test stories (tests/rasa/*_zh.yml) say what the product model really reads in their
Chinese words.

`rasa test core`, as scripts/test.sh runs it, takes each step's given intent and entities and
checks the dialogue that follows; it never parses the user's text (only `--e2e` does, and that
compares entities by their position in the text, which a story without inline annotations does
not give). So this test parses every typed message of the Chinese stories with the trained model,
as `rasa run` does, and requires the intent the step names (a retrieval intent by its full key) and
the same entities. A Chinese story therefore tests the dialogue a Chinese client typing those words
gets. Button payloads (``/affirm``) are the same in every language and are not parsed here.

The model is trained first by scripts/train_model.sh, which reuses models/advisor.tar.gz when
config.yml, the domain and data/ are unchanged.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest
import yaml

from bench.nlu_quality import RASA_PYTHON, ROOT

pytestmark = pytest.mark.slow

STORIES = sorted((ROOT / "tests" / "rasa").glob("*_zh.yml"))
PROBE = ROOT / "tests" / "nlu" / "story_text_probe.py"


def typed_steps() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(file, text, intent, entities) of every typed user step of the Chinese stories."""
    steps = []
    for path in STORIES:
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                text = (step.get("user") or "").strip()
                if not text or text.startswith("/"):
                    continue
                entities = sorted((name, value) for entity in step.get("entities") or []
                                  for name, value in entity.items())
                steps.append((path.name, text, step["intent"], entities))
    return steps


@pytest.fixture(scope="module")
def readings(trained_model) -> dict[str, dict]:
    texts = sorted({text for _, text, _, _ in typed_steps()})
    result = subprocess.run([str(RASA_PYTHON), str(PROBE), str(trained_model)],
                            input=json.dumps(texts), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"the parse probe failed:\n{result.stderr[-3000:]}"
    return {parse["text"]: parse for parse in json.loads(result.stdout.splitlines()[-1])}


def test_there_are_chinese_stories_for_every_flow_file():
    english = {path.name for path in (ROOT / "tests" / "rasa").glob("test_*.yml")} - {
        path.name for path in STORIES}
    missing = [name for name in sorted(english)
               if name.replace(".yml", "_zh.yml") not in {path.name for path in STORIES}]
    assert not missing, f"English story files without a Chinese counterpart: {missing}"


def test_every_chinese_text_is_read_as_its_step_says(readings):
    misread = []
    for file, text, intent, entities in typed_steps():
        parse = readings[text]
        read = sorted((name, value) for name, value in parse["entities"])
        if parse["intent"] != intent or read != entities:
            misread.append(f"{file}: {text!r} is {intent} {entities} in the story, the model reads "
                           f"{parse['intent']} ({parse['confidence']:.2f}) {read}")
    assert not misread, "\n".join(misread)


def test_the_stories_are_chinese():
    steps = typed_steps()
    han = Counter(any("\u4e00" <= char <= "\u9fff" for char in text) for _, text, _, _ in steps)
    # Apart from digits typed as answers and the English half of the language-switch story.
    assert han[True] >= 0.9 * len(steps), f"{han[False]} of {len(steps)} texts have no Chinese"
