"""Hedged answers move an end of a scale to its middle option."""

import pytest

from engine.hedges import is_hedged, soften
from engine.profile import IncomeStability

SCALE = list(IncomeStability)


@pytest.mark.parametrize(
    "text",
    ["stable-ish", "stable ish", "stableish", "kind of stable", "kinda steady", "sort of secure",
     "fairly stable", "mostly steady", "more or less stable", "not very stable", "semi-stable",
     "relatively secure", "usually regular"],
)
def test_hedges_are_recognised(text):
    assert is_hedged(text)


@pytest.mark.parametrize(
    "text", ["stable", "very stable", "rock solid salary", "I finish work at 5", "English teacher",
             "polish builder", "semiconductor engineer", "irregular"],
)
def test_plain_answers_are_not_hedges(text):
    assert not is_hedged(text)


@pytest.mark.parametrize(
    ("picked", "text", "expected"),
    [(IncomeStability.stable, "stable-ish", IncomeStability.somewhat_stable),
     (IncomeStability.stable, "kind of steady", IncomeStability.somewhat_stable),
     (IncomeStability.unstable, "sort of irregular", IncomeStability.somewhat_stable),
     (IncomeStability.stable, "very stable", IncomeStability.stable),
     (IncomeStability.unstable, "freelance", IncomeStability.unstable),
     (IncomeStability.somewhat_stable, "fairly stable", IncomeStability.somewhat_stable),
     (None, "kind of", IncomeStability.somewhat_stable),
     (None, "it's sort of, there are bonuses on top", IncomeStability.somewhat_stable),
     (None, "so-so", IncomeStability.somewhat_stable),
     (None, "not very, the contract ends soon", None),
     (None, "I usually don't know", None),
     (None, "no idea", None)],
)
def test_a_hedged_end_moves_to_the_middle(picked, text, expected):
    assert soften(SCALE, picked, text) == expected


def test_a_scale_without_a_middle_is_refused():
    with pytest.raises(ValueError, match="odd number of options"):
        soften(["low", "high"], "low", "kind of low")


@pytest.mark.parametrize(("text", "expected"), [
    ("not very, my contract may end", IncomeStability.unstable),  # agrees with the far end
    ("not very, and kind of irregular", IncomeStability.somewhat_stable),  # another hedge still softens
])
def test_a_negated_hedge_takes_away_from_the_first_end_only(text, expected):
    assert soften(SCALE, IncomeStability.unstable, text) == expected
    assert soften(SCALE, IncomeStability.stable, "not very stable") == IncomeStability.somewhat_stable
