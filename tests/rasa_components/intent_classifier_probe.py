"""Train the pipeline's intent classifier on NLU data, read it back and parse messages with it, as
Rasa does; print what it sets on each message as JSON.

Run with the Rasa environment from the repository's root:
``.venv-rasa/bin/python tests/rasa_components/intent_classifier_probe.py < CASE``, where CASE is a
JSON object ``{"nlu": <Rasa NLU YAML, responses included>, "texts": [...]}``, with optionally
``"config"``: options of the classifier over its defaults. Prints
``{"classes": [...], "parsed": [...]}``: the trained model's classes and, per text, the message's
``intent``, ``intent_ranking`` and ``response_selector`` (absent when not set), the probability of
each class straight from the model (``probabilities``), and ``retrieved``: the bot message Rasa's
retrieval action for each retrieval intent (``utter_<intent>``) sends for that parse, with the
response name it used.
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # rasa_components, as `rasa run` finds it

from rasa.core.actions.action import ActionRetrieveResponse  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel  # noqa: E402
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator  # noqa: E402
from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import BotUttered, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.shared.nlu.constants import TEXT  # noqa: E402
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from rasa_components.intent_classifier import LinearIntentClassifier  # noqa: E402

PROPERTIES = ("intent", "intent_ranking", "response_selector")


async def retrieved(parse: dict, training_data, retrieval_intents: list) -> dict:
    """The message each retrieval action sends for ``parse``, with the response name it used."""
    domain = Domain.from_dict({"intents": list(training_data.intents),
                               "responses": training_data.responses})
    nlg = TemplatedNaturalLanguageGenerator(training_data.responses)
    tracker = DialogueStateTracker.from_events(
        "probe", [UserUttered(parse["text"], parse["intent"], parse_data=parse)])
    sent = {}
    for intent in retrieval_intents:
        events = await ActionRetrieveResponse(f"utter_{intent}").run(
            CollectingOutputChannel(), nlg, tracker, domain)
        bots = [e for e in events if isinstance(e, BotUttered)]
        sent[intent] = ({"text": bots[0].text, "utter_action": bots[0].metadata["utter_action"]}
                        if bots else None)
    return sent


def main() -> None:
    case = json.load(sys.stdin)
    training_data = RasaYAMLReader().reads(case["nlu"])
    with tempfile.TemporaryDirectory() as directory:
        storage = LocalModelStorage(Path(directory))
        resource = Resource("intent_classifier")
        context = ExecutionContext(GraphSchema({}), "probe")
        config = {**LinearIntentClassifier.get_default_config(), "ranking_length": 20,
                  **case.get("config", {})}
        LinearIntentClassifier.create(config, storage, resource, context).train(training_data)
        # Read back from storage, as `rasa run` loads a trained model.
        classifier = LinearIntentClassifier.load(config, storage, resource, context)
        parsed = []
        for text in case["texts"]:
            message = Message({TEXT: text})
            classifier.process([message])
            parse = {"text": text, **{k: message.get(k) for k in PROPERTIES if message.get(k)}}
            probabilities = classifier.model.probabilities([text])[0]
            parse["probabilities"] = dict(zip(classifier.model.classes,
                                              (float(p) for p in probabilities), strict=True))
            parse["retrieved"] = asyncio.run(
                retrieved(parse, training_data, sorted(training_data.retrieval_intents)))
            parsed.append(parse)
    print(json.dumps({"classes": classifier.model.classes, "parsed": parsed}))


if __name__ == "__main__":
    main()
