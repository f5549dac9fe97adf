"""scripts/rasa_cli.py's drop-ins give Rasa's own answers, checked in Rasa's own interpreter."""

from __future__ import annotations

import json
import subprocess

from harness.advisor import ROOT

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

COMPARE = r"""
import json, sys
sys.path.insert(0, "scripts")
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.utils.common import all_subclasses
import rasa_cli

rasa_own = Event.resolve_by_type
names = sorted({cls.type_name for cls in all_subclasses(Event)})

def outcome(resolve, name, default=None):
    try:
        found = resolve(name, default)
    except ValueError as error:
        return ["error", str(error)]
    return ["class", None if found is None else f"{found.__module__}.{found.__qualname__}"]

cases = [(name, None) for name in names] + [("topic", None), ("no such event", None),
                                            ("no such event", UserUttered)]
before = [outcome(rasa_own, name, default) for name, default in cases]
rasa_cli.install()
assert Event.resolve_by_type is not rasa_own
after = [outcome(Event.resolve_by_type, name, default) for name, default in cases]
# Through the classmethod Rasa uses to load a stored event, too.
loaded = type(Event.from_parameters({
    "event": "user", "text": "hi",
    "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}})).__name__
print(json.dumps({"names": len(names), "before": before, "after": after, "loaded": loaded}))
"""


def test_event_classes_are_resolved_as_rasa_resolves_them():
    result = subprocess.run([str(RASA_PYTHON), "-c", COMPARE], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["names"] > 20  # every kind of event, not a handful
    assert report["after"] == report["before"]
    assert report["before"][-2][0] == "error"  # an unknown name still raises Rasa's error
    assert report["loaded"] == "UserUttered"
