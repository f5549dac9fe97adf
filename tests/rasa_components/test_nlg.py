"""The chat's words in Rasa's own process: the generator endpoints.yml names, built as Rasa builds it
(rasa.core.nlg.generator), words every declared response from the locale files in the language of
the ``language`` slot, English for what a language lacks.

Rasa runs in its own environment, so the generator runs there (tests/rasa_components/nlg_probe.py,
with .venv-rasa's Python) on a copy of the locale files with a partial second language.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from support.locale_files import LocaleFolder
from support.responses import matches_response, response_texts, response_variations

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PROBE = Path(__file__).with_name("nlg_probe.py")
DECLARED = list(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"])
NLG_TYPE = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["nlg"]["type"]

CHINESE = {
    "utter_handoff": "已请顾问联系您，编号 {reference}。",
    "utter_welcome": [
        {"text": "不客气，{client_name}！",
         "condition": [{"type": "slot", "name": "lifecycle_stage", "value": "growth"}]},
        {"text": "很高兴帮到您。"},
    ],
    "utter_ask_income_stability": [{**response_variations("utter_ask_income_stability")[0],
                                    "text": "最后一个问题：您的收入稳定吗？"}],
}


def generate(locales: Path, cases: list[dict]) -> tuple[str, list[dict | None]]:
    if not RASA_PYTHON.exists():
        pytest.fail(f"no Rasa environment at {RASA_PYTHON}: build it from requirements/rasa.lock",
                    pytrace=False)
    done = subprocess.run([str(RASA_PYTHON), str(PROBE), NLG_TYPE], input=json.dumps(cases),
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "LOCALES_DIR": str(locales)})
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["class"], result["messages"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = LocaleFolder.copy_of_repository(tmp_path_factory.mktemp("nlg"))
    # A partial translation in place of the repository's complete one.
    folder.drop("zh")
    folder.write("zh", **CHINESE)
    cases = {
        "declared": [{"response": name} for name in DECLARED],
        "zh": [{"response": "utter_handoff", "slots": {"language": "zh"}, "values": {"reference": 12}}],
        "zh-TW": [{"response": "utter_handoff", "slots": {"language": "zh-TW"},
                   "values": {"reference": 12}}],
        "fr": [{"response": "utter_handoff", "slots": {"language": "fr"}, "values": {"reference": 12}}],
        "zh lacks": [{"response": "utter_goodbye", "slots": {"language": "zh"}}],
        "condition": [{"response": "utter_welcome",
                       "slots": {"language": "zh", "lifecycle_stage": "growth",
                                 "client_name": "Ada"}}],
        "no condition": [{"response": "utter_welcome", "slots": {"language": "zh"}}],
        "buttons": [{"response": "utter_ask_income_stability", "slots": {"language": "zh"}}],
        "slot value": [{"response": "utter_greet_client", "slots": {"client_name": "Ada"}}],
    }
    flat = [case for group in cases.values() for case in group]
    name, messages = generate(folder.path, flat)
    answers, start = {}, 0
    for key, group in cases.items():
        answers[key] = messages[start:start + len(group)]
        start += len(group)
    return name, answers


def test_endpoints_name_the_locale_generator(generated):
    assert generated[0] == "LocaleNaturalLanguageGenerator"


def test_every_declared_response_is_worded_in_english_by_default(generated):
    # The `language` slot starts as "en".
    for name, message in zip(DECLARED, generated[1]["declared"], strict=True):
        assert message is not None and matches_response(message["text"], name), name


def test_the_language_slot_chooses_the_folder_and_rasa_fills_the_values(generated):
    [zh] = generated[1]["zh"]
    assert zh["text"] == "已请顾问联系您，编号 12。"
    assert generated[1]["zh-TW"] == [zh]


def test_a_language_without_a_folder_or_a_response_is_answered_in_english(generated):
    [french] = generated[1]["fr"]
    [template] = response_texts("utter_handoff")
    assert french["text"] == template.replace("{reference}", "12")
    [goodbye] = generated[1]["zh lacks"]
    assert goodbye["text"] in response_texts("utter_goodbye")


def test_within_a_language_rasas_conditions_and_buttons_work_as_usual(generated):
    assert generated[1]["condition"][0]["text"] == "不客气，Ada！"
    assert generated[1]["no condition"][0]["text"] == "很高兴帮到您。"
    [question] = generated[1]["buttons"]
    assert question["text"] == "最后一个问题：您的收入稳定吗？"
    assert [b["payload"] for b in question["buttons"]][0] == '/inform{"choice": "stable"}'
    [greeting] = generated[1]["slot value"]
    assert greeting["text"] in [t.replace("{client_name}", "Ada")
                                for t in response_texts("utter_greet_client")]
