"""Checks on the optimizer's inputs: expected returns and a covariance matrix with the same labels."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
from scipy.linalg.lapack import dpotrf

#: Eigenvalues above ``-PSD_TOL * largest`` count as zero (rounding in a sample covariance).
PSD_TOL = 1e-10


def _names(values) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:8])
    return shown + (f" and {len(values) - 8} more" if len(values) > 8 else "")


def market_inputs(expected_returns: pd.Series, covariance: pd.DataFrame
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Expected returns and covariance as arrays in the order of ``expected_returns``.

    Parameters
    ----------
    expected_returns : pandas.Series
        Expected return of each asset (fraction per period, e.g. annual).
    covariance : pandas.DataFrame
        Covariance of the assets' returns (same period), labelled like ``expected_returns`` on both
        axes, in any order.

    Raises
    ------
    ValueError
        Wrong types, duplicated or mismatched labels, values that are not finite numbers, a matrix
        that is not square, symmetric and positive semi-definite. The message names the problem.
    """
    if not isinstance(expected_returns, pd.Series):
        raise ValueError(
            f"expected_returns must be a pandas Series indexed by asset, got "
            f"{type(expected_returns).__name__}"
        )
    if not isinstance(covariance, pd.DataFrame):
        raise ValueError(
            f"covariance must be a pandas DataFrame labelled by asset, got {type(covariance).__name__}"
        )
    labels = expected_returns.index
    if len(labels) == 0:
        raise ValueError("expected_returns is empty: there is nothing to allocate")
    for what, index in (("expected_returns", labels), ("covariance rows", covariance.index),
                        ("covariance columns", covariance.columns)):
        if index.has_duplicates:
            raise ValueError(f"{what} repeat labels: {_names(index[index.duplicated()].unique())}")
    if not (_same(covariance.index, labels) and _same(covariance.columns, labels)):
        for what, index in (("rows", covariance.index), ("columns", covariance.columns)):
            missing, extra = labels.difference(index), index.difference(labels)
            problems = [f"missing {_names(missing)}"] if len(missing) else []
            problems += [f"not in expected_returns: {_names(extra)}"] if len(extra) else []
            if problems:
                raise ValueError(
                    f"covariance {what} do not match expected_returns ({'; '.join(problems)})"
                )
        covariance = covariance.reindex(index=labels, columns=labels)
    try:
        mu = expected_returns.to_numpy(dtype=float)
        cov = covariance.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"expected returns and covariance must be numbers: {exc}") from exc
    # One sum is finite exactly when every term is (barring overflow): the cheap common case.
    if not np.isfinite(mu.sum() + cov.sum()):
        _check_finite(mu, cov, labels)
    asymmetry = np.abs(cov - cov.T)
    worst = asymmetry.max()
    if worst > 1e-9 * np.abs(cov).max():
        i, j = np.unravel_index(asymmetry.argmax(), cov.shape)
        raise ValueError(
            f"covariance is not symmetric: {labels[i]}/{labels[j]} = {cov[i, j]:.6g} but "
            f"{labels[j]}/{labels[i]} = {cov[j, i]:.6g}"
        )
    if worst > 0:
        cov = 0.5 * (cov + cov.T)
    # A successful Cholesky factorisation proves the matrix positive definite: the common, fast
    # case (LAPACK directly, numpy's wrapper costs more than the factorisation at this size).
    if dpotrf(cov, lower=1)[1] == 0:
        return mu, cov
    if np.any(np.diag(cov) < 0):
        raise ValueError(f"covariance has negative variances for: {_names(labels[np.diag(cov) < 0])}")
    eigenvalues = np.linalg.eigvalsh(cov)
    if eigenvalues[0] < -PSD_TOL * max(eigenvalues[-1], np.finfo(float).tiny):
        raise ValueError(
            f"covariance is not positive semi-definite (smallest eigenvalue {eigenvalues[0]:.4g}): "
            "it cannot be the covariance of any returns"
        )
    if eigenvalues[-1] <= 0:
        raise ValueError("covariance is zero: every asset is riskless, volatility cannot be managed")
    return mu, cov


def _same(index: pd.Index, labels: pd.Index) -> bool:
    return index is labels or asset_labels(index) == asset_labels(labels)


#: Labels of recently seen indexes, by identity: {id: (weak reference, labels)}.
_LABELS: dict[int, tuple[weakref.ref, tuple]] = {}
_LABELS_KEPT = 64


def asset_labels(index: pd.Index) -> tuple:
    """The labels of ``index`` as a tuple.

    An index is immutable, and the same market data (the capital market assumptions are loaded
    once) comes back on every request, so the labels are remembered per index object: converting
    an index of strings to Python objects costs more than a whole optimisation step.
    """
    known = _LABELS.get(id(index))
    if known is not None and known[0]() is index:
        return known[1]
    labels = tuple(index.tolist())
    if len(_LABELS) >= _LABELS_KEPT:
        _LABELS.clear()
    _LABELS[id(index)] = (weakref.ref(index), labels)
    return labels


def _check_finite(mu: np.ndarray, cov: np.ndarray, labels: pd.Index) -> None:
    """Name the assets with values that are not finite numbers, if any."""
    bad = ~np.isfinite(mu)
    if bad.any():
        raise ValueError(f"expected returns are not finite numbers for: {_names(labels[bad])}")
    bad_rows = ~np.isfinite(cov).all(axis=1)
    if bad_rows.any():
        raise ValueError(f"covariance has values that are not finite numbers for: "
                         f"{_names(labels[bad_rows])}")
