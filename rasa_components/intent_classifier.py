"""The NLU pipeline's intent classifier: :class:`LinearIntentModel` inside Rasa's graph.

Configured in config.yml as ``rasa_components.intent_classifier.LinearIntentClassifier``. It reads
the examples' text (no featurizer needed), takes the ``regex:`` blocks of the training data as its
pattern features and sets ``intent`` and ``intent_ranking`` the way Rasa's own classifiers do, so
the FallbackClassifier after it and the dialogue policies work unchanged.

Options: ``C`` (inverse regularisation, default 100), ``word_ngrams`` ([1, 2]), ``char_ngrams``
([1, 5]), ``ranking_length`` (10) and ``random_state`` (42).

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time and compares them with its own ``List``/``Dict`` hints.
"""

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_components.linear_intents import LinearIntentModel

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classifier on TF-IDF n-grams and the data's pattern cues (logistic regression)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"C": 100.0, "word_ngrams": [1, 2], "char_ngrams": [1, 5],
                "ranking_length": 10, "random_state": 42}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn", "scipy", "numpy"]

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearIntentModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            logger.warning("Fewer than two intents in the training data: no intent classifier.")
            return self._resource
        # Several patterns under one name make one feature: any of them matching.
        grouped: Dict[str, List[str]] = {}
        for row in training_data.regex_features:
            grouped.setdefault(row["name"], []).append(row["pattern"])
        patterns = {name: "|".join(f"(?:{p})" for p in rows) for name, rows in grouped.items()}
        self.model = LinearIntentModel.fit(
            [e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples], patterns,
            c=float(self.config["C"]), word_ngrams=tuple(self.config["word_ngrams"]),
            char_ngrams=tuple(self.config["char_ngrams"]),
            random_state=int(self.config["random_state"]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = LinearIntentModel.load(directory)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained intent classifier in the model: intents will be missing.")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            ranking = self.model.rank(text, max(int(self.config["ranking_length"]), 1))
            intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
            message.set(INTENT, intents[0], add_to_output=True)
            message.set("intent_ranking", intents, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
