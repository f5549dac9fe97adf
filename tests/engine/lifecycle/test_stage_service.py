"""What the chat serves a signed-in client at each stage, and the feedback scales."""

import math

import pytest

from engine.lifecycle.feedback import RATING_SCALE, RETURN_LIKELIHOOD_SCALE, scale_answer
from engine.lifecycle.service import CLIENT_STAGES, client_stage, greeting_offer
from engine.lifecycle.stages import STAGES


def test_client_stages_are_the_lifecycle_stages_but_prospect():
    assert CLIENT_STAGES == ("onboarding", "growth", "mature", "decline")
    assert set(CLIENT_STAGES) < set(STAGES)


@pytest.mark.parametrize(("scored", "served"), [
    ("growth", "growth"), ("decline", "decline"),
    (None, "onboarding"),  # never scored
    ("prospect", "onboarding"),  # signed in, so a client, though nothing is funded yet
    ("unknown", "onboarding"),
])
def test_the_stage_a_client_is_served_in(scored, served):
    assert client_stage(scored) == served


def test_greeting_offers():
    assert greeting_offer("mature") == "loyalty_review"
    assert greeting_offer("decline") == "retention_review"
    assert greeting_offer("decline", "fee_waiver") == "fee_waiver"  # the scoring's choice first
    assert greeting_offer("decline", "") == "retention_review"
    assert greeting_offer("growth", "personalised_review") is None  # no offer in this greeting
    assert greeting_offer("onboarding") is None


@pytest.mark.parametrize(("value", "scale", "answer"), [
    (1, RATING_SCALE, 1), (5.0, RATING_SCALE, 5), (0, RATING_SCALE, None), (6, RATING_SCALE, None),
    (3.5, RATING_SCALE, None), (None, RATING_SCALE, None), (math.nan, RATING_SCALE, None),
    (math.inf, RATING_SCALE, None),
    (0, RETURN_LIKELIHOOD_SCALE, 0), (10, RETURN_LIKELIHOOD_SCALE, 10),
    (11, RETURN_LIKELIHOOD_SCALE, None), (-1, RETURN_LIKELIHOOD_SCALE, None),
])
def test_an_answer_counts_only_as_a_whole_number_on_its_scale(value, scale, answer):
    result = scale_answer(value, scale)
    assert result == answer and (answer is None or isinstance(result, int))
