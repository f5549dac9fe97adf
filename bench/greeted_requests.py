"""Whether a greeting before a request changes how it is read: every held-out phrasing of a
language (tests/nlu/unseen*.yml) that is no greeting, parsed by the trained model as written and
again after each of a few greetings ("您好，", "hi, "). Reports, per greeting, of the phrasings read
right as written, how many are read otherwise after it, and as what.

    .venv/bin/python -m bench.greeted_requests [--language zh] [--model PATH]

The held-out phrasings are never trained on (tests/nlu/test_held_out_guard.py), so neither are
these; the greetings are the commonest openings of chat messages, not the training examples'.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from bench.nlu_quality import HELD_OUT_SETS, MODEL, RASA_PYTHON, ROOT

PROBE = ROOT / "tests" / "nlu" / "story_text_probe.py"
#: What clients type before a request, per language.
GREETINGS = {"en": ("hi, ", "hello! ", "good morning, ", "hey there "),
             "zh": ("您好，", "你好 ", "嗨～", "hello，")}
#: The intent of greetings, whose phrasings are left out.
GREETING_INTENT = "greet"


def phrasings(path: Path) -> list[tuple[str, str]]:
    """(text, intent) of every held-out phrasing but the greetings."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for block in data.get("nlu") or []:
        if block.get("intent") in (None, GREETING_INTENT):
            continue
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                found.append((line.strip()[2:].strip(), block["intent"]))
    return found


def parse(model: Path, texts: list[str]) -> list[str]:
    """The intent the model gives each text (a retrieval intent by its full key)."""
    result = subprocess.run([str(RASA_PYTHON), str(PROBE), str(model)], input=json.dumps(texts),
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"the model could not parse the phrasings:\n{result.stderr[-2000:]}")
    return [p["intent"] for p in json.loads(result.stdout.strip().splitlines()[-1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.greeted_requests",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", choices=sorted(HELD_OUT_SETS), default="zh")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"no model at {args.model}: run scripts/train_model.sh")
        return 2
    pairs = phrasings(HELD_OUT_SETS[args.language])
    greetings = GREETINGS[args.language]
    texts = [t for t, _ in pairs]
    read = parse(args.model, texts + [g + t for g in greetings for t in texts])
    plain = read[:len(texts)]
    right = [i for i, (_, intent) in enumerate(pairs) if _same(plain[i], intent)]
    print(f"{args.language}: {len(pairs)} held-out phrasings, {len(right)} read right as written")
    print("| greeting before | read otherwise | as |\n|---|---:|---|")
    for n, greeting in enumerate(greetings, start=1):
        greeted = read[n * len(texts):(n + 1) * len(texts)]
        changed = Counter(greeted[i] for i in right if not _same(greeted[i], pairs[i][1]))
        became = ", ".join(f"{intent} {count}" for intent, count in changed.most_common())
        print(f"| {greeting.strip()!r} | {sum(changed.values())} | {became or '-'} |")
    return 0


def _same(read: str | None, intent: str) -> bool:
    """Whether a reading is the phrasing's intent: its full key, or the retrieval intent."""
    return read == intent or (read or "").split("/")[0] == intent


if __name__ == "__main__":
    raise SystemExit(main())
