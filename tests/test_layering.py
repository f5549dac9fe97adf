"""Dependencies point one way: engine <- db <- actions, bot; demo seeding may use them all.

Every module of the layered packages is parsed with ``ast`` (nothing is imported), and each import
of one of the project's packages is checked against the rules below. A violation names the file,
the line and the import. Dynamic imports with a literal name (``importlib.import_module("db")``,
``__import__("db")``) count as imports.

The rules:

- ``lexicon`` imports nothing of ours: text rules in plain Python (the standard library only)
  that the engine and the NLU pipeline share, each in its own environment.
- ``engine`` imports nothing of ours but ``lexicon``: it is a plain library, usable without a
  database or Rasa.
- ``rasa_components`` (loaded by Rasa, in its own environment) imports nothing of ours but
  ``lexicon`` likewise.
- ``db`` imports ``db``, and ``engine`` only for types: inside ``if TYPE_CHECKING:``, so no engine
  rule runs in a query. One module is named below as the exception: ``db/lifecycle_store.py`` is
  the lifecycle classifier's database mode, a batch job that reads the tables, scores them with
  ``engine.lifecycle`` and appends the scores, and it lives with the queries it is made of.
- ``actions`` and ``bot`` may import ``engine`` and ``db``, but not each other (nor ``demo``).
- ``demo`` may import all of them.
- ``harness`` (the servers started for tests and benchmarks) may import all of them; nothing of the
  product imports it.

And every query lives in ``db``: no module of ``actions`` or ``bot`` builds one. It may not import
SQLAlchemy's statement builders (``select``, ``insert``, ``update``, ``delete``, ``text``) nor
reach them through the module (``sa.select(...)``), nor call a legacy ``.query(...)``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The project's own top-level packages: an import of anything else is a third-party import.
OURS = {"actions", "bench", "bot", "db", "demo", "engine", "harness", "lexicon", "rasa_components",
        "scripts", "tests"}
#: Which of our packages each layered package may import at run time.
ALLOWED = {
    "lexicon": {"lexicon"},
    "engine": {"engine", "lexicon"},
    "rasa_components": {"rasa_components", "lexicon"},
    "db": {"db"},
    "actions": {"actions", "db", "engine"},
    "bot": {"bot", "db", "engine"},
    "demo": {"demo", "actions", "bot", "db", "engine"},
    "harness": {"harness", "actions", "bot", "db", "demo", "engine"},
}
#: Packages a layered package may import only for type annotations (under ``if TYPE_CHECKING:``).
TYPE_ONLY = {"db": {"engine"}}
#: Modules allowed a run-time import that their package's rule forbids, and why.
EXCEPTIONS = {
    ("db/lifecycle_store.py", "engine"):
        "the lifecycle classifier's database mode runs engine.lifecycle on the tables",
}
#: Packages that ask db/ their questions instead of building queries themselves.
QUERY_FREE = ("actions", "bot")
#: SQLAlchemy's statement builders: a module that uses one is writing a query.
STATEMENT_BUILDERS = {"select", "insert", "update", "delete", "text"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    statement: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.statement} ({self.reason})"


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute dotted name
    statement: str
    type_only: bool


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _package_of(relative: Path) -> str:
    """The dotted package a module's relative imports start from."""
    parts = list(relative.with_suffix("").parts)
    return ".".join(parts if relative.name == "__init__.py" else parts[:-1]).removesuffix(
        ".__init__")


def imports(source: str, relative: Path) -> list[Import]:
    """Every import in ``source`` (a module at ``relative`` from the root), resolved to its
    absolute name, with whether it sits under ``if TYPE_CHECKING:``."""
    found: list[Import] = []
    package = _package_of(relative)

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(node.lineno, alias.name, f"import {alias.name}", type_only))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            names = ", ".join(alias.name for alias in node.names)
            statement = f"from {'.' * node.level}{node.module or ''} import {names}"
            # ``from .. import bot`` at the top level imports the names themselves as modules.
            for module in [base] if base else [alias.name for alias in node.names]:
                found.append(Import(node.lineno, module, statement, type_only))
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Name)
                    and node.func.id in {"import_module", "__import__"})
                   or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"))):
            name = node.args[0].value
            found.append(Import(node.lineno, name, f'import_module("{name}")', type_only))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(ast.parse(source, filename=str(relative)), False)
    return found


def violations(root: Path) -> list[Violation]:
    """Every import under ``root`` that runs against the layering rules."""
    out: list[Violation] = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((root / layer).rglob("*.py")):
            relative = path.relative_to(root)
            for found in imports(path.read_text(encoding="utf-8"), relative):
                target = found.module.split(".")[0]
                if target not in OURS or target in allowed:
                    continue
                if found.type_only and target in TYPE_ONLY.get(layer, set()):
                    continue
                if (relative.as_posix(), target) in EXCEPTIONS:
                    continue
                if target in TYPE_ONLY.get(layer, set()):
                    reason = f"{layer} may import {target} only under `if TYPE_CHECKING:`"
                else:
                    reason = f"{layer} may not import {target}"
                out.append(Violation(relative.as_posix(), found.line, found.statement, reason))
    return out


