"""The BG/NBD repeat-activity model (Fader, Hardie & Lee 2005), in numpy and scipy.

While alive, a client is active at a Poisson rate ``lambda ~ Gamma(r, alpha)`` per day; after each
active day they drop out for good with probability ``p ~ Beta(a, b)``. A client's history is summed
up by ``x`` (repeat active days), ``t_x`` (days from first to last active day) and ``T`` (days from
first active day to the scoring date).

The fit maximises the likelihood over the distinct ``(x, t_x, T)`` rows weighted by how many
clients share them, so a million clients cost no more than their distinct histories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special


@dataclass(frozen=True)
class BGNBD:
    """Fitted BG/NBD parameters; ``alpha`` is in days, the rest have no unit."""

    r: float
    alpha: float
    a: float
    b: float

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """Probability that the client has not dropped out by ``T``; 1 when ``x == 0``."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        ratio = np.exp((self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + t_x)))
        odds = np.where(x > 0, self.a / np.maximum(self.b + x - 1, 1e-12) * ratio, 0.0)
        return 1.0 / (1.0 + odds)

    def p_inactive(self, x, t_x, T, horizon: float) -> np.ndarray:
        """Probability of no active day in ``(T, T + horizon]``.

        A client alive at ``T`` with rate ``lambda`` stays quiet with probability
        ``exp(-lambda * horizon)`` (dropout only follows an active day); averaging over the
        posterior ``Gamma(r + x, alpha + T)`` gives ``((alpha + T) / (alpha + T + h)) ** (r + x)``.
        """
        x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
        alive = self.p_alive(x, t_x, T)
        quiet = np.exp((self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + T + horizon)))
        return 1.0 - alive + alive * quiet

    def expected_activity(self, x, t_x, T, horizon: float) -> np.ndarray:
        """Expected number of active days in ``(T, T + horizon]`` (FHL 2005, eq. 10)."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if abs(a - 1.0) < 1e-6:
            # The closed form has a removable singularity at a = 1; the alive rate times the
            # horizon is close there.
            return self.p_alive(x, t_x, T) * (r + x) / (alpha + T) * horizon
        z = horizon / (alpha + T + horizon)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        head = (a + b + x - 1) / (a - 1)
        body = 1.0 - np.exp((r + x) * np.log((alpha + T) / (alpha + T + horizon))) * hyp
        return head * body * self.p_alive(x, t_x, T)

    @property
    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def log_likelihood(params: np.ndarray, x, t_x, T, weight) -> float:
    """Weighted BG/NBD log-likelihood of ``(x, t_x, T)`` rows for ``params = (r, alpha, a, b)``."""
    r, alpha, a, b = params
    common = (
        special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        + special.betaln(a, b + x) - special.betaln(a, b)
    )
    quiet = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(
            x > 0,
            # B(a + 1, b + x - 1) / B(a, b + x) = a / (b + x - 1)
            np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return float(np.sum(weight * (common + np.logaddexp(quiet, dropped))))


def compress(x, t_x, T, resolution_days: float = 1.0):
    """Distinct ``(x, t_x, T)`` rows and their counts, times rounded to ``resolution_days``.

    Rounding both times the same way keeps ``t_x <= T``; at a resolution of a week the fitted
    parameters move far less than their sampling error, and the rows to evaluate shrink sevenfold.
    """
    def rounded(days):
        return np.round(np.asarray(days, dtype=float) / resolution_days) * resolution_days

    rows = np.column_stack([x, rounded(t_x), rounded(T)])
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], unique[:, 2], counts.astype(float)


def fit_bgnbd(x, t_x, T, weight=None) -> BGNBD:
    """Maximum-likelihood BG/NBD parameters.

    Parameters
    ----------
    x : array_like
        Repeat active days per client (or per distinct row).
    t_x, T : array_like
        Days from first to last active day, and from first active day to the cutoff.
    weight : array_like, optional
        Number of clients sharing each row (see :func:`compress`).
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if x.size == 0:
        raise ValueError("cannot fit the repeat-activity model without any client history")
    weight = np.ones_like(x) if weight is None else np.asarray(weight, dtype=float)
    total = weight.sum()

    def objective(log_params: np.ndarray) -> float:
        with np.errstate(all="ignore"):  # the search may try extreme values; they score 1e10
            value = log_likelihood(np.exp(log_params), x, t_x, T, weight)
        return -value / total if np.isfinite(value) else 1e10

    scale = max(float(np.average(T, weights=weight)), 1.0)
    start = np.log([1.0, scale / 4, 1.0, 3.0])
    best = optimize.minimize(objective, start, method="L-BFGS-B",
                             bounds=[(-9.0, 9.0), (-9.0, 15.0), (-9.0, 9.0), (-9.0, 9.0)])
    if not best.success:  # a rough surface: restart from where it stopped with a derivative-free search
        best = optimize.minimize(objective, best.x, method="Nelder-Mead", options={"maxiter": 2000})
    r, alpha, a, b = np.exp(best.x)
    return BGNBD(float(r), float(alpha), float(a), float(b))


def simulate_bgnbd(model: BGNBD, T: np.ndarray, rng: np.random.Generator, horizon: float = 0.0):
    """Histories drawn from ``model`` for clients observed ``T`` days.

    Returns ``(x, t_x, future)``: repeat active days and last active day within ``(0, T]``, and
    the active days in ``(T, T + horizon]``.
    """
    T = np.asarray(T, dtype=float)
    n = T.size
    lam = rng.gamma(model.r, 1.0 / model.alpha, n)
    p = rng.beta(model.a, model.b, n)
    x, t_x, future, now = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1.0 / lam[idx])
        seen = now[idx] <= T[idx]
        later = ~seen & (now[idx] <= T[idx] + horizon)
        x[idx[seen]] += 1
        t_x[idx[seen]] = now[idx[seen]]
        future[idx[later]] += 1
        hit = idx[seen | later]
        alive[idx[~(seen | later)]] = False
        alive[hit] = rng.random(hit.size) >= p[hit]
    return x, t_x, future
