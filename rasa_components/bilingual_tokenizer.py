"""The pipeline's tokenizer for English and Chinese: jieba for Chinese, whitespace for English.

Configured in config.yml as ``rasa_components.bilingual_tokenizer.BilingualTokenizer``. Rasa's
``JiebaTokenizer`` cuts Chinese, which has no spaces between words, with jieba and a user
dictionary of the domain's terms; this subclass adds what the pipeline needs around it:

- Traditional Chinese (繁體) is made Simplified first (:func:`rasa_components.scripts.to_simplified`,
  OpenCC), in the message's text itself, so the intent classifier and the entity extractors after
  the tokenizer read one script; English text is never changed.
- A text with CJK characters is cut by jieba; any other text by Rasa's ``WhitespaceTokenizer``,
  unchanged, so English tokens are those of the English-only pipeline.
- jieba returns the spaces and punctuation between words as tokens of their own (RasaHQ/rasa#7910):
  a token without any letter, digit or Han character is dropped, as the whitespace tokenizer drops
  punctuation.
- ``dictionary_path`` may name the dictionary file itself (data/zh/jieba_userdict.txt) as well as a
  folder of dictionaries (Rasa's reading), since the training data's folder holds other files. The
  dictionary is copied into the model and read back from it when the model loads.

Type hints use ``typing`` names without ``from __future__ import annotations``: Rasa's graph
validation reads them at run time.
"""

import logging
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_components.scripts import has_cjk, to_simplified

logger = logging.getLogger(__name__)

#: A token worth keeping holds a letter, a digit or a Han character.
_WORD = re.compile(r"\w")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class BilingualTokenizer(JiebaTokenizer):
    """jieba for text with CJK characters (Traditional made Simplified first), whitespace else."""

    @staticmethod
    def supported_languages() -> Optional[List[str]]:
        return None  # every language: the script of each message decides

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        whitespace_config = {**WhitespaceTokenizer.get_default_config(),
                             **{key: value for key, value in self._config.items()
                                if key in WhitespaceTokenizer.get_default_config()}}
        self._whitespace = WhitespaceTokenizer(whitespace_config)

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "BilingualTokenizer":
        path = config.get("dictionary_path")
        if path is not None and not Path(path).exists():
            raise ValueError(f"BilingualTokenizer: the jieba dictionary {path!r} does not exist")
        return super().create(config, model_storage, resource, execution_context)

    @staticmethod
    def _load_custom_dictionary(path: str) -> None:
        if Path(path).is_file():
            import jieba

            logger.info(f"Loading Jieba User Dictionary at {path}")
            jieba.load_userdict(str(path))
        else:
            JiebaTokenizer._load_custom_dictionary(path)

    @staticmethod
    def _copy_files_dir_to_dir(input_dir: str, output_dir: str) -> None:
        if Path(input_dir).is_file():
            Path(output_dir).mkdir(parents=True, exist_ok=True)
            shutil.copy2(input_dir, output_dir)
        else:
            JiebaTokenizer._copy_files_dir_to_dir(input_dir, output_dir)

    @staticmethod
    def simplify(message: Message) -> None:
        """Make the message's Traditional Chinese text Simplified, in place."""
        text = message.get(TEXT)
        if has_cjk(text):
            simplified = to_simplified(text)
            if simplified != text:
                message.set(TEXT, simplified)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        if not has_cjk(message.get(attribute)):
            return self._whitespace.tokenize(message, attribute)
        tokens = super().tokenize(message, attribute)
        return [token for token in tokens if _WORD.search(token.text)]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self.simplify(example)
        return super().process_training_data(training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.simplify(message)
        return super().process(messages)
