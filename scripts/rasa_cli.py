"""Rasa's command line, with the action server's replies checked against a schema compiled once.

Rasa 3.6 checks every reply of the action server with ``jsonschema.validate``, which first
re-validates the (constant) response schema against the JSON Schema meta-schema. On this machine
that meta-check costs about 90 ms per custom action, and a form turn runs two custom actions
(validate, then ask), so it was most of a turn's latency. Here the schema is checked once, its
validator built once, and every reply is still validated against it, with Rasa's error message.

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


def main() -> None:
    for name, value in LOCK_STORE_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from rasa.__main__ import main as rasa_main
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
