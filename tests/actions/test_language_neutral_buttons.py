"""Buttons answer the same in every language: their payloads are intents with values or figures,
never words of one language, and the horizon question's suggestion is read from its payload."""

from __future__ import annotations

import json
import re

import pytest
from action_harness import run, tracker

from actions.onboarding import AskHorizon, ValidateOnboardingForm
from engine.wording import locales

#: A payload that reads the same in any language: an intent, optionally with JSON values, or a
#: bare figure (a rating, a likelihood).
NEUTRAL = re.compile(r"/\w+(?:\{.*\})?|\d+")


def _buttons():
    for language, responses in locales().items():
        for name, variations in responses.items():
            for variation in variations:
                for button in variation.get("buttons") or ():
                    yield language, name, str(button.get("payload", ""))


@pytest.mark.parametrize(("language", "name", "payload"), list(_buttons()),
                         ids=lambda value: str(value)[:40])
def test_every_button_payload_is_language_neutral(language, name, payload):
    assert NEUTRAL.fullmatch(payload), f"{language}: {name} sends {payload!r}"


def _parsed(payload: str) -> tuple[str, list[dict]]:
    """The intent and entities Rasa reads from a ``/intent{...}`` payload."""
    intent, _, values = payload[1:].partition("{")
    entities = [{"entity": k, "value": v} for k, v in json.loads("{" + values).items()]
    return intent, entities


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_suggested_horizon_button_gives_the_suggested_years_in_either_language(domain,
                                                                                   language):
    profile = {"goal": "retirement", "age": 40, "language": language}
    [question], _ = run(AskHorizon(), tracker(slots=profile), domain)
    [button] = locales()[language][question["response"]][0]["buttons"]
    payload = button["payload"].format(default_horizon=question["default_horizon"])
    intent, entities = _parsed(payload)
    state = tracker(slots={"requested_slot": "horizon_years", **profile}, text=payload,
                    intent=intent, entities=entities, candidates={"horizon_years": payload},
                    active_loop="onboarding_form")
    messages, slots = run(ValidateOnboardingForm(), state, domain)
    assert slots["horizon_years"] == question["default_horizon"] == 25
    assert messages == []


@pytest.mark.parametrize(("language", "text", "years"), [
    ("en", "25 years", 25), ("zh", "二十五年", 25), ("zh", "十五年", 15), ("zh", "十五年吧", 15),
])
def test_the_years_typed_instead_are_read_as_typed(domain, language, text, years):
    profile = {"goal": "retirement", "age": 40, "language": language}
    state = tracker(slots={"requested_slot": "horizon_years", **profile}, text=text,
                    candidates={"horizon_years": text}, active_loop="onboarding_form")
    _, slots = run(ValidateOnboardingForm(), state, domain)
    assert slots["horizon_years"] == years
