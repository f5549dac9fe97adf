"""score() end to end on the synthetic base: calibration, stages, offers, clients without events."""

import numpy as np
import pandas as pd
import pytest

from engine.lifecycle import score
from engine.lifecycle.synthetic import generate


@pytest.fixture(scope="module")
def scored():
    base = generate(20_000, seed=11)
    clients = base.clients.drop(columns=[c for c in base.clients if c.startswith("truth_")])
    return base, score(base.events, base.as_of, clients, horizon_days=90)


def test_churn_risk_is_calibrated_by_decile(scored):
    base, result = scored
    truth = base.clients.set_index("client_id")["truth_quiet"].reindex(result.index).to_numpy()
    decile = pd.qcut(result["churn_risk"], 10, labels=False, duplicates="drop").to_numpy()
    for d in np.unique(decile):
        predicted = result["churn_risk"].to_numpy()[decile == d].mean()
        observed = truth[decile == d].mean()
        assert abs(predicted - observed) < 0.05, (d, predicted, observed)


def test_every_stage_appears_and_columns_are_complete(scored):
    _, result = scored
    assert set(result["stage"]) == {"prospect", "onboarding", "growth", "mature", "decline"}
    for column in ("stage", "churn_risk", "expected_value", "reasons", "next_best_action"):
        assert column in result.columns
    assert result["churn_risk"].between(0, 1).all()
    assert (result["expected_value"] >= 0).all()
    assert (result["reasons"].str.len() > 0).all()


def test_clients_without_events_are_scored_and_noted(scored):
    base, result = scored
    silent = set(base.clients["client_id"]) - set(base.events["client_id"])
    assert silent and silent <= set(result.index)
    assert any("without events" in n for n in result.attrs["notes"])


def test_do_not_contact_clients_never_get_an_offer(scored):
    base, result = scored
    blocked = base.clients.loc[base.clients["do_not_contact"], "client_id"]
    assert result.loc[blocked, "next_best_action"].isna().all()
    assert result["next_best_action"].notna().any()


def test_future_events_do_not_change_the_scores(scored):
    base, result = scored
    clients = base.clients.drop(columns=[c for c in base.clients if c.startswith("truth_")])
    with_future = pd.concat([base.events, base.future], ignore_index=True)
    again = score(with_future, base.as_of, clients, horizon_days=90)
    pd.testing.assert_series_equal(again["churn_risk"], result["churn_risk"])
    assert any("after as_of" in n for n in again.attrs["notes"])


def test_a_fixed_level_shift_is_the_one_found_on_the_same_rows():
    # Trained on 30 days and scored on 90, the log-odds are shifted to BG/NBD's level. Scored part
    # by part (as on Spark), one shift fixed on a sample must serve every part.
    from engine.lifecycle.churn import ChurnModel
    from engine.lifecycle.io import clean_events
    from engine.lifecycle.scoring import collect_features, fit_model

    base = generate(3_000, seed=5)
    table = clean_events(base.events, base.as_of)
    now, past = collect_features(table, table.days(base.as_of), 30.0)
    model = fit_model(now, past, 30.0, [])
    assert isinstance(model, ChurnModel) and model.trained_horizon == 30.0
    fixed = model.with_level_of(now, 90.0)
    assert fixed.level_shift is not None and fixed.level_shift != 0.0
    np.testing.assert_array_equal(fixed.predict(now, 90.0), model.predict(now, 90.0))
    part = now.iloc[:400]
    assert np.abs(fixed.predict(part, 90.0) - model.predict(part, 90.0)).max() > 1e-6
    assert model.with_level_of(now, 30.0) is model
