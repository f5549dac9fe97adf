"""Word responses with the NLG of endpoints.yml, built as Rasa builds it, and print them as JSON.

Run with the Rasa environment from the repository's root:
``.venv-rasa/bin/python tests/rasa_components/nlg_probe.py NLG_TYPE < CASES``, where NLG_TYPE is
the ``nlg: type`` of endpoints.yml and CASES a JSON list of ``{"response": name, "slots": {...},
"values": {...}}``. Prints the generated message of each case (null when there is none).
"""

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # rasa_components, as `rasa run` finds it

from rasa.core.nlg.generator import NaturalLanguageGenerator  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import SlotSet  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402


async def main() -> None:
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type=sys.argv[1]), domain)
    results = []
    for case in json.load(sys.stdin):
        tracker = DialogueStateTracker.from_events("probe", [], slots=domain.slots)
        for name, value in case.get("slots", {}).items():
            tracker.update(SlotSet(name, value))
        results.append(await nlg.generate(case["response"], tracker, "rest",
                                          **case.get("values", {})))
    print(json.dumps({"class": type(nlg).__name__, "messages": results}))


asyncio.run(main())
