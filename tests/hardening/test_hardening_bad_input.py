"""The bad-input corpus (bad_input.yml) through the JSON API, the CLI, the chat gateway and the
staff console: a clear error naming the problem, never a 500 or a traceback, and nothing stored
from it that breaks the console or an export.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from corpus import ACCEPTED, CORPUS, FORMULA_STARTS, REFUSED, assert_escaped
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from visitors import closed_port

from bot.app import create_app
from bot.chat.routes import UNAVAILABLE
from bot.errors import DATABASE_DOWN
from bot.settings import Settings
from db.review import UndeliveredMessage
from db.session import session_scope
from engine.__main__ import main as engine_cli
from engine.questionnaire import middle_answers

PROFILE = {"age": 40, "goal": "retirement", "horizon_years": 25, "initial_amount": 10000,
           "risk_answers": middle_answers()}
VALID = {"/api/v1/allocation": PROFILE,
         "/api/v1/rebalance": {"holdings": {"us_equity": 6000, "cash": 4000},
                               "targets": {"us_equity": 0.5, "cash": 0.5}}}


API_CASES = [(route, case) for route, cases in CORPUS["api"].items() for case in cases]


def _named(detail, field: str) -> bool:
    """True when the error detail names ``field`` (a list of field errors, or one message)."""
    if isinstance(detail, list):
        return any(error["field"] == field and error["msg"].startswith(f"{field}:")
                   for error in detail)
    return str(detail).startswith(field)


@pytest.mark.parametrize(("route", "case"), API_CASES,
                         ids=[f"{r.rsplit('/', 1)[1]}-{json.dumps(c['change'])[:40]}"
                              for r, c in API_CASES])
def test_the_json_api_names_the_bad_field(site, route, case):
    response = site.visitor().post(route, json={**VALID[route], **case["change"]})
    assert response.status_code == 422, response.text
    assert _named(response.json()["detail"], case["field"]), response.text


@pytest.mark.parametrize("case", CORPUS["bodies"], ids=lambda c: f"{c['content_type']}-{c['body'][:12]}")
def test_bodies_the_api_cannot_read_get_a_clear_refusal(site, case):
    headers = {"content-type": case["content_type"]} if case["content_type"] else {}
    for route in VALID:
        response = site.visitor().post(route, content=case["body"].encode(), headers=headers)
        assert response.status_code == case["status"], response.text
        detail = response.json()["detail"]
        if isinstance(detail, list):  # field errors: the one named, not a mention of the word
            assert _named(detail, case["says"]), response.text
        else:
            assert case["says"] in detail, response.text


@pytest.mark.parametrize("case", CORPUS["cli"], ids=lambda c: " ".join(c["args"])[:60])
def test_the_cli_names_the_bad_argument_and_exits_2(capsys, case):
    try:
        status = engine_cli(case["args"])
    except SystemExit as exit_:  # argparse refuses before the command runs
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    # The error begins with the argument or field, not merely mentions it later.
    assert re.match(rf"python -m engine \w+: error: (argument )?{re.escape(case['says'])}\b", err), err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("name", REFUSED)
def test_the_chat_refuses_unusable_text_naming_the_field(site, name):
    response = site.visitor().post("/api/chat", json={"text": REFUSED[name]})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["field"] == "text" and error["msg"].startswith("text: ")


def test_malformed_chat_bodies_are_refused_not_crashed_on(site):
    visitor = site.visitor()
    assert visitor.post("/api/chat", content=b'{"text": "hi"',
                        headers={"content-type": "application/json"}).status_code == 400
    assert visitor.post("/api/chat", data={"text": "hi"}).status_code == 415
    assert visitor.post("/api/chat", json={"text": 35}).status_code == 422
    assert visitor.post("/api/chat", json={"message": "hi"}).status_code == 422


@pytest.fixture(scope="module")
def stored(site):
    """Every accepted text sent while Rasa is down: kept for staff, in one conversation."""
    visitor = site.visitor()
    for name, text in ACCEPTED.items():
        response = visitor.post("/api/chat", json={"text": text})
        assert response.status_code == 503, f"{name}: {response.text}"
        assert response.json() == {"detail": UNAVAILABLE, "kept": True}
    engine = create_engine(site.database_url)
    with session_scope(engine) as session:
        rows = session.scalars(select(UndeliveredMessage)
                               .where(UndeliveredMessage.text.in_(list(ACCEPTED.values())))).all()
        conversation = {r.conversation_id for r in rows}
    engine.dispose()
    assert sorted(r.text for r in rows) == sorted(ACCEPTED.values())  # stored exactly as typed
    [conversation_id] = conversation
    staff = site.visitor("reviewer")
    return staff, conversation_id


def test_the_transcript_shows_stored_markup_as_text(stored):
    staff, conversation_id = stored
    response = staff.get(f"/staff/conversations/{conversation_id}")
    assert response.status_code == 200
    assert_escaped(response.text)
    for text in ("我想为退休投资", "أريد أن أستثمر من أجل التقاعد", "😀🚀💰"):
        assert text in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_csv_export_defuses_formulas(stored):
    staff, conversation_id = stored
    response = staff.get(f"/staff/conversations/{conversation_id}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for name in ("formula_hyperlink", "formula_plus", "formula_minus", "formula_at"):
        assert "'" + ACCEPTED[name] in cells
    for name in ("chinese", "sql_injection", "rtl_override"):
        assert ACCEPTED[name] in cells


def test_the_json_export_is_valid_and_keeps_every_text(stored):
    staff, conversation_id = stored
    response = staff.get(f"/staff/conversations/{conversation_id}/export.json")
    texts = {turn["text"] for turn in json.loads(response.text)["turns"]}
    assert set(ACCEPTED.values()) <= texts


def test_the_conversation_list_and_its_exports_survive_the_corpus(stored):
    staff, _ = stored
    assert staff.get("/staff").status_code == 200
    assert staff.get("/staff", params={"q": "'; DROP TABLE events; --"}).status_code == 200
    exported = staff.get("/staff/export.csv")
    assert exported.status_code == 200
    cells = [cell for row in list(csv.reader(io.StringIO(exported.text)))[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    json.loads(staff.get("/staff/export.json").text)


def unreachable_database(kind: str, tmp_path) -> str:
    """A database URL the app cannot open: for SQLite a path that is a folder (as when the file
    is gone), for PostgreSQL a server that is down (nothing listens on its port)."""
    if kind == "sqlite":
        folder = tmp_path / "advisor.db"
        folder.mkdir()
        return f"sqlite:///{folder}"
    return f"postgresql+psycopg://advisor@127.0.0.1:{closed_port()}/advisor"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_that_cannot_be_opened_gives_503_and_the_engine_api_still_answers(kind,
                                                                                      tmp_path):
    # Routes that need no database keep working.
    app = create_app(Settings(database_url=unreachable_database(kind, tmp_path),
                              rasa_url=f"http://127.0.0.1:{closed_port()}"))
    client = TestClient(app, raise_server_exceptions=False)
    for method, path, body in (("GET", "/", None), ("GET", "/staff/signin", None),
                               ("POST", "/api/chat", {"text": "hello"})):
        response = client.request(method, path, json=body)
        assert response.status_code == 503, f"{path}: {response.text[:200]}"
        assert response.json()["detail"] == DATABASE_DOWN
        assert response.headers["retry-after"]
    assert client.get("/api/v1/questions").status_code == 200
    assert client.post("/api/v1/allocation", json=PROFILE).status_code == 200
    app.state.http_client.close()
