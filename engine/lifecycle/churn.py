"""Churn risk: the probability of no activity in the next ``horizon`` days.

Two layers:

1. the BG/NBD repeat-activity model (:mod:`engine.lifecycle.repeat_activity`) gives the probability
   of a quiet horizon from ``(x, t_x, T)`` alone;
2. a logistic regression on top of it adds what BG/NBD ignores (recent activity, money, complaints,
   login trend, net flows) and maps everything to a probability.

The logistic layer is trained by backtesting inside the history: features are taken at
``as_of - h`` and the label is whether the client was quiet over ``(as_of - h, as_of]``. Nothing after
``as_of`` is used, so an evaluation on a later holdout is honest. Trained on the same horizon it is
scored on, the output is a calibrated probability; when the history is too short for that, ``h`` is
shortened (see :func:`training_horizon`): the output still ranks well, and its level is brought
to BG/NBD's for the full horizon by one shift of the log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize, special

from engine.lifecycle.repeat_activity import BGNBD, compress, fit_bgnbd

#: Names of the learned model's inputs, for staff reading its coefficients.
DESIGN_COLUMNS = (
    "bgnbd_logit", "bgnbd_logit_sq", "log_repeat_days", "log_recency", "log_age", "recency_share",
    "log_rate", "log_active_30", "log_active_90", "log_monetary", "log_complaints_90",
    "login_trend", "net_flow_share", "log_recency_x_repeat",
)


def training_horizon(horizon: float, history_days: float) -> float:
    """The backtest horizon: ``horizon`` if the history holds two of them, else a third of it."""
    if history_days >= 2 * horizon:
        return float(horizon)
    return float(max(min(horizon, history_days / 3.0), 1.0))


def repeat_inputs(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, t_x, T)`` in days; clients without events count as just arrived."""
    x = features["repeat_days"].to_numpy(dtype=float)
    t_x = np.nan_to_num(features["span_days"].to_numpy(dtype=float))
    T = np.maximum(np.nan_to_num(features["age_days"].to_numpy(dtype=float)), t_x)
    return x, t_x, T


def fit_repeat_model(features: pd.DataFrame, max_clients: int = 20_000, seed: int = 0) -> BGNBD:
    """Fit BG/NBD on a seeded sample of clients with history, compressed to distinct rows."""
    has_history = features["events"].to_numpy() > 0
    x, t_x, T = (v[has_history] for v in repeat_inputs(features))
    if x.size > max_clients:
        pick = np.random.default_rng(seed).choice(x.size, max_clients, replace=False)
        x, t_x, T = x[pick], t_x[pick], T[pick]
    return fit_bgnbd(*compress(x, t_x, T, resolution_days=7.0 if x.size > 5_000 else 1.0))


def design_matrix(features: pd.DataFrame, model: BGNBD, horizon: float) -> np.ndarray:
    """The learned model's inputs, one row per client (see :data:`DESIGN_COLUMNS`)."""
    x, t_x, T = repeat_inputs(features)
    p = np.clip(model.p_inactive(x, t_x, T, horizon), 1e-6, 1 - 1e-6)
    bg_logit = special.logit(p)
    recency = np.nan_to_num(features["recency_days"].to_numpy(dtype=float), nan=T)
    logins = features["logins_90"].to_numpy(dtype=float)
    before = features["logins_prev_90"].to_numpy(dtype=float)
    deposits = np.maximum(features["net_deposits"].to_numpy(dtype=float), 1.0)
    columns = [
        bg_logit,
        bg_logit**2 / 10.0,
        np.log1p(x),
        np.log1p(recency),
        np.log1p(T),
        recency / (T + 1.0),
        np.log((x + 1.0) / (T + 1.0)),
        np.log1p(features["active_days_30"].to_numpy(dtype=float)),
        np.log1p(features["active_days_90"].to_numpy(dtype=float)),
        np.log1p(features["monetary"].to_numpy(dtype=float)),
        np.log1p(features["complaints_90"].to_numpy(dtype=float)),
        (logins - before) / (logins + before + 1.0),
        np.clip(features["net_flow_90"].to_numpy(dtype=float) / deposits, -1.0, 1.0),
        np.log1p(recency) * np.log1p(x),
    ]
    return np.column_stack(columns)


