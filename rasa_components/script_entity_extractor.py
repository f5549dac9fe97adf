"""Lookup-table entities in English and Chinese text: Rasa's RegexEntityExtractor, script-aware.

Configured in config.yml as ``rasa_components.script_entity_extractor.ScriptRegexEntityExtractor``
with the options of Rasa's ``RegexEntityExtractor``. Rasa wraps every lookup element in ``\\b``
(``use_word_boundaries``, on by default, and Rasa 3.6 does nothing else when the config's language
is ``zh``). Between two Han characters there is no ``\\b`` (both are word characters), so "债券"
in "我想买债券" is never found; Rasa's documented alternative, ``use_word_boundaries: false``, finds
"bond" inside "bonding" and "etf" inside "etfs" in English.

This extractor keeps a boundary only where it means something: an element that begins (ends) with
a Latin letter or a digit must not have a Latin letter or digit before (after) it, while a Han
character or CJK punctuation next to it never blocks a match. So English reads as with Rasa's
``\\b`` ("bond" is not found in "bonding"), and "ETF" is found in "我想买ETF" and "债券" in
"我想买债券". Lookup elements written in Traditional characters also match in their Simplified
form, since the tokenizer makes the text Simplified. As in Rasa, each lookup table is one pattern
and its elements are tried in the table's order.

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time.
"""

import re
from typing import Any, Dict, List

import rasa.shared.utils.io
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.nlu.utils import pattern_utils
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_components.scripts import CJK, to_simplified

#: A word character that is not CJK: a Latin (or other alphabetic) letter, a digit or ``_``.
_ALPHANUMERIC = r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"


def bounded(element: str) -> str:
    """The regular expression of one lookup element, with a boundary at each alphanumeric end."""
    pattern = re.escape(element)
    if element and re.match(_ALPHANUMERIC, element[0]) and not CJK.match(element[0]):
        pattern = f"(?<!{_ALPHANUMERIC})" + pattern
    if element and re.match(_ALPHANUMERIC, element[-1]) and not CJK.match(element[-1]):
        pattern = pattern + f"(?!{_ALPHANUMERIC})"
    return pattern


def lookup_pattern(elements: List[str]) -> str:
    """One alternation of the elements, in order, each followed by its Simplified form if that
    differs."""
    forms: List[str] = []
    for element in (e.strip() for e in elements):
        for form in (element, to_simplified(element)):
            if form and form not in forms:
                forms.append(form)
    return "(" + "|".join(bounded(form) for form in forms) + ")"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ScriptRegexEntityExtractor(RegexEntityExtractor):
    """RegexEntityExtractor whose lookup boundaries hold in Chinese as in English."""

    def train(self, training_data: TrainingData) -> Resource:
        patterns: List[Dict[str, Any]] = []
        if self._config["use_regexes"]:
            patterns += [dict(row) for row in training_data.regex_features
                         if row["name"] in training_data.entities]
        if self._config["use_lookup_tables"]:
            for table in training_data.lookup_tables:
                if table["name"] not in training_data.entities:
                    continue
                elements = table["elements"]
                if not isinstance(elements, list):
                    elements = pattern_utils.read_lookup_table_file(elements)
                patterns.append({"name": table["name"], "pattern": lookup_pattern(elements)})
        for pattern in patterns:
            try:
                re.compile(pattern["pattern"])
            except re.error as error:
                raise ValueError(f"the pattern of {pattern['name']!r} is not a valid regular "
                                 f"expression: {error}") from None
        self.patterns = patterns
        if not self.patterns:
            rasa.shared.utils.io.raise_warning(
                "No lookup tables or regexes named after an entity of the training data: "
                "ScriptRegexEntityExtractor will find nothing.")
        self.persist()
        return self._resource
