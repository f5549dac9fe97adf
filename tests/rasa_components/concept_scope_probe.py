"""Run the pipeline's intent classifier, Rasa's lookup-table entity extractor and the concept scope
on messages, as Rasa's NLU graph runs them; print what each message ends with as JSON.

Run with the Rasa environment from the repository's root:
``.venv-rasa/bin/python tests/rasa_components/concept_scope_probe.py < CASE``, where CASE is a JSON
object ``{"nlu": <Rasa NLU YAML with a concept lookup table>, "texts": [...], "config": {...}}``
(``config``: the concept scope's options, optional). Prints ``{"parsed": [...]}``: per text, its
``intent`` name and its ``entities`` as (entity, value) pairs, before (``extracted``) and after
(``kept``) the concept scope.
"""

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # rasa_components, as `rasa run` finds it

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor  # noqa: E402
from rasa.shared.nlu.constants import ENTITIES, TEXT  # noqa: E402
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from rasa_components.concept_scope import ConceptScope  # noqa: E402
from rasa_components.intent_classifier import LinearIntentClassifier  # noqa: E402


def pairs(message: Message) -> list:
    return [[e["entity"], e["value"]] for e in message.get(ENTITIES) or []]


def main() -> None:
    case = json.load(sys.stdin)
    training_data = RasaYAMLReader().reads(case["nlu"])
    with tempfile.TemporaryDirectory() as directory:
        storage = LocalModelStorage(Path(directory))
        context = ExecutionContext(GraphSchema({}), "probe")
        classifier_resource = Resource("intent_classifier")
        LinearIntentClassifier.create(LinearIntentClassifier.get_default_config(), storage,
                                      classifier_resource, context).train(training_data)
        classifier = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(),
                                                 storage, classifier_resource, context)
        extractor_config = {**RegexEntityExtractor.get_default_config(),
                            "use_lookup_tables": True, "use_regexes": False}
        extractor_resource = Resource("entity_extractor")
        RegexEntityExtractor.create(extractor_config, storage, extractor_resource,
                                    context).train(training_data)
        extractor = RegexEntityExtractor.load(extractor_config, storage, extractor_resource,
                                              context)
        scope = ConceptScope.create(case.get("config") or {}, storage, Resource("scope"), context)
        parsed = []
        for text in case["texts"]:
            message = Message({TEXT: text})
            classifier.process([message])
            extractor.process([message])
            extracted = pairs(message)
            scope.process([message])
            parsed.append({"text": text, "intent": message.get("intent")["name"],
                           "extracted": extracted, "kept": pairs(message)})
    print(json.dumps({"parsed": parsed}))


if __name__ == "__main__":
    main()
