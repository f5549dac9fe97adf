"""The ``concept`` entity only where a client asks about a concept: not in everyday questions.

Configured in config.yml as ``rasa_components.concept_scope.ConceptScope``, after the entity
extractors. The ``concept`` entity names the idea a client asks to have explained (domain.yml); the
lookup table marks every mention of a concept word, wherever it stands. An everyday question or a
boundary (a retrieval intent such as ``faq/emergency_fund`` or ``boundary/tax_legal``) is answered
by its topic's response, so a concept word in it ("how much cash should I keep for emergencies",
"how do I declare my shares") is not asked about, and this component drops the entity there. The
training data is annotated the same way: concept words in everyday questions carry no entity.

Which intents are retrieval intents is read from the message: the ``response_selector`` property
lists them (``all_retrieval_intents``), as Rasa's ResponseSelector and the pipeline's intent
classifier write it. Options: ``entities`` (the entities dropped, default ``["concept"]``).

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time.
"""

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ConceptScope(GraphComponent):
    """Drops the configured entities from messages whose intent is a retrieval intent."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"entities": ["concept"]}

    def __init__(self, config: Dict[str, Any]) -> None:
        entities = config.get("entities")
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            raise ValueError(f"ConceptScope: 'entities' must be a list of entity names, got "
                             f"{entities!r}")
        self.entities = frozenset(entities)

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ConceptScope":
        return cls({**cls.get_default_config(), **config})

    @staticmethod
    def retrieval_intent(message: Message) -> bool:
        """Whether the message's intent is one of the retrieval intents its parse lists."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        return intent is not None and intent in (selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS)
                                                 or [])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if entities and self.retrieval_intent(message):
                kept = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in self.entities]
                message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples keep their annotations: nothing downstream learns from this one.
        return training_data
