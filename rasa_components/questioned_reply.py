"""A yes asked as a question is not a yes: "嗯？", "ok?", "huh?" and a bare "？？" say that the
client did not follow.

Configured in config.yml as ``rasa_components.questioned_reply.QuestionedReply``, last among the
intent classifiers. The tokenizers drop punctuation, so the intent classifier reads "嗯？" as "嗯",
a yes, and after an offer a puzzled "嗯？" would accept it. This component looks at the text as
typed: a short message whose intent is a yes (``yes_intents``) and that ends in a question mark,
or a message of punctuation alone with a question mark in it, gets the intent ``intent`` instead
(the confidence of the yes, or 1 for punctuation alone). A longer question with a yes-word in it
("ok, and what about fees?") is left to the classifier. Options: ``yes_intents`` (default
``["affirm"]``), ``intent`` (``"not_following"``) and ``max_tokens`` (3: the words a short reply
may have).

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time.
"""

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

#: Question marks, half and full width.
QUESTION_MARKS = frozenset("?？")


def asked(text: str) -> bool:
    """Whether ``text`` ends in a question mark, whatever follows it that is not a word
    (spaces, "!", an emoji): "嗯？", "ok?!", "huh? 🤔"."""
    for char in reversed(text):
        if char in QUESTION_MARKS:
            return True
        if char.isalnum():
            return False
    return False


def words_in(message: Message) -> int:
    """How many of the message's tokens hold a letter or a digit."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return sum(1 for token in tokens if any(char.isalnum() for char in token.text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionedReply(GraphComponent):
    """Gives a short yes asked as a question, or a lone question mark, the intent ``intent``."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"yes_intents": ["affirm"], "intent": "not_following", "max_tokens": 3}

    def __init__(self, config: Dict[str, Any]) -> None:
        yes = config.get("yes_intents")
        if not isinstance(yes, list) or not yes or not all(isinstance(i, str) for i in yes):
            raise ValueError(f"QuestionedReply: 'yes_intents' must be a non-empty list of intent "
                             f"names, got {yes!r}")
        if not isinstance(config.get("intent"), str) or not config["intent"]:
            raise ValueError(f"QuestionedReply: 'intent' must name an intent, got "
                             f"{config.get('intent')!r}")
        most = config.get("max_tokens")
        if not isinstance(most, int) or isinstance(most, bool) or most < 1:
            raise ValueError(f"QuestionedReply: 'max_tokens' must be a whole number of at least "
                             f"1, got {most!r}")
        self.yes_intents = frozenset(yes)
        self.intent = config["intent"]
        self.max_tokens = most

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "QuestionedReply":
        return cls({**cls.get_default_config(), **config})

    def confidence(self, message: Message) -> Any:
        """The confidence of ``intent`` for this message, or None when it does not apply."""
        text = (message.get(TEXT) or "").strip()
        if not asked(text):
            return None
        words = words_in(message)
        if words == 0 and not any(char.isalnum() for char in text):
            return 1.0
        top = message.get(INTENT) or {}
        if top.get(INTENT_NAME_KEY) in self.yes_intents and 0 < words <= self.max_tokens:
            return float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            confidence = self.confidence(message)
            if confidence is None:
                continue
            intent = {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: confidence}
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or []
                       if entry.get(INTENT_NAME_KEY) != self.intent]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples keep their labels: the classifier learns the words, not this rule.
        return training_data
