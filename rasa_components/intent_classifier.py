"""The NLU pipeline's intent classifier: :class:`LinearIntentModel` inside Rasa's graph.

Configured in config.yml as ``rasa_components.intent_classifier.LinearIntentClassifier``. It reads
the examples' text (no featurizer needed), takes the ``regex:`` blocks of the training data as its
pattern features and sets ``intent`` and ``intent_ranking`` the way Rasa's own classifiers do, so
the FallbackClassifier after it and the dialogue policies work unchanged.

It also serves Rasa's retrieval intents (``intent: faq/fees`` in the data, answered by the
``utter_faq/fees`` response) without a ResponseSelector: it learns one class per full key
(``faq/fees``), then at prediction adds up the probabilities of a retrieval intent's keys into the
intent itself (``faq``), so that ``faq`` competes with ``greet`` as one intent, and writes the
``response_selector`` property in the shape Rasa's ResponseSelector writes, for Rasa's own
retrieval action (``utter_faq``) to answer with the chosen key's response. Why not a
ResponseSelector: it is DIET again, which scores lower than this model on this data, and a second
model would read the same message twice.

Two languages. With ``route_by_language: true`` the classifier keeps one linear model per
language, routed by the message's language (:func:`rasa_components.scripts.language_of`: a CJK
character makes a message Chinese, a ``language`` in its metadata overrides the script), so English
examples never compete with Chinese ones and the English model is the one an English-only training
would learn. With ``false`` (the default) one model learns every example. With
``cjk_word_tokens: true`` the word n-grams of a Chinese message are those of its tokens (jieba's
words from the tokenizer before this component) instead of runs of characters between spaces,
which in Chinese are whole sentences; the character n-grams then stay within words.

A greeting before a request ("您好，请问怎么开户"). With ``greeting_intent`` set (``greet``), a
message that opens with one of that intent's short examples and says more after it
(:mod:`lexicon.greetings`) is read again without the greeting; when the rest reads as another
intent with at least ``greeting_rest_confidence`` (0.5), and the whole read as the greeting or less
surely than the rest, the rest's reading stands. A greeting followed by little ("hi, anyone
there?") stays a greeting.

Words that settle the topic. With ``topic_words`` set, a message whose first reading is one of a
topic's ``over`` intents and that holds one of the topic's words (:mod:`lexicon.topic_words`) is
read as the topic's retrieval key instead, with the first reading's confidence: "开户以后赚的钱要交
税吗" asks about tax, not about opening an account. A first reading among ``keep`` (keys such as
``faq/tax_wrappers``, whose questions hold the same words) stands. E.g. ``topic_words:
{boundary/tax_legal: {words: data/topic_words/tax_legal.txt, over: [faq, explain], keep:
[faq/tax_wrappers]}}``; the words are read when the model trains and kept in it.

Options: ``C`` (inverse regularisation, default 100), ``word_ngrams`` ([1, 2]), ``char_ngrams``
([1, 5]), ``text_char_ngrams`` (none: the whole-text character block of
:class:`LinearIntentModel`), ``ranking_length`` (10), ``random_state`` (42), ``route_by_language``
(false), ``cjk_word_tokens`` (false), ``greeting_intent`` (none), ``greeting_rest_confidence``
(0.5), ``topic_words`` (none) and ``languages`` (none): per language, options that replace ``C``, ``word_ngrams``,
``char_ngrams`` or ``text_char_ngrams`` for that language's model, e.g.
``languages: {zh: {C: 300, text_char_ngrams: [1, 1]}}``.

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time and compares them with its own ``List``/``Dict`` hints.
"""

import json
import logging
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_TEMPLATE_NAME_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    RESPONSE_IDENTIFIER_DELIMITER,
    TEXT,
)
from rasa.shared.nlu.training_data import util as training_data_util
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lexicon.greetings import greetings, rest_after_greeting
from lexicon.topic_words import TopicWords
from rasa_components.linear_intents import LinearIntentModel
from rasa_components.scripts import CHINESE, LANGUAGES, has_cjk, language_of

logger = logging.getLogger(__name__)

#: Beside the intent model's files: the retrieval intents and the responses of their keys.
_RETRIEVAL = "retrieval.json"
#: Beside them too: the greetings a message may open with.
_GREETINGS = "greetings.json"
#: And the words that settle a topic (``topic_words``), as read when the model trained.
_TOPIC_WORDS = "topic_words.json"


def label(example: Message) -> Optional[str]:
    """The class an example trains: its full key for a retrieval intent (``faq/fees``), else its
    intent."""
    return example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)


def response_id(intent_response_key: str) -> int:
    """A number naming a key, as the ResponseSelector's ``id``; CRC-32 rather than ``hash()``
    so that it is the same in every process."""
    return zlib.crc32(intent_response_key.encode("utf-8"))


