"""The transcript page's folding, on events Rasa's own tracker store wrote: the actions and slot
changes between two messages are one line, the project's form reset is one line, doubtful
messages are marked, each user message carries the slots after it, and pages start with the
slots as they stood."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from transcript_events import (
    long_conversation,
    onboarding_with_a_reset,
    puzzled,
    reset_events,
    write,
)

from bot.console.transcripts import Fold, _page_turn, domain_slots, fallback_threshold, fold
from db.migrate import upgrade
from db.transcript_pages import transcript_page


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("folding")
    path = folder / "events.db"
    write(path, [onboarding_with_a_reset(), long_conversation("long", 25), puzzled()], folder)
    upgrade(f"sqlite:///{path}")
    engine = sa.create_engine(f"sqlite:///{path}")
    with sa.orm.Session(engine) as session:
        yield session
    engine.dispose()


def folded(db, sender="reset-twice", number=1, size=100):
    page = transcript_page(db, sender, number, size)
    turns = [t for t in (_page_turn(row) for row in page.events) if t is not None]
    return fold(turns, page.slots_before, domain_slots(), fallback_threshold())


def test_the_threshold_is_the_fallback_classifiers():
    assert fallback_threshold() == 0.4


def test_messages_stay_bubbles_and_the_runs_between_them_fold_into_one_line(db):
    items, users = folded(db)
    kinds = [item.kind for item in items]
    # hello, bot, form line, bot, form line, bot, reset line, bot, fallback line, bot, form line, bot
    assert kinds == ["user", "bot", "user", "fold", "bot", "user", "fold", "bot", "user", "fold",
                     "bot", "user", "fold", "bot", "user", "fold", "bot"]
    assert [u.turn.text for u in users] == ["hello", "I'm 42 and saving for retirement",
                                            "hmm not sure what you mean", "let me start over",
                                            "asdfgh", "35"]
    first = items[3]
    assert isinstance(first, Fold) and first.form == "onboarding_form" and not first.reset
    assert first.given_text == [("age", "42"), ("goal", "retirement")]
    assert first.shown_actions == ["onboarding_form"]
    # the greeting's utter_ action is the bot's bubble, not a line of its own
    assert not any(isinstance(i, Fold) and i.actions == ["utter_greet_prospect"] for i in items)


def test_the_form_reset_is_one_line_counting_the_answers_cleared(db):
    items, _ = folded(db)
    resets = [i for i in items if isinstance(i, Fold) and i.reset]
    assert len(resets) == 1
    [reset] = resets
    assert len(reset.cleared) == len([e for e in reset_events() if e["value"] is None]) == 15
    assert reset.given_text == [("failed_attempts", "0"), ("answers_inconsistent", "false"),
                                ("answers_confirmed", "false")]
    assert reset.actions == ["action_reset_onboarding", "onboarding_form"]


def test_low_confidence_and_fallbacks_are_marked(db):
    _, users = folded(db)
    marks = [(u.turn.text, u.low_confidence, u.fell_back) for u in users]
    assert marks == [("hello", False, False), ("I'm 42 and saving for retirement", False, False),
                     ("hmm not sure what you mean", True, False),  # 0.31 < 0.4
                     ("let me start over", False, False),
                     ("asdfgh", True, True),  # nlu_fallback, then action_default_fallback
                     ("35", False, False)]


def test_a_message_the_client_did_not_follow_is_marked_for_review(db):
    _, users = folded(db, "puzzled")
    marks = [(u.turn.text, u.not_followed, u.flagged) for u in users]
    assert marks == [("hello", False, False), ("嗯？", True, True), ("ok", False, False)]
    _, others = folded(db)
    assert not any(u.not_followed for u in others)


def test_each_user_message_carries_every_slot_right_after_it(db):
    _, users = folded(db)
    assert set(domain_slots()) <= set(users[0].slots)
    assert users[0].slots["age"] is None and users[0].changed == set()
    assert users[1].slots["age"] == 42 and users[1].slots["goal"] == "retirement"
    assert users[1].changed == {"age", "goal"}
    assert users[2].slots["age"] == 42 and users[2].changed == set()
    assert users[3].slots["age"] is None and users[3].slots["goal"] is None  # reset
    assert users[5].slots["age"] == 35 and users[5].slots["goal"] is None


def test_a_page_starts_with_the_slots_as_they_stood(db):
    page = transcript_page(db, "long", 2, size=10)
    assert (page.number, page.pages, page.messages) == (2, 3, 25)
    texts = [r for r in page.events if r.type_name in ("user", "bot")]
    assert len(texts) == 10
    # messages 10..19; message 8 (a user message) set age to 28 before the page
    assert page.slots_before == {"age": 28}
    _, users = folded(db, "long", 2, size=10)
    assert [u.turn.text for u in users] == [f"message {n}" for n in range(10, 20, 2)]
    assert users[0].slots["age"] == 30
    last = transcript_page(db, "long", 3, size=10)
    assert len([r for r in last.events if r.type_name in ("user", "bot")]) == 5
    with pytest.raises(ValueError, match="page 4 does not exist: this conversation has 3 pages"):
        transcript_page(db, "long", 4, size=10)