def _fit_logistic(X: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Coefficients (intercept first) of an L2-penalised logistic regression."""
    A = np.column_stack([np.ones(len(X)), X])
    penalty = np.full(A.shape[1], l2)
    penalty[0] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = A @ w
        value = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * w * w)
        grad = A.T @ (special.expit(z) - y) / len(y) + penalty * w
        return value, grad

    return optimize.minimize(loss, np.zeros(A.shape[1]), jac=True, method="L-BFGS-B").x


@dataclass(frozen=True)
class ChurnModel:
    """Backtest-trained churn model: BG/NBD plus a logistic layer."""

    repeat: BGNBD
    center: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    trained_horizon: float
    trained_rows: int
    #: A fixed log-odds shift for longer horizons (see :meth:`with_level_of`); None: from the rows.
    level_shift: float | None = None

    def _log_odds(self, features: pd.DataFrame, horizon: float) -> np.ndarray:
        X = (design_matrix(features, self.repeat, horizon) - self.center) / self.scale
        return self.coef[0] + X @ self.coef[1:]

    def _shift(self, features: pd.DataFrame, z: np.ndarray, horizon: float) -> float:
        target = float(np.mean(self.repeat_only(features, horizon)))
        return optimize.brentq(lambda d: float(np.mean(special.expit(z + d))) - target, -20, 20)

    def predict(self, features: pd.DataFrame, horizon: float) -> np.ndarray:
        """Probability of no activity in the next ``horizon`` days, per row of ``features``.

        When the layer was trained on a shorter horizon, its level is that of the shorter one; the
        log-odds are then shifted by one constant so that the mean matches BG/NBD's mean for
        ``horizon`` (the order of clients, hence the ranking, is unchanged).
        """
        z = self._log_odds(features, horizon)
        if horizon > self.trained_horizon + 1e-9:
            z = z + (self.level_shift if self.level_shift is not None
                     else self._shift(features, z, horizon))
        return special.expit(z)

    def with_level_of(self, features: pd.DataFrame, horizon: float) -> ChurnModel:
        """This model with the level shift for ``horizon`` fixed on ``features`` (a sample).

        Scored part by part, a base would otherwise get one shift per part.
        """
        if horizon <= self.trained_horizon + 1e-9:
            return self
        shift = self._shift(features, self._log_odds(features, horizon), horizon)
        return replace(self, level_shift=float(shift))

    def repeat_only(self, features: pd.DataFrame, horizon: float) -> np.ndarray:
        """The plain BG/NBD probability of no activity in the next ``horizon`` days."""
        return self.repeat.p_inactive(*repeat_inputs(features), horizon)


def fit_churn_model(
    past: pd.DataFrame,
    quiet: np.ndarray,
    present: pd.DataFrame,
    horizon: float,
    l2: float = 1e-3,
    max_rows: int = 50_000,
    seed: int = 0,
) -> ChurnModel:
    """Train the churn model by backtest.

    Parameters
    ----------
    past : DataFrame
        Features at the backtest cutoff ``as_of - horizon`` of the clients who existed then.
    quiet : ndarray of bool
        For each row of ``past``: no activity in ``(as_of - horizon, as_of]``.
    present : DataFrame
        Features at ``as_of``; BG/NBD is refitted on them for scoring.
    horizon : float
        Backtest horizon in days.
    """
    if len(past) < 50 or quiet.all() or not quiet.any():
        raise ValueError(
            "too little history to learn churn: need at least 50 clients active before the backtest "
            "cutoff, some quiet and some active after it"
        )
    rng = np.random.default_rng(seed)
    if len(past) > max_rows:
        pick = rng.choice(len(past), max_rows, replace=False)
        past, quiet = past.iloc[pick], quiet[pick]
    backtest_repeat = fit_repeat_model(past, seed=seed)
    X = design_matrix(past, backtest_repeat, horizon)
    center, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    coef = _fit_logistic((X - center) / scale, quiet.astype(float), l2)
    return ChurnModel(fit_repeat_model(present, seed=seed), center, scale, coef, horizon, len(past))
