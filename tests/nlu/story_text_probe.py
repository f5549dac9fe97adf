"""Parse messages with a trained model, as `rasa run` parses a user's message, and print what the
NLU pipeline made of each one as JSON.

Run with the Rasa environment from the repository's root:
``.venv-rasa/bin/python tests/nlu/story_text_probe.py MODEL < TEXTS``, where TEXTS is a JSON list of
strings. Prints a list with, per text: ``text``, ``intent`` (a retrieval intent by its full key,
``faq/fees``), ``confidence`` and ``entities`` ([entity, value] pairs, synonyms mapped).
"""

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # rasa_components, as `rasa run` finds it

from rasa.core.agent import Agent  # noqa: E402


async def parse_all(model: str, texts: list[str]) -> list[dict]:
    agent = Agent.load(model)
    parsed = []
    for text in texts:
        result = await agent.parse_message(text)
        intent = result.get("intent") or {}
        parsed.append({
            "text": text,
            "intent": intent.get("full_retrieval_intent_name") or intent.get("name"),
            "confidence": intent.get("confidence"),
            "entities": [[entity["entity"], entity["value"]]
                         for entity in result.get("entities") or []],
        })
    return parsed


def main() -> None:
    texts = json.load(sys.stdin)
    print(json.dumps(asyncio.run(parse_all(sys.argv[1], texts)), ensure_ascii=False))


if __name__ == "__main__":
    main()
