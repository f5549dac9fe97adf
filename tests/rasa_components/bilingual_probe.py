"""Train the Chinese-and-English part of the pipeline on NLU data, read it back from storage and
parse messages with it, as Rasa does; print what each component set as JSON.

The components, in config.yml's order: BilingualTokenizer (with data/zh/jieba_userdict.txt),
LinearIntentClassifier, ScriptRegexEntityExtractor. Rasa's own WhitespaceTokenizer and
RegexEntityExtractor parse the same texts beside them, for comparison.

Run with the Rasa environment from the repository's root:
``.venv-rasa/bin/python tests/rasa_components/bilingual_probe.py < CASE``, where CASE is a JSON
object ``{"nlu": <Rasa NLU YAML>, "texts": [...], "classifier": {<options>},
"metadata": {<text>: <message metadata>}, "english_only_nlu": <YAML, optional>}``. Prints
``{"languages": {language: classes}, "parsed": [...]}`` with, per text: the message's ``text`` after
the tokenizer, its ``tokens`` ([text, start, end]), ``whitespace_tokens`` (Rasa's
WhitespaceTokenizer on the original text), ``intent``, ``intent_ranking``, ``entities``,
``rasa_entities`` (Rasa's RegexEntityExtractor), the ``language`` it was routed to, and with
``english_only_nlu`` the ``english_only`` probabilities of a classifier trained on that data alone.
"""

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # rasa_components, as `rasa run` finds it

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.nlu.constants import TOKENS_NAMES  # noqa: E402
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor  # noqa: E402
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer  # noqa: E402
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT  # noqa: E402
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from rasa_components.bilingual_tokenizer import BilingualTokenizer  # noqa: E402
from rasa_components.intent_classifier import LinearIntentClassifier  # noqa: E402
from rasa_components.script_entity_extractor import ScriptRegexEntityExtractor  # noqa: E402

DICTIONARY = ROOT / "data" / "zh" / "jieba_userdict.txt"
CONTEXT = ExecutionContext(GraphSchema({}), "probe")
ENTITY_CONFIG = {"use_lookup_tables": True, "use_regexes": False, "case_sensitive": False}


def trained(component, config, storage, name, training_data):
    """Create, train, then load back from storage, as `rasa train` and `rasa run` do."""
    resource = Resource(name)
    config = {**component.get_default_config(), **config}
    created = component.create(config, storage, resource, CONTEXT)
    created.train(training_data)
    return component.load(config, storage, resource, CONTEXT)


def pipeline(storage, nlu, classifier_config, prefix):
    training_data = RasaYAMLReader().reads(nlu)
    tokenizer = trained(BilingualTokenizer, {"dictionary_path": str(DICTIONARY)}, storage,
                        f"{prefix}tokenizer", training_data)
    tokenizer.process_training_data(training_data)
    classifier = trained(LinearIntentClassifier, {**classifier_config, "ranking_length": 20},
                         storage, f"{prefix}classifier", training_data)
    extractor = trained(ScriptRegexEntityExtractor, ENTITY_CONFIG, storage,
                        f"{prefix}extractor", training_data)
    rasa_extractor = trained(RegexEntityExtractor, ENTITY_CONFIG, storage,
                             f"{prefix}rasa_extractor", training_data)
    return tokenizer, classifier, extractor, rasa_extractor


def main() -> None:
    case = json.load(sys.stdin)
    whitespace = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    with tempfile.TemporaryDirectory() as directory:
        storage = LocalModelStorage(Path(directory))
        tokenizer, classifier, extractor, rasa_extractor = pipeline(
            storage, case["nlu"], case.get("classifier") or {}, "")
        english_only = None
        if case.get("english_only_nlu"):
            english_only = pipeline(storage, case["english_only_nlu"],
                                    case.get("classifier") or {}, "english_")[1]
        parsed = []
        for text in case["texts"]:
            data = {TEXT: text}
            if text in (case.get("metadata") or {}):
                data[METADATA] = case["metadata"][text]
            message = Message(data)
            plain = Message({TEXT: text})
            whitespace.process([plain])
            tokenizer.process([message])
            rasa_message = Message({TEXT: message.get(TEXT)})
            rasa_extractor.process([rasa_message])
            classifier.process([message])
            extractor.process([message])
            parse = {
                "original": text,
                "text": message.get(TEXT),
                "tokens": [[t.text, t.start, t.end] for t in message.get(TOKENS_NAMES[TEXT])],
                "whitespace_tokens": [[t.text, t.start, t.end]
                                      for t in plain.get(TOKENS_NAMES[TEXT])],
                "intent": message.get("intent"),
                "intent_ranking": message.get("intent_ranking"),
                "entities": message.get(ENTITIES) or [],
                "rasa_entities": rasa_message.get(ENTITIES) or [],
                "language": classifier.language(message),
            }
            if english_only is not None:
                model = english_only.model_of(message)
                probabilities = model.probabilities([english_only.text(message)])[0]
                parse["english_only"] = dict(zip(model.classes, map(float, probabilities),
                                                 strict=True))
                routed = classifier.model_of(message)
                probabilities = routed.probabilities([classifier.text(message)])[0]
                parse["probabilities"] = dict(zip(routed.classes, map(float, probabilities),
                                                  strict=True))
            parsed.append(parse)
    languages = ({language: model.classes for language, model in classifier.models.items()}
                 if classifier.models else {"all": classifier.model.classes})
    text_chars = {language: (list(model.text_char_ngrams) if model.text_char_ngrams else None)
                  for language, model in classifier.models.items()}
    print(json.dumps({"languages": languages, "parsed": parsed, "text_char_ngrams": text_chars},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
