"""Corrections of misunderstood messages, on conversations written by Rasa's own SQL tracker
store (see ``review_db`` in conftest.py): the form beside each user message, the stored row, the
corrections page and the Rasa NLU export."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from staff_session import csrf_token, sign_in

from bot.console.corrections import vocabulary
from db.session import make_engine

ROOT = Path(__file__).resolve().parents[3]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
#: Reads an NLU file with Rasa's own YAML reader (schema check included) and prints its examples.
RASA_READ = """
import json, sys
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
data = RasaYAMLReader().reads(sys.stdin.read())
print(json.dumps([[m.get("intent"), m.get("text")] for m in data.intent_examples]))
"""


@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


def user_event_ids(client, conversation: str) -> list[int]:
    html = client.get(f"/staff/conversations/{conversation}").text
    return [int(i) for i in re.findall(r'name="event_id" value="(\d+)"', html)]


def correct(client, conversation: str, event_id: int, **fields):
    token = csrf_token(client.get(f"/staff/conversations/{conversation}").text)
    return client.post(f"/staff/conversations/{conversation}/corrections",
                       data={"event_id": event_id, "csrf_token": token, **fields},
                       follow_redirects=False)


def stored(database_url) -> list[dict]:
    engine = make_engine(database_url)
    with engine.connect() as c:
        rows = [dict(r._mapping) for r in c.execute(sa.text(
            "SELECT conversation_id, event_id, text, understood_intent, understood_confidence,"
            " corrected_intent, slot_name, slot_value, staff_user_id FROM nlu_corrections"
            " ORDER BY id"))]
    engine.dispose()
    return rows


def test_each_user_message_has_a_labelled_correction_form(staff):
    html = staff.get("/staff/conversations/onboarded").text
    ids = user_event_ids(staff, "onboarded")
    assert len(ids) == 2  # "hi" and the button's "/start_onboarding"; bot turns get none
    for event_id in ids:
        for field in ("intent", "slot", "value"):
            assert f'<label for="{field}-{event_id}">' in html
            assert f'id="{field}-{event_id}"' in html
    options = re.findall(r'<select id="intent-\d+" name="intent">(.*?)</select>', html, re.S)[0]
    assert re.findall(r'<option value="([^"]*)">', options)[1:] == list(vocabulary().intents)
    assert '<option value="client_id">' not in html  # set by actions, not by a message
    assert '<option value="goal">' in html
    assert 'href="/staff/corrections"' in html


def test_a_correction_is_stored_listed_and_shown_in_the_transcript(staff, database_url):
    hi, _ = user_event_ids(staff, "onboarded")
    response = correct(staff, "onboarded", hi, intent="start_onboarding")
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/conversations/onboarded#event-{hi}"
    (fallback,) = user_event_ids(staff, "client-fallback")
    assert correct(staff, "client-fallback", fallback, slot="goal",
                   value="retirement").status_code == 303
    rows = stored(database_url)
    assert [(r["conversation_id"], r["event_id"], r["text"], r["understood_intent"],
             r["corrected_intent"], r["slot_name"], r["slot_value"]) for r in rows] == [
        ("onboarded", hi, "hi", "greet", "start_onboarding", None, None),
        ("client-fallback", fallback, "<script>alert('x')</script>", "nlu_fallback", None,
         "goal", "retirement")]
    assert rows[0]["understood_confidence"] == pytest.approx(0.97)
    page = staff.get("/staff/corrections").text
    # Newest first, with who, the text (escaped) and understood -> corrected.
    assert page.index("&lt;script&gt;alert") < page.index("<td class=\"msg-text\">hi</td>")
    assert "<script>alert" not in page
    assert "nlu_fallback (0.21)" in page and "greet (0.97)" in page
    assert "slot <code>goal</code> = retirement" in page
    assert "intent <code>start_onboarding</code>" in page
    assert page.count("<td>reviewer</td>") == 2
    assert "never writes to" in page
    transcript = staff.get("/staff/conversations/onboarded").text
    assert "reviewer corrected this to" in transcript and "<code>start_onboarding</code>" in transcript


def test_bad_corrections_are_refused_with_the_problem_named_and_nothing_stored(staff, database_url):
    hi, _ = user_event_ids(staff, "onboarded")
    response = correct(staff, "onboarded", hi, intent="buy_bitcoin")
    assert response.status_code == 422
    assert "'buy_bitcoin' is not an intent" in response.json()["detail"]
    response = correct(staff, "onboarded", hi, slot="client_id", value="7")
    assert response.status_code == 422 and "'client_id' is not a slot" in response.json()["detail"]
    response = correct(staff, "onboarded", hi, slot="goal")
    assert response.status_code == 422 and "needs the value" in response.json()["detail"]
    response = correct(staff, "onboarded", hi)
    assert response.status_code == 422 and "pick the right intent" in response.json()["detail"]
    (other,) = user_event_ids(staff, "client-fallback")
    response = correct(staff, "onboarded", other, intent="greet")  # another conversation's
    assert response.status_code == 404
    response = staff.post("/staff/conversations/onboarded/corrections",
                          data={"event_id": hi, "intent": "greet"}, follow_redirects=False)
    assert response.status_code == 403  # no CSRF token
    assert stored(database_url) == []


def test_corrections_are_for_staff_only(make_client, staff):
    hi, _ = user_event_ids(staff, "onboarded")
    anonymous = make_client()
    for path in ("/staff/corrections", "/staff/corrections/export.yml"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/staff/signin"
    client = make_client()
    assert sign_in(client, "client1", "client-demo-2026", path="/signin").status_code == 303
    assert client.get("/staff/corrections/export.yml", follow_redirects=False).status_code == 303
    response = client.post("/staff/conversations/onboarded/corrections",
                           data={"event_id": hi, "intent": "greet"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/signin"


def export_after_corrections(staff) -> str:
    hi, payload = user_event_ids(staff, "onboarded")
    (fallback,) = user_event_ids(staff, "client-fallback")
    ids = user_event_ids(staff, "wants-person")
    assert correct(staff, "onboarded", hi, intent="greet").status_code == 303
    assert correct(staff, "client-fallback", fallback, intent="out_of_scope").status_code == 303
    assert correct(staff, "wants-person", ids[1], intent="out_of_scope").status_code == 303
    assert correct(staff, "wants-person", ids[0], slot="goal", value="talk\nto someone").status_code == 303
    response = staff.get("/staff/corrections/export.yml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert 'filename="nlu_corrections.yml"' in response.headers["content-disposition"]
    return response.text


def test_the_export_is_rasa_nlu_yaml_with_one_block_per_corrected_intent(staff):
    text = export_after_corrections(staff)
    data = yaml.safe_load(text)
    assert data["version"] == "3.1" and set(data) == {"version", "nlu"}
    blocks = {block["intent"]: block["examples"] for block in data["nlu"]}
    assert set(blocks) == {"greet", "out_of_scope"}
    assert blocks["greet"] == "- hi\n"
    assert blocks["out_of_scope"] == ("- <script>alert('x')</script>\n"
                                      '- =HYPERLINK("http://example.com")\n')
    # The slot correction is a comment for the reviewer, on one line.
    assert "# goal = talk to someone <- I want to talk to a person\n" in text
    assert "data/" in text.splitlines()[1]


def test_rasa_reads_the_export_as_nlu_training_data(staff):
    text = export_after_corrections(staff)
    assert RASA_PYTHON.exists(), f"the Rasa environment is needed: no {RASA_PYTHON}"
    done = subprocess.run([str(RASA_PYTHON), "-c", RASA_READ], input=text, text=True,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(map(tuple, json.loads(done.stdout.splitlines()[-1]))) == sorted([
        ("greet", "hi"), ("out_of_scope", "<script>alert('x')</script>"),
        ("out_of_scope", '=HYPERLINK("http://example.com")')])
