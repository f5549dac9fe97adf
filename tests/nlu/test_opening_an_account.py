"""Opening an account is never read as closing one, in the product model as `rasa run` parses it.

Both leaving and opening speak of an account and of the platform ("我想在你们平台开个户", "办个账户",
"I would like to open an account on your platform"), and such a wish to open one was read as
leaving, which starts the exit flow for a prospect who came to invest. A wish to open an account
starts the recommendation; a question about how to open one is answered; closing stays closing.
None of the texts below is a training example or a near copy of one, so the test reads phrasings
the model has not seen.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from support.held_out import copies, rasa_examples

from bench.nlu_quality import RASA_PYTHON, ROOT

pytestmark = pytest.mark.slow

PROBE = ROOT / "tests" / "nlu" / "story_text_probe.py"

OPENING = {
    "我打算在贵平台开个户": "start_onboarding",
    "我想在这个平台开户": "start_onboarding",
    "我也想在贵公司开户理财": "start_onboarding",
    "打算到你们这里办个账户": "start_onboarding",
    "I would like to open an account on your platform": "start_onboarding",
    "please get me an account opened with your firm": "start_onboarding",
    "time to open my account with you": "start_onboarding",
    "在你们平台开户": "faq/open_account",
    "opening an account with you today": "faq/open_account",
}
CLOSING = ["please shut down the account I hold on your platform", "我想注销在你们平台的账户",
           "我在你们这办了账户，现在想销掉"]
OPEN_ACCOUNT = {"start_onboarding", "faq/open_account"}


@pytest.fixture(scope="module")
def readings(trained_model) -> dict[str, dict]:
    texts = [*OPENING, *CLOSING]
    result = subprocess.run([str(RASA_PYTHON), str(PROBE), str(trained_model)],
                            input=json.dumps(texts), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"the parse probe failed:\n{result.stderr[-3000:]}"
    return {parse["text"]: parse for parse in json.loads(result.stdout.splitlines()[-1])}


def test_the_texts_are_not_training_examples():
    (examples,) = rasa_examples(ROOT / "data")
    assert not copies([(text, "t") for text in [*OPENING, *CLOSING]], examples)


@pytest.mark.parametrize("text", OPENING)
def test_a_wish_to_open_an_account_is_not_leaving(readings, text):
    assert readings[text]["intent"] in OPEN_ACCOUNT, readings[text]
    assert readings[text]["intent"] == OPENING[text], readings[text]


@pytest.mark.parametrize("text", CLOSING)
def test_closing_an_account_is_still_leaving(readings, text):
    assert readings[text]["intent"] == "close_account"
