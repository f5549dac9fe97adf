"""The Chinese test stories (tests/rasa/*_zh.yml) say what the product model really reads in their
Chinese words.

`rasa test core`, as scripts/test.sh runs it, takes each step's given intent and entities and
checks the dialogue that follows; it never parses the user's text (only `--e2e` does, and that
compares entities by their position in the text, which a story without inline annotations does
not give). So this test parses the typed messages of the Chinese stories with the trained model,
as `rasa run` does, and requires the intent the step names (a retrieval intent by its full key) and
the same entities, for every message whose intent steers the dialogue: a greeting, a yes to an
offer, a question, a request for a person, a what-if, a question in the middle of the form. A
Chinese story therefore tests the dialogue a Chinese client typing those words gets.

Not checked: button payloads (``/affirm``), the same in every language, and answers that an active
form takes (the step's next action is the form), which the form reads whatever their intent. Their
intent in the stories is the model's reading when they were written, and a change to the training
data may move it; the form's reading of them is checked on the real servers (tests/e2e) and by
tests/actions.

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


def next_action(steps: list[dict], index: int) -> str | None:
    return next((step["action"] for step in steps[index + 1:] if "action" in step), None)


def typed_steps(form_answers: bool = False) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(file, text, intent, entities) of the typed user steps of the Chinese stories whose intent
    steers the dialogue, or with ``form_answers`` those an active form takes."""
    found = []
    for path in STORIES:
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            steps = story["steps"]
            active = None
            for index, step in enumerate(steps):
                if "active_loop" in step:
                    active = step["active_loop"]
                text = (step.get("user") or "").strip()
                if not text or text.startswith("/"):
                    continue
                taken_by_form = active is not None and next_action(steps, index) == active
                if taken_by_form != form_answers:
                    continue
                entities = sorted((name, value) for entity in step.get("entities") or []
                                  for name, value in entity.items())
                found.append((path.name, text, step["intent"], entities))
    return found


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


def test_most_typed_texts_steer_the_dialogue():
    # A form's answers are checked elsewhere; the stories' point here is the steering messages.
    assert len(typed_steps()) > len(typed_steps(form_answers=True))


def test_the_stories_are_chinese():
    steps = typed_steps() + typed_steps(form_answers=True)
    han = Counter(any("\u4e00" <= char <= "\u9fff" for char in text) for _, text, _, _ in steps)
    # Apart from digits typed as answers and the English half of the language-switch story.
    assert han[True] >= 0.9 * len(steps), f"{han[False]} of {len(steps)} texts have no Chinese"
