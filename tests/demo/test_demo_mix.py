"""The demo base `make run` seeds, as a firm's book: its stage mix, one demo sign-in per stage and
per main next-best action, and what those clients are told right after signing in."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth.demo_passwords import ACTION_USERNAMES, STAGE_USERNAMES
from db.accounts import ClientAccount
from db.clients import latest_score, record_activity
from db.clock import utcnow
from db.lifecycle_store import served_score, stage_mix
from db.migrate import upgrade
from db.session import make_engine
from demo.accounts import seed_accounts
from demo.client_base import DEMO_CLIENTS, seed_client_base


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'advisor.db'}"
    upgrade(url)
    engine = make_engine(url)
    seed_client_base(engine)
    with Session(engine) as session, session.begin(), contextlib.redirect_stdout(None):
        seed_accounts(session)
    yield url, engine
    engine.dispose()


def test_decline_is_well_under_a_fifth_of_funded_clients(demo_base):
    url, _ = demo_base
    stages = stage_mix(url).sum(axis=1)
    assert stages.sum() == DEMO_CLIENTS
    funded = stages.drop("prospect").sum()
    assert 0.03 < stages["decline"] / funded < 0.15
    assert set(stages.index) == {"prospect", "onboarding", "growth", "mature", "decline"}


def test_every_stage_and_main_action_has_a_demo_sign_in(demo_base):
    _, engine = demo_base
    with Session(engine) as session:
        accounts = {a.username: a.client_id for a in session.scalars(select(ClientAccount))}
        for stage, username in STAGE_USERNAMES.items():
            assert latest_score(session, accounts[username]).stage == stage, username
        for action, username in ACTION_USERNAMES.items():
            score = latest_score(session, accounts[username])
            assert score.next_best_action == action, username
    assert {"fee_waiver", "premium_extension", "advisor_callback", "exit_survey"} <= set(
        ACTION_USERNAMES)
    assert len(set(accounts.values())) == len(accounts)  # a client of its own for each


def test_right_after_signing_in_no_demo_client_hears_of_absence(demo_base):
    _, engine = demo_base
    with Session(engine) as session:
        accounts = list(session.scalars(select(ClientAccount)))
        quiet_before = [a.username for a in accounts
                        if "no login for" in served_score(session, a.client_id).reasons]
        now = utcnow()
        for account in accounts:
            record_activity(session, account.client_id, "login", now)
        for account in accounts:
            reasons = served_score(session, account.client_id, now).reasons
            assert "no login for" not in reasons, (account.username, reasons)
            assert "no activity for" not in reasons, (account.username, reasons)
        session.rollback()
    # Some demo clients were quiet before: the check above has something to change.
    assert quiet_before
