"""The staff overview's exit-interview summary: reasons by count (own words counted as other),
the average likelihood to return, and the latest suggestions linked to their transcripts."""

from __future__ import annotations

import re

from staff_session import sign_in

from db.models import SurveyAnswer
from db.session import make_engine, session_scope
from demo.accounts import seed_accounts

#: Three interviews: (conversation, question, answer).
ANSWERS = [
    ("left-a", "reason", "fees"), ("left-a", "return_likelihood", "2"),
    ("left-a", "improvement", "lower fees for small accounts"),
    ("left-b", "reason", "fees"), ("left-b", "return_likelihood", "6"),
    ("left-b", "improvement", "nothing"),
    ("left-c", "reason", "other: my partner manages our savings now"),
    ("left-c", "return_likelihood", "7"),
]


def test_the_overview_sums_up_the_exit_interviews(make_client, database_url):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_accounts(session)
        session.add_all(SurveyAnswer(conversation_id=c, client_id=None, survey="exit", question=q,
                                     answer=a) for c, q, a in ANSWERS)
        # Another survey's answers are not exit answers.
        session.add(SurveyAnswer(conversation_id="rated", client_id=None, survey="satisfaction",
                                 question="rating", answer="5"))
    engine.dispose()
    staff = make_client()
    assert sign_in(staff).status_code == 303
    html = staff.get("/staff/overview").text
    chart = re.search(r'aria-label="Why clients leave \(exit interviews\): ([^"]*)"', html).group(1)
    assert chart == "fees 2; other 1"
    assert "<dt>Interviews</dt><dd>3</dd>" in html
    assert "<dt>Likelihood to return</dt><dd>5.0 of 10 (3 answers)</dd>" in html
    suggestions = re.findall(r'<a href="/staff/conversations/([^"]+)">[^<]*</a> · ([^<]*)</li>', html)
    assert suggestions == [("left-a", "lower fees for small accounts")]  # "nothing" is left out


def test_before_any_interview_the_summary_says_so(make_client, database_url):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_accounts(session)
    engine.dispose()
    staff = make_client()
    assert sign_in(staff).status_code == 303
    html = staff.get("/staff/overview").text
    assert "<dt>Interviews</dt><dd>0</dd>" in html
    assert "<dt>Likelihood to return</dt><dd>–</dd>" in html
    assert re.search(r"Why clients leave \(exit interviews\)</figcaption>\s*<p>No data yet.</p>", html)
