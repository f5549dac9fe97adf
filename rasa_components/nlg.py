"""Rasa's responses worded from the locale files, in the conversation's language.

Configured in endpoints.yml as ``nlg: {type: rasa_components.nlg.LocaleNaturalLanguageGenerator}``;
Rasa builds it in its own process. The domain declares the response names only; their words are in
``locales/<language>/*.yml`` (``LOCALES_DIR`` names another folder), under ``responses:``, in Rasa's
response shape. Every language is read once, at start. Each message takes the variations of the
language the ``language`` slot names (or of its primary subtag: "zh" for "zh-CN"), and the default
language's when the conversation's language, or that response, has no folder or text. Within a
language, Rasa's own rules pick the variation (conditions, channel, a random one) and fill it.

This reads the same files as engine/wording.py, with the same fallback; the two cannot share code
because this module runs in Rasa's environment, which has none of the engine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_LANGUAGE = "en"
LANGUAGE_SLOT = "language"
REPOSITORY_LOCALES = Path(__file__).resolve().parents[1] / "locales"

Responses = dict[str, list[dict[str, Any]]]


def locales_dir() -> Path:
    return Path(os.environ.get("LOCALES_DIR") or REPOSITORY_LOCALES)


def read_locales(directory: Path) -> dict[str, Responses]:
    """Language -> name -> variations, from every ``<language>/*.yml`` of ``directory``."""
    if not directory.is_dir():
        raise FileNotFoundError(f"no locales folder at {directory}: set LOCALES_DIR to the folder "
                                "that holds <language>/*.yml")
    languages: dict[str, Responses] = {}
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        responses: Responses = {}
        for path in sorted(folder.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            responses.update(data.get("responses") or {})
        languages[folder.name] = responses
    if DEFAULT_LANGUAGE not in languages:
        raise ValueError(f"{directory} has no {DEFAULT_LANGUAGE}/ folder: the default language "
                         "serves every text a language lacks")
    return languages


class LocaleNaturalLanguageGenerator(NaturalLanguageGenerator):
    """One templated generator per language, chosen per message by the ``language`` slot.

    Not itself a TemplatedNaturalLanguageGenerator: Rasa replaces the ``responses`` of such a
    generator with the domain's (placeholders, here) once the model is loaded.
    """

    def __init__(self, endpoint_config: Any = None, domain: Any = None, **_: Any) -> None:
        languages = read_locales(locales_dir())
        default = languages[DEFAULT_LANGUAGE]
        self.generators = {
            language: TemplatedNaturalLanguageGenerator({**default, **responses})
            for language, responses in languages.items()
        }

    def language(self, requested: Any) -> str:
        code = str(requested or "").strip().lower().replace("_", "-")
        for candidate in (code, code.split("-")[0]):
            if candidate in self.generators:
                return candidate
        return DEFAULT_LANGUAGE

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        slots = tracker.current_slot_values()
        generator = self.generators[self.language(slots.get(LANGUAGE_SLOT))]
        return generator.generate_from_slots(utter_action, slots, output_channel, **kwargs)
