"""A copy of the locale files that a test may change: a language added, a text changed or removed.

    folder = LocaleFolder.copy_of_repository(tmp_path)
    folder.write("fr", reason_summary="Pour {goal:goal} ...")  # names of a language (new or not)
    folder.remove("en", "disclosure_human_review")
    folder.copy_language("en", "xx")                          # a complete second language

Point the engine at it with ``LOCALES_DIR`` (the ``locales`` fixtures do). Every change clears the
engine's cache of read folders, so the next text is read from the files as changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from engine import wording

REPOSITORY = Path(__file__).resolve().parents[2] / "locales"
#: The file of a language that :meth:`LocaleFolder.write` adds names to.
ADDED = "added.yml"


class LocaleFolder:
    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def copy_of_repository(cls, into: Path) -> LocaleFolder:
        path = into / "locales"
        shutil.copytree(REPOSITORY, path)
        return cls(path)

    def _files(self, language: str) -> list[Path]:
        return sorted((self.path / language).glob("*.yml"))

    def _load(self, path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {"responses": {}}

    def _save(self, path: Path, data: dict) -> None:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        wording._read.cache_clear()

    def write(self, language: str, **texts: str | list[dict]) -> None:
        """Set names of ``language``: a text (one variation) or a list of variations. A name the
        language has is changed in its file; any other is added to ``added.yml``."""
        (self.path / language).mkdir(exist_ok=True)
        files = {path: self._load(path) for path in self._files(language)}
        added = self.path / language / ADDED
        files.setdefault(added, {"responses": {}})
        for name, value in texts.items():
            path = next((p for p, data in files.items() if name in data["responses"]), added)
            files[path]["responses"][name] = [{"text": value}] if isinstance(value, str) else value
        for path, data in files.items():
            if data["responses"] or path.exists():
                self._save(path, data)

    def copy_language(self, source: str, language: str) -> None:
        """A new language whose files are those of ``source``."""
        shutil.copytree(self.path / source, self.path / language)
        wording._read.cache_clear()

    def drop(self, language: str) -> None:
        """Remove the folder of ``language`` (to write a partial translation in its place)."""
        shutil.rmtree(self.path / language, ignore_errors=True)
        wording._read.cache_clear()

    def remove(self, language: str, name: str) -> None:
        for path in self._files(language):
            data = self._load(path)
            if name in data["responses"]:
                del data["responses"][name]
                self._save(path, data)
                return
        raise KeyError(f"{language} has no {name}")
