"""How well churn_risk ranks on real data: the CDNOW purchase histories (Fader, Hardie & Lee 2005).

    .venv/bin/python -m bench.churn_auc

The 23,570 customers are scored on their first 39 weeks (1 Jan - 30 Sep 1997); the label is "no
purchase in the next 39 weeks". Only the calibration weeks reach ``score()``; its learned layer is
trained by backtest inside them, so the holdout is never seen. Reported: the AUC of the plain BG/NBD
probability of a quiet horizon and of the final churn_risk; then the same on the synthetic book the
demo and the tests use (20,000 clients, seed 11, its generated next 90 days as the truth).

For scale, the command also reports a ceiling: the same model fitted on the holdout's own labels
(in sample, and out of fold in a 5-fold cross-validation). It is never a forecast, since it has seen
the answers; it shows how much of the holdout the calibration weeks can rank at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from bench.public_data import cdnow_transactions
from engine.lifecycle import score
from engine.lifecycle.churn import fit_churn_model
from engine.lifecycle.features import as_frame
from engine.lifecycle.io import clean_events
from engine.lifecycle.scoring import features_at

START = pd.Timestamp("1997-01-01")


def auc(risk: np.ndarray, quiet: np.ndarray) -> float:
    """Area under the ROC curve of ``risk`` for the positives ``quiet`` (ties count half)."""
    quiet = np.asarray(quiet, dtype=bool)
    ranks = rankdata(risk)
    positives, negatives = quiet.sum(), (~quiet).sum()
    return float((ranks[quiet].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _cdnow_split(calibration_weeks: int, holdout_weeks: int):
    """The calibration events, the scoring instant, the horizon in days and the holdout buyers."""
    events = cdnow_transactions()
    as_of = START + pd.Timedelta(weeks=calibration_weeks)
    horizon = 7 * holdout_weeks
    seen = events[events["timestamp"] < as_of]
    later = events[(events["timestamp"] >= as_of)
                   & (events["timestamp"] < as_of + pd.Timedelta(days=horizon))]
    return seen, as_of, horizon, later["client_id"].unique()


def cdnow_auc(calibration_weeks: int = 39, holdout_weeks: int = 39) -> dict[str, float]:
    """AUCs of the plain repeat-activity model and of churn_risk on the CDNOW holdout."""
    seen, as_of, horizon, buyers = _cdnow_split(calibration_weeks, holdout_weeks)
    result = score(seen, as_of, horizon_days=horizon)
    quiet = ~result.index.isin(buyers)
    return {
        "clients": float(len(result)),
        "quiet_share": float(quiet.mean()),
        "auc_bgnbd": auc(result["churn_risk_repeat_model"].to_numpy(), quiet),
        "auc_churn_risk": auc(result["churn_risk"].to_numpy(), quiet),
        "mean_churn_risk": float(result["churn_risk"].mean()),
    }


def cdnow_ceiling(calibration_weeks: int = 39, holdout_weeks: int = 39, folds: int = 5,
                  seed: int = 0) -> dict[str, float]:
    """AUCs of the churn model fitted on the CDNOW holdout's own labels (never used for scoring).

    The calibration features and the model are those of ``score()``; only the labels differ: the
    logistic layer learns "quiet in the holdout" directly instead of a backtest inside the history.
    ``in_sample`` scores the clients it was fitted on; ``cross_validated`` scores each client with
    a model fitted on the other folds.
    """
    seen, as_of, horizon, buyers = _cdnow_split(calibration_weeks, holdout_weeks)
    table = clean_events(seen, as_of)
    now = as_frame(features_at(table, table.days(as_of)), table.client_ids)
    quiet = ~now.index.isin(buyers)
    fitted = fit_churn_model(now, quiet, now, horizon, seed=seed)
    in_sample = auc(fitted.predict(now, horizon), quiet)
    fold = np.random.default_rng(seed).permutation(len(now)) % folds
    out_of_fold = np.empty(len(now))
    for k in range(folds):
        train, test = fold != k, fold == k
        model = fit_churn_model(now[train], quiet[train], now, horizon, seed=seed)
        out_of_fold[test] = model.predict(now[test], horizon)
    return {"in_sample": in_sample, "cross_validated": auc(out_of_fold, quiet)}


def synthetic_auc(n_clients: int = 20_000, seed: int = 11) -> dict[str, float]:
    """The same AUCs on the synthetic book (``engine.lifecycle.synthetic``), whose truth is the
    generated next 90 days: a check that the demo base stays a fair test of the model, never
    evidence of accuracy on real clients."""
    from engine.lifecycle.synthetic import generate

    base = generate(n_clients, seed=seed)
    clients = base.clients.drop(columns=[c for c in base.clients if c.startswith("truth_")])
    result = score(base.events, base.as_of, clients, horizon_days=base.horizon_days)
    quiet = base.clients.set_index("client_id")["truth_quiet"].reindex(result.index).to_numpy()
    return {
        "clients": float(len(result)),
        "quiet_share": float(quiet.mean()),
        "auc_bgnbd": auc(result["churn_risk_repeat_model"].to_numpy(), quiet),
        "auc_churn_risk": auc(result["churn_risk"].to_numpy(), quiet),
    }


def main() -> int:
    figures = cdnow_auc()
    print(f"CDNOW, {figures['clients']:,.0f} customers, calibrate 39 weeks, hold out 39 weeks; "
          f"quiet in holdout {figures['quiet_share']:.1%}")
    print(f"AUC plain BG/NBD  {figures['auc_bgnbd']:.4f}")
    print(f"AUC churn_risk    {figures['auc_churn_risk']:.4f}")
    ceiling = cdnow_ceiling()
    print(f"Ceiling: the same model fitted on the holdout's labels, AUC {ceiling['in_sample']:.4f} "
          f"in sample, {ceiling['cross_validated']:.4f} in 5-fold cross-validation")
    book = synthetic_auc()
    print(f"Synthetic book, {book['clients']:,.0f} clients, next 90 days; quiet "
          f"{book['quiet_share']:.1%}")
    print(f"AUC plain BG/NBD  {book['auc_bgnbd']:.4f}")
    print(f"AUC churn_risk    {book['auc_churn_risk']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
