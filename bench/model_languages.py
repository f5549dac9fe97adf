"""Memory and parse time of a trained model, per language: what serving English and Chinese costs.

Loads the model in the Rasa environment as the Rasa server does (``Agent.load``), reads the
process's resident memory (``VmRSS``) once the model is loaded and again after parsing, and times
the NLU parse of each held-out phrasing (tests/nlu/unseen.yml, unseen_zh.yml), the first parse of
each language excluded (it loads jieba's dictionary or warms caches). Two models (one server per
language) cost the memory of both.

Run: ``.venv/bin/python -m bench.model_languages [--model PATH ...]`` (default
models/advisor.tar.gz); prints one line per model.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

import yaml

from bench.nlu_quality import HELD_OUT_SETS, MODEL, RASA_PYTHON, ROOT

#: An entity annotation, "[bonds](concept)", read as its text.
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")
#: Runs in the Rasa environment: argv[1] the model, stdin {language: [texts]}; prints JSON.
_PROBE = """
import asyncio, json, statistics, sys, time, logging
logging.disable(logging.WARNING)
from rasa.core.agent import Agent

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

texts = json.load(sys.stdin)
start = time.perf_counter()
agent = Agent.load(sys.argv[1])
result = {"load_s": time.perf_counter() - start, "rss_loaded_mb": rss_mb(), "parse_ms": {}}
for language, phrasings in texts.items():
    asyncio.run(agent.parse_message(phrasings[0]))
    times = []
    for text in phrasings[1:]:
        start = time.perf_counter()
        asyncio.run(agent.parse_message(text))
        times.append((time.perf_counter() - start) * 1000)
    result["parse_ms"][language] = {"median": statistics.median(times),
                                    "p95": sorted(times)[int(0.95 * (len(times) - 1))]}
result["rss_after_mb"] = rss_mb()
print(json.dumps(result))
"""


def phrasings(path: Path) -> list[str]:
    """The plain text of every example of a Rasa NLU file (annotations removed)."""
    texts = []
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
            if text and "intent" in block:
                texts.append(text)
    return texts


def measure(model: Path) -> dict:
    """Load time, memory and parse times of ``model``."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}")
    texts = {language: phrasings(path) for language, path in HELD_OUT_SETS.items()}
    result = subprocess.run([str(RASA_PYTHON), "-c", _PROBE, str(model)], cwd=ROOT,
                            input=json.dumps(texts), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loading {model} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.model_languages", description=__doc__)
    parser.add_argument("--model", type=Path, action="append",
                        help="a trained model (repeatable; default models/advisor.tar.gz)")
    args = parser.parse_args(argv)
    for model in args.model or [MODEL]:
        r = measure(model)
        parses = ", ".join(f"{language} parse median {t['median']:.1f} ms p95 {t['p95']:.1f} ms"
                           for language, t in r["parse_ms"].items())
        print(f"{model}: loaded in {r['load_s']:.1f} s, {r['rss_loaded_mb']:.0f} MB resident "
              f"({r['rss_after_mb']:.0f} MB after parsing); {parses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
