"""churn_risk on real data: CDNOW, calibrated on 39 weeks, judged on the next 39 (never seen)."""

from bench.churn_auc import cdnow_auc


def test_churn_risk_beats_plain_bgnbd_on_cdnow_holdout():
    figures = cdnow_auc()
    assert figures["auc_churn_risk"] >= 0.76
    assert figures["auc_churn_risk"] > figures["auc_bgnbd"] + 0.01