#: The options ``languages`` may set for one language's model.
_LANGUAGE_OPTIONS = {"C", "word_ngrams", "char_ngrams", "text_char_ngrams"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classifier on TF-IDF n-grams and the data's pattern cues (logistic regression)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"C": 100.0, "word_ngrams": [1, 2], "char_ngrams": [1, 5],
                "text_char_ngrams": None, "ranking_length": 10, "random_state": 42,
                "route_by_language": False, "cjk_word_tokens": False, "languages": {},
                "greeting_intent": None, "greeting_rest_confidence": 0.5, "topic_words": {}}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn", "scipy", "numpy"]

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearIntentModel] = None,
                 retrieval_intents: Optional[List[str]] = None,
                 responses: Optional[Dict[str, List[Dict[str, Any]]]] = None,
                 models: Optional[Dict[str, LinearIntentModel]] = None,
                 greeting_words: Optional[List[str]] = None,
                 topics: Optional[Dict[str, TopicWords]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        #: The model of every message (one model for all languages), or None.
        self.model = model
        #: Language -> its model, when the classifier routes by language.
        self.models: Dict[str, LinearIntentModel] = dict(models or {})
        #: The retrieval intents of the training data (``faq``), sorted.
        self.retrieval_intents = sorted(retrieval_intents or [])
        #: Response name (``utter_faq/fees``) -> its variations, as the training data gives them.
        self.responses = dict(responses or {})
        #: The greetings a message may open with (``greeting_intent``'s short examples).
        self.greeting_words = list(greeting_words or [])
        #: Retrieval key -> the words that settle it (``topic_words``).
        self.topics: Dict[str, TopicWords] = dict(topics or {})
        self.topic_rules = self._topic_rules(self.config.get("topic_words"))

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    @staticmethod
    def _topic_rules(option: Any) -> Dict[str, Dict[str, Any]]:
        """``topic_words`` checked: key -> its words file, ``over`` intents and ``keep`` keys."""
        if not option:
            return {}
        if not isinstance(option, dict):
            raise ValueError(f"topic_words: a mapping of retrieval keys to their words, got "
                             f"{option!r}")
        rules = {}
        for key, rule in option.items():
            if RESPONSE_IDENTIFIER_DELIMITER not in str(key):
                raise ValueError(f"topic_words: {key!r} is not a retrieval key such as "
                                 "'boundary/tax_legal'")
            if not isinstance(rule, dict) or not isinstance(rule.get("words"), str):
                raise ValueError(f"topic_words.{key}: 'words' must name a words file")
            for name in ("over", "keep"):
                if not isinstance(rule.get(name, []), list):
                    raise ValueError(f"topic_words.{key}: '{name}' must be a list")
            if not rule.get("over"):
                raise ValueError(f"topic_words.{key}: 'over' must list the intents it reads past")
            rules[str(key)] = {"words": rule["words"], "over": set(rule["over"]),
                               "keep": set(rule.get("keep") or [])}
        return rules

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if len({label(e) for e in examples}) < 2:
            logger.warning("Fewer than two intents in the training data: no intent classifier.")
            return self._resource
        if self.config["route_by_language"]:
            self.model = None
            self.models = {}
            for language in LANGUAGES:
                chosen = [e for e in examples if self.language(e) == language]
                rows = [row for row in training_data.regex_features
                        if (language == CHINESE) == has_cjk(row["pattern"])]
                if len({label(e) for e in chosen}) < 2:
                    logger.warning(f"Fewer than two intents in the {language!r} examples: no "
                                   f"{language!r} model; its messages go to the other one.")
                    continue
                self.models[language] = self._fit(chosen, rows, language)
        else:
            self.models = {}
            self.model = self._fit(examples, training_data.regex_features)
        greeting = self.config["greeting_intent"]
        # A greeting of either language opens a message of either ("hello，我想开户").
        self.greeting_words = greetings(e.get(TEXT) for e in examples
                                        if greeting and label(e) == greeting)
        self.topics = {key: TopicWords.read(Path(rule["words"]))
                       for key, rule in self.topic_rules.items()}
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        keys = {e.get(INTENT_RESPONSE_KEY) for e in examples if e.get(INTENT_RESPONSE_KEY)}
        self.responses = {}
        for key in sorted(keys):
            name = training_data_util.intent_response_key_to_template_key(key)
            if name not in training_data.responses:
                logger.warning(f"No response {name!r} for the examples of {key!r}: the domain "
                               "should declare it.")
            self.responses[name] = training_data.responses.get(name) or []
        with self._model_storage.write_to(self._resource) as directory:
            if self.model is not None:
                self.model.save(directory)
            for language, model in self.models.items():
                model.save(directory / language)
            (directory / _RETRIEVAL).write_text(json.dumps(
                {"retrieval_intents": self.retrieval_intents, "responses": self.responses},
                ensure_ascii=False))
            (directory / _GREETINGS).write_text(json.dumps(self.greeting_words,
                                                           ensure_ascii=False))
            (directory / _TOPIC_WORDS).write_text(json.dumps(
                {key: words.as_dict() for key, words in self.topics.items()}, ensure_ascii=False))
        return self._resource

    def options(self, language: Optional[str] = None) -> Dict[str, Any]:
        """The model options for ``language``: the component's, with that language's overrides."""
        overrides = dict((self.config.get("languages") or {}).get(language) or {})
        unknown = set(overrides) - _LANGUAGE_OPTIONS
        if unknown:
            raise ValueError(f"languages.{language}: unknown option(s) {sorted(unknown)}; "
                             f"a language may set {sorted(_LANGUAGE_OPTIONS)}")
        return {**{key: self.config[key] for key in _LANGUAGE_OPTIONS}, **overrides}

    def _fit(self, examples: List[Message], regex_features: List[Dict[str, str]],
             language: Optional[str] = None) -> LinearIntentModel:
        # Several patterns under one name make one feature: any of them matching.
        grouped: Dict[str, List[str]] = {}
        for row in regex_features:
            grouped.setdefault(row["name"], []).append(row["pattern"])
        patterns = {name: "|".join(f"(?:{p})" for p in rows) for name, rows in grouped.items()}
        options = self.options(language)
        text_chars = options["text_char_ngrams"]
        return LinearIntentModel.fit(
            [self.text(e) for e in examples], [label(e) for e in examples], patterns,
            c=float(options["C"]), word_ngrams=tuple(options["word_ngrams"]),
            char_ngrams=tuple(options["char_ngrams"]),
            text_char_ngrams=tuple(text_chars) if text_chars else None,
            random_state=int(self.config["random_state"]),
        )

    @staticmethod
    def language(message: Message) -> str:
        """The language a message is routed to: its metadata's, else its script's."""
        return language_of(message.get(TEXT), message.get(METADATA))

    def text(self, message: Message, start: int = 0) -> str:
        """The text the model reads from ``start`` on: the message's text, or with
        ``cjk_word_tokens`` a Chinese message's tokens joined by spaces."""
        text = message.get(TEXT) or ""
        if self.config["cjk_word_tokens"] and has_cjk(text):
            tokens = [t for t in message.get(TOKENS_NAMES[TEXT]) or [] if t.start >= start]
            if tokens:
                return " ".join(token.text for token in tokens)
        return text[start:]

    def model_of(self, message: Message) -> Optional[LinearIntentModel]:
        """The model that reads ``message``: its language's, else the only one there is."""
        if self.model is not None:
            return self.model
        if not self.models:
            return None
        return self.models.get(self.language(message)) or next(iter(self.models.values()))

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        retrieval: Dict[str, Any] = {}
        greeting_words: List[str] = []
        topics: Dict[str, TopicWords] = {}
        model = None
        models: Dict[str, LinearIntentModel] = {}
        try:
            with model_storage.read_from(resource) as directory:
                models = {language: LinearIntentModel.load(directory / language)
                          for language in LANGUAGES if (directory / language).is_dir()}
                if not models:
                    model = LinearIntentModel.load(directory)
                if (directory / _RETRIEVAL).exists():
                    retrieval = json.loads((directory / _RETRIEVAL).read_text())
                if (directory / _GREETINGS).exists():
                    greeting_words = json.loads((directory / _GREETINGS).read_text())
                if (directory / _TOPIC_WORDS).exists():
                    topics = {key: TopicWords(tuple(words["words"]), tuple(words["exceptions"]))
                              for key, words in json.loads(
                                  (directory / _TOPIC_WORDS).read_text()).items()}
        except (ValueError, FileNotFoundError):
            logger.warning("No trained intent classifier in the model: intents will be missing.")
            model, models = None, {}
        return cls(config, model_storage, resource, model,
                   retrieval.get("retrieval_intents"), retrieval.get("responses"), models,
                   greeting_words, topics)

    def _retrieval_intent(self, name: str) -> Optional[str]:
        """The retrieval intent a class belongs to (``faq`` for ``faq/fees``), or None."""
        base, delimiter, _ = name.partition(RESPONSE_IDENTIFIER_DELIMITER)
        return base if delimiter and base in self.retrieval_intents else None

    def process(self, messages: List[Message]) -> List[Message]:
        length = max(int(self.config["ranking_length"]), 1)
        for message in messages:
            model = self.model_of(message)
            if model is None:
                return messages
            intents, keys = self._read(model, self.text(message))
            after = self._after_greeting(model, message, intents)
            if after is not None:
                intents, keys = after
            intents, keys = self._settled_topic(message.get(TEXT) or "", intents, keys)
            ranking = sorted(intents.items(), key=lambda item: -item[1])[:length]
            ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                      for name, confidence in ranking]
            message.set(INTENT, ranked[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)
            if self.retrieval_intents:
                self._select_responses(message, keys, length)
        return messages

    def _read(self, model: LinearIntentModel, text: str
              ) -> Tuple[Dict[str, float], Dict[str, Dict[str, float]]]:
        """The probability of each intent (a retrieval intent's keys added up) and of each key
        of each retrieval intent."""
        probabilities = model.probabilities([text])[0]
        intents: Dict[str, float] = {}
        keys: Dict[str, Dict[str, float]] = {name: {} for name in self.retrieval_intents}
        for name, probability in zip(model.classes, (float(p) for p in probabilities),
                                     strict=True):
            base = self._retrieval_intent(name)
            intents[base or name] = intents.get(base or name, 0.0) + probability
            if base:
                keys[base][name] = probability
        return intents, keys

    def _after_greeting(self, model: LinearIntentModel, message: Message,
                        intents: Dict[str, float]
                        ) -> Optional[Tuple[Dict[str, float], Dict[str, Dict[str, float]]]]:
        """The reading (as :meth:`_read`) of the text after the greeting a message opens with,
        when it is another intent, sure enough (``greeting_rest_confidence``), and the whole
        reads as the greeting or less surely than the rest; else None."""
        greeting = self.config["greeting_intent"]
        whole = max(intents, key=intents.get, default=None)
        if not greeting or whole is None:
            return None
        start = rest_after_greeting(message.get(TEXT) or "", self.greeting_words)
        if start is None:
            return None
        rest = self.text(message, start)
        # "您好，show me my portfolio": the rest is read by the model of its own language.
        if self.models:
            model = self.models.get(language_of(rest, message.get(METADATA))) or model
        rest_intents, rest_keys = self._read(model, rest)
        best = max(rest_intents, key=rest_intents.get)
        sure = rest_intents[best] >= float(self.config["greeting_rest_confidence"])
        better = whole == greeting or rest_intents[best] > intents[whole]
        return (rest_intents, rest_keys) if best != greeting and sure and better else None

    def _settled_topic(self, text: str, intents: Dict[str, float],
                       keys: Dict[str, Dict[str, float]]
                       ) -> Tuple[Dict[str, float], Dict[str, Dict[str, float]]]:
        """The reading (as :meth:`_read`) once the words of a topic (``topic_words``) have had
        their say: the topic's key takes the first reading's place and confidence when that
        reading is one of the topic's ``over`` intents, not a ``keep`` key, and the text holds
        one of its words; the first reading takes the topic's place. Else the reading as it was."""
        first = max(intents, key=intents.get, default=None)
        if first is None:
            return intents, keys
        first_key = (max(keys[first], key=keys[first].get)
                     if keys.get(first) else first)
        for key, rule in self.topic_rules.items():
            topic = self._retrieval_intent(key)
            words = self.topics.get(key)
            if (topic is None or words is None or first == topic or first not in rule["over"]
                    or first_key in rule["keep"] or not words.holds(text)):
                continue
            intents = {**intents, topic: intents[first], first: intents.get(topic, 0.0)}
            # The key comes first among its intent's keys: it takes their sum (at least any one).
            keys = {**keys, topic: {**keys[topic], key: sum(keys[topic].values()) or 1.0}}
            return intents, keys
        return intents, keys

    def _select_responses(self, message: Message, keys: Dict[str, Dict[str, float]],
                          length: int) -> None:
        """Set ``response_selector`` as Rasa's ResponseSelector does, one selector per retrieval
        intent: its most likely key with that key's responses, and the ranking of its keys.

        A key's confidence is its probability given its retrieval intent (the keys of one intent
        sum to 1), as a ResponseSelector trained on that intent's examples would score it.
        """
        selector: Dict[str, Any] = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self.retrieval_intents}
        for intent in self.retrieval_intents:
            total = sum(keys[intent].values())
            if not keys[intent] or total <= 0.0:
                continue
            ranking = [
                {"id": response_id(key), PREDICTED_CONFIDENCE_KEY: probability / total,
                 INTENT_RESPONSE_KEY: key}
                for key, probability in sorted(keys[intent].items(), key=lambda item: -item[1])
            ][:length]
            best = ranking[0][INTENT_RESPONSE_KEY]
            name = training_data_util.intent_response_key_to_template_key(best)
            selector[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    "id": ranking[0]["id"],
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(name) or [],
                    PREDICTED_CONFIDENCE_KEY: ranking[0][PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: best,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: name,
                    RESPONSE_SELECTOR_TEMPLATE_NAME_KEY: name,
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking,
            }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
