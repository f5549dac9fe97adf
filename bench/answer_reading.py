"""How typed answers to the form's choice questions are read, on held-out answers in a client's own
words (tests/actions/held_out_answers_<language>.yml): per question, how many are read as the option
they mean, read as another option (the costly mistake: a wrong answer moves the risk score), or left
unread (the chat then asks again with buttons).

    .venv/bin/python -m bench.answer_reading [--language zh] [--answers PATH]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.answers import match_option
from engine.questionnaire import option_titles, questionnaire
from engine.wording import texts

ROOT = Path(__file__).resolve().parents[1]


def held_out_path(language: str) -> Path:
    return ROOT / "tests" / "actions" / f"held_out_answers_{language}.yml"


def held_out_answers(language: str, path: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Question id -> option id -> the held-out answers that mean it (or those of ``path``, a
    file of the same shape, such as a probe of bench/probes/)."""
    data = yaml.safe_load((path or held_out_path(language)).read_text(encoding="utf-8"))
    return data["questions"]


@dataclass
class Reading:
    """The readings of one question's held-out answers."""

    right: int = 0
    wrong: list[tuple[str, str, str | None]] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + len(self.wrong) + len(self.unread)


def read_all(language: str, path: Path | None = None) -> dict[str, Reading]:
    """Question id -> how its held-out answers (or those of ``path``) are read."""
    questions = {q.id: q for q in questionnaire().questions}
    readings = {}
    for question_id, options in held_out_answers(language, path).items():
        question = questions[question_id]
        titles = option_titles(question, texts(language))
        reading = Reading()
        for meant, answers in options.items():
            for answer in answers:
                got = match_option(question, answer, titles, language)
                if got == meant:
                    reading.right += 1
                elif got is None:
                    reading.unread.append((answer, meant))
                else:
                    reading.wrong.append((answer, meant, got))
        readings[question_id] = reading
    return readings


def table(readings: dict[str, Reading]) -> str:
    lines = ["| question | answers | read right | read wrong | unread |", "|---|---|---|---|---|"]
    for question_id, r in [*readings.items(), ("all", _total(readings))]:
        lines.append(f"| {question_id} | {r.total} | {r.right} ({r.right / r.total:.0%}) | "
                     f"{len(r.wrong)} | {len(r.unread)} |")
    return "\n".join(lines)


def _total(readings: dict[str, Reading]) -> Reading:
    total = Reading()
    for r in readings.values():
        total.right += r.right
        total.wrong += r.wrong
        total.unread += r.unread
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="zh")
    parser.add_argument("--answers", type=Path,
                        help="read these answers (the held-out file's shape, e.g. a probe of "
                             "bench/probes/) instead of the language's held-out answers")
    args = parser.parse_args(argv)
    if args.answers is not None and not args.answers.is_file():
        print(f"no answers file at {args.answers}")
        return 2
    print(table(read_all(args.language, args.answers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
