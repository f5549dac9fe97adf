"""One test per stage and per reason, on hand-made client rows."""

import numpy as np
import pandas as pd
import pytest

from engine.lifecycle.stages import REASONS, assign_stages

AS_OF_DAY = 2000.0


def client(**overrides) -> dict:
    """A funded, steady two-year client who logs in and was reviewed recently."""
    row = {
        "funded_day": AS_OF_DAY - 730, "aum": 100_000.0, "net_flow_90": 0.0,
        "last_login_day": AS_OF_DAY - 5, "last_review_day": AS_OF_DAY - 100,
        "first_day": AS_OF_DAY - 735, "churn_risk": 0.2, "complaints_90": 0.0, "recency_days": 5.0,
        "logins_90": 10.0, "logins_prev_90": 10.0,
    }
    row.update(overrides)
    return row


def judge(**overrides) -> pd.Series:
    return assign_stages(pd.DataFrame([client(**overrides)]), AS_OF_DAY).iloc[0]


def codes(result: pd.Series) -> set[str]:
    return set(result.reason_codes.split(","))


def test_prospect_has_no_funded_account():
    result = judge(funded_day=np.nan, aum=0.0, last_review_day=np.nan)
    assert result.stage == "prospect"
    assert codes(result) == {"no_funded_account"}
    assert result.reasons == "no funded account yet"


def test_onboarding_when_funded_under_ninety_days():
    result = judge(funded_day=AS_OF_DAY - 30, first_day=AS_OF_DAY - 40)
    assert result.stage == "onboarding"
    assert "recently_funded" in codes(result)
    assert "funded 30 days ago" in result.reasons


def test_growth_is_the_default():
    result = judge()
    assert result.stage == "growth"
    assert codes(result) == {"growing"}


def test_mature_needs_three_years_and_stability():
    result = judge(funded_day=AS_OF_DAY - 4 * 365.25)
    assert result.stage == "mature"
    assert "long_tenure_stable" in codes(result)
    assert "4.0 years" in result.reasons
    assert judge(funded_day=AS_OF_DAY - 4 * 365.25, complaints_90=1.0).stage == "growth"
    assert judge(funded_day=AS_OF_DAY - 4 * 365.25, churn_risk=0.45).stage == "growth"


def test_decline_on_high_churn_risk():
    result = judge(churn_risk=0.75)
    assert result.stage == "decline"
    assert "high_churn_risk" in codes(result)
    assert "churn risk 75%" in result.reasons


def test_decline_on_net_outflow_above_a_quarter_of_assets():
    result = judge(net_flow_90=-30_000.0)
    assert result.stage == "decline"
    assert "net_outflow" in codes(result) and "30% of assets" in result.reasons
    assert judge(net_flow_90=-20_000.0).stage == "growth"


def test_decline_on_no_login_and_a_missed_review():
    result = judge(last_login_day=AS_OF_DAY - 120, last_review_day=AS_OF_DAY - 400)
    assert result.stage == "decline"
    assert "inactive_missed_review" in codes(result)
    assert "missed_review" not in codes(result)  # already said by the stage reason
    # Either signal alone does not make a decline.
    assert judge(last_login_day=AS_OF_DAY - 120).stage == "growth"


def test_missed_review_alone_is_a_reason_not_a_stage():
    result = judge(last_review_day=AS_OF_DAY - 400)
    assert result.stage == "growth"
    assert "missed_review" in codes(result)


def test_long_quiet_reason():
    result = judge(recency_days=75.0)
    assert "long_quiet" in codes(result) and "no activity for 75 days" in result.reasons


def test_login_drop_reason():
    result = judge(logins_90=2.0, logins_prev_90=10.0)
    assert "login_drop" in codes(result) and "logins down 80%" in result.reasons
    assert "login_drop" not in codes(judge(logins_90=8.0, logins_prev_90=10.0))


def test_recent_complaint_reason():
    result = judge(complaints_90=2.0)
    assert "recent_complaint" in codes(result) and "2 complaint(s)" in result.reasons


@pytest.mark.parametrize("code", REASONS)
def test_every_reason_is_reachable(code):
    cases = [
        {"funded_day": np.nan}, {"funded_day": AS_OF_DAY - 30}, {"churn_risk": 0.9},
        {"net_flow_90": -50_000.0}, {"last_login_day": AS_OF_DAY - 120, "last_review_day": 0.0},
        {"funded_day": 0.0}, {}, {"recency_days": 100.0}, {"logins_90": 0.0},
        {"complaints_90": 1.0}, {"last_review_day": 0.0},
    ]
    frame = pd.DataFrame([client(**c) for c in cases])
    seen = set(",".join(assign_stages(frame, AS_OF_DAY).reason_codes).split(","))
    assert code in seen
