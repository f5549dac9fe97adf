"""bench/greeted_requests.py: the phrasings it greets are the held-out ones that are no greeting,
and a reading counts as right by the full key or by its retrieval intent."""

from __future__ import annotations

from bench.greeted_requests import GREETING_INTENT, _same, phrasings
from bench.nlu_quality import HELD_OUT_SETS


def test_every_held_out_phrasing_but_the_greetings_is_greeted():
    for path in HELD_OUT_SETS.values():
        pairs = phrasings(path)
        text = path.read_text(encoding="utf-8")
        assert len(pairs) > 200
        assert all(intent != GREETING_INTENT and text.count(f"- {phrase}") for phrase, intent in pairs)
        assert f"- intent: {GREETING_INTENT}" in text


def test_a_reading_is_right_by_its_full_key_or_its_retrieval_intent():
    assert _same("faq/fees", "faq/fees") and _same("faq/fees", "faq") and _same("greet", "greet")
    assert not _same("faq/fees", "faq/minimum_amount") and not _same("greet", "faq")
    assert not _same(None, "faq")
