"""Rasa's command line, with two costs of every turn cut and nothing else changed.

Rasa 3.6 checks every reply of the action server with ``jsonschema.validate``, which first
re-validates the (constant) response schema against the JSON Schema meta-schema. On this machine
that meta-check costs about 90 ms per custom action, and a form turn runs two custom actions
(validate, then ask), so it was most of a turn's latency. Here the schema is checked once, its
validator built once, and every reply is still validated against it, with Rasa's error message.

Loading a tracker from the SQL tracker store turns each stored event back into its class with
``Event.resolve_by_type``, which walks the whole tree of ``Event`` subclasses for every event of the
conversation (about 4 % of a turn). Here the classes are looked up in a table of the same tree,
built on first use and rebuilt when a name is missing (a subclass imported later), with the same
answer and the same error for an unknown name.

Run it with Rasa's interpreter, with the arguments of ``rasa``:
``.venv-rasa/bin/python scripts/rasa_cli.py run --model models/advisor.tar.gz ...``
(scripts/rasa.sh does exactly that). Lock store settings that endpoints.yml needs and the
environment leaves unset default to one server's in-memory locks, as in scripts/settings.sh.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of once per reply
    return cls(schema)


def validate_action_result(self, result: dict[str, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result``: same check, same error text."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _response_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


#: endpoints.yml's lock store when the environment names none: one server, locks in memory.
LOCK_STORE_DEFAULTS = {"LOCK_STORE_TYPE": "in_memory", "LOCK_STORE_HOST": "127.0.0.1",
                       "LOCK_STORE_PORT": "6379", "LOCK_STORE_DB": "0"}


def _event_classes() -> dict[str, type]:
    """Each event type name and the class ``Event.resolve_by_type`` would give for it: the first
    of ``all_subclasses(Event)`` with that name."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    classes: dict[str, type] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


_EVENT_CLASSES: dict[str, type] = {}


def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
    """Drop-in for ``Event.resolve_by_type``: same answer, same fallbacks, same error."""
    if type_name not in _EVENT_CLASSES:
        _EVENT_CLASSES.update(_event_classes())
    if type_name in _EVENT_CLASSES:
        return _EVENT_CLASSES[type_name]
    if type_name == "topic":
        return None  # Rasa's own answer for the old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    """Put both drop-ins in place of Rasa's own."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_by_type)


def main() -> None:
    for name, value in LOCK_STORE_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