def query_builders(source: str, relative: Path) -> list[Violation]:
    """Every place in ``source`` that builds a query: a statement builder imported from
    SQLAlchemy, one reached through an imported SQLAlchemy module, or a ``.query(...)`` call."""
    tree = ast.parse(source, filename=str(relative))
    path = relative.as_posix()
    # Names bound to SQLAlchemy modules (``import sqlalchemy as sa``, ``from sqlalchemy import sql``).
    modules: set[str] = set()
    out: list[Violation] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            for alias in node.names:
                if alias.name in STATEMENT_BUILDERS:
                    out.append(Violation(
                        path, node.lineno, f"from {node.module} import {alias.name}",
                        "queries live in db/: ask a db function"))
                elif alias.name[:1].islower() and alias.name not in {"orm", "exc", "types"}:
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attribute = node.func
        if (attribute.attr in STATEMENT_BUILDERS and isinstance(attribute.value, ast.Name)
                and attribute.value.id in modules):
            out.append(Violation(path, node.lineno, f"{attribute.value.id}.{attribute.attr}(...)",
                                 "queries live in db/: ask a db function"))
        elif attribute.attr == "query":
            out.append(Violation(path, node.lineno, f"{ast.unparse(attribute)}(...)",
                                 "queries live in db/: ask a db function"))
    return sorted(out, key=lambda v: v.line)


def queries_outside_db(root: Path) -> list[Violation]:
    """Every query built in a module of the packages that must leave queries to db/."""
    return [violation
            for package in QUERY_FREE
            for path in sorted((root / package).rglob("*.py"))
            for violation in query_builders(path.read_text(encoding="utf-8"),
                                            path.relative_to(root))]


def test_every_import_points_down_the_layers():
    found = violations(ROOT)
    assert not found, "imports against the layering rules:\n" + "\n".join(map(str, found))


def test_every_layered_package_is_checked():
    # A package renamed or added without a rule would otherwise escape the check unnoticed.
    layered = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()} - {"bench", "tests"}
    assert layered == set(ALLOWED)
    for layer in ALLOWED:
        assert any((ROOT / layer).rglob("*.py")), f"{layer}/ has no modules to check"


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Made-up modules for a check to read: {relative path: source}."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_check_names_file_line_and_import(tmp_path):
    files = {
        "engine/cli.py": "import os\nfrom db.session import make_engine\n",
        "db/__init__.py": "",
        "db/holdings.py": ("from typing import TYPE_CHECKING\n"
                           "if TYPE_CHECKING:\n    from engine.rebalancing import RebalancePlan\n"
                           "from engine.recommendation import recommend\n"
                           "from . import clock\nfrom .. import bot\n"),
        "db/lifecycle_store.py": "from engine.lifecycle.scoring import fit_model\n",
        "bot/pages.py": "import actions.records\nfrom demo import accounts\nimport db, engine\n",
        "actions/review.py": "from importlib import import_module\nimport_module('bot.auth.sessions')\n",
        "rasa_components/x.py": "from engine.numbers import parse_number\n",
        "demo/seed.py": "import actions, bot, db, engine\n",
    }
    write_tree(tmp_path, files)
    found = {(v.path, v.line, v.statement) for v in violations(tmp_path)}
    assert found == {
        ("engine/cli.py", 2, "from db.session import make_engine"),
        ("db/holdings.py", 4, "from engine.recommendation import recommend"),
        ("db/holdings.py", 6, "from .. import bot"),
        ("bot/pages.py", 1, "import actions.records"),
        ("bot/pages.py", 2, "from demo import accounts"),
        ("actions/review.py", 2, 'import_module("bot.auth.sessions")'),
        ("rasa_components/x.py", 1, "from engine.numbers import parse_number"),
    }
    message = str(next(v for v in violations(tmp_path) if v.path == "db/holdings.py" and v.line == 4))
    assert message == ("db/holdings.py:4: from engine.recommendation import recommend "
                       "(db may import engine only under `if TYPE_CHECKING:`)")


def test_no_query_is_built_outside_db():
    found = queries_outside_db(ROOT)
    assert not found, "queries built outside db/:\n" + "\n".join(map(str, found))


def test_the_query_check_names_file_line_and_builder(tmp_path):
    files = {
        "bot/pages.py": ("import sqlalchemy as sa\nfrom sqlalchemy import func, select\n"
                         "from sqlalchemy.orm import Session\n\n"
                         "def f(db: Session):\n    return db.scalar(sa.select(func.max(1)))\n"),
        "bot/auth/sessions.py": ("from sqlalchemy import delete as remove\n"
                                 "from sqlalchemy.exc import IntegrityError\n"),
        "actions/records.py": ("from sqlalchemy import Engine, sql\n\n"
                               "def f(session):\n    session.query(1)\n"
                               "    return sql.text('SELECT 1')\n"),
        "actions/fine.py": ("from sqlalchemy import Engine\nfrom sqlalchemy.orm import Session\n"
                            "from db.accounts import staff_user_named\n\n"
                            "def f(db: Session):\n    return staff_user_named(db, 'x')\n"),
        "db/accounts.py": "from sqlalchemy import select\n",  # db/ is where queries belong
    }
    write_tree(tmp_path, files)
    found = {(v.path, v.line, v.statement) for v in queries_outside_db(tmp_path)}
    assert found == {
        ("bot/pages.py", 2, "from sqlalchemy import select"),
        ("bot/pages.py", 6, "sa.select(...)"),
        ("bot/auth/sessions.py", 1, "from sqlalchemy import delete"),
        ("actions/records.py", 4, "session.query(...)"),
        ("actions/records.py", 5, "sql.text(...)"),
    }
    message = str(next(v for v in queries_outside_db(tmp_path) if v.line == 6))
    assert message == "bot/pages.py:6: sa.select(...) (queries live in db/: ask a db function)"
