"""The trained model understands Chinese phrasings it was never trained on (tests/nlu/unseen_zh.yml;
that none of them copies a Chinese training example is test_held_out_guard.py's check), as
test_unseen_phrasings.py checks the English ones.

The model is trained first by scripts/train_model.sh, which reuses models/advisor.tar.gz when
config.yml, the domain and data/ are unchanged. A retrieval intent's phrasings (``faq/fees``) count
for the intent (``faq``), as in Rasa's own evaluation.
"""

from __future__ import annotations

import pytest

from bench.nlu_quality import HELD_OUT_ZH, held_out

pytestmark = pytest.mark.slow

#: Floors under the measured Chinese held-out scores (accuracy 0.906, macro F1 0.891 on
#: 2026-12-05; README, "Languages in the model"), leaving room for about four more misreadings
#: after a change to the data.
ACCURACY_FLOOR = 0.89
MACRO_F1_FLOOR = 0.87


@pytest.fixture(scope="module")
def scores(trained_model, tmp_path_factory):
    return held_out(trained_model, HELD_OUT_ZH, out=tmp_path_factory.mktemp("nlu-held-out-zh"))


def test_unseen_chinese_phrasings_get_the_right_intent(scores):
    misread = "\n".join(error.label for error in scores.errors)
    assert scores.accuracy >= ACCURACY_FLOOR, (
        f"Chinese held-out intent accuracy {scores.accuracy:.3f} < {ACCURACY_FLOOR}; "
        f"misclassified:\n{misread}"
    )
    assert scores.intent_f1_macro >= MACRO_F1_FLOOR, (
        f"Chinese held-out macro intent F1 {scores.intent_f1_macro:.3f} < {MACRO_F1_FLOOR}; "
        f"worst: {scores.worst(3)}"
    )
