"""The active rows of a dual active-set iterate and the inverse of their Gram matrix.

Shared by the QP solver (engine/optimizer/qp.py) and the critical-line frontier
(engine/optimizer/frontier.py), which both add and drop one constraint at a time.
"""

from __future__ import annotations

import numpy as np


class ActiveRows:
    """Active constraint rows ``R`` and the inverse of their Gram matrix ``C_R H C_R'``.

    The inverse is updated by bordering when a row enters and by a rank-one downdate when one
    leaves, in preallocated buffers: a change costs a few vector operations, not a factorisation.
    """

    def __init__(self, CHC: np.ndarray):
        m = len(CHC)
        self.CHC = CHC
        self.size = 0
        self._rows = np.empty(m, dtype=np.intp)
        self._inverse = np.empty((m, m))

    @property
    def rows(self) -> np.ndarray:
        return self._rows[: self.size]

    @property
    def inverse(self) -> np.ndarray:
        return self._inverse[: self.size, : self.size]

    def reset(self, rows) -> None:
        rows = np.asarray(rows, dtype=np.intp)
        self.size = len(rows)
        self._rows[: self.size] = rows
        self._inverse[: self.size, : self.size] = np.linalg.inv(self.CHC[np.ix_(rows, rows)])

    def direction(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """``r = M^-1 C_R H c_p`` and the change of every row's value per unit step toward ``p``.

        ``CHC`` is symmetric, so rows of it stand for columns (taking rows is the cheap copy).
        """
        block = self.CHC.take(self.rows, axis=0)
        r = self.inverse.dot(block[:, p])
        return r, self.CHC[p] - r.dot(block)

    def add(self, p: int, r: np.ndarray, curvature: float) -> None:
        """Append row ``p``, given ``direction(p)[0]`` and its curvature ``(> 0)``."""
        s, inv = self.size, self._inverse
        scaled = r / curvature
        inv[:s, :s] += r[:, None] * scaled
        inv[:s, s] = inv[s, :s] = -scaled
        inv[s, s] = 1.0 / curvature
        self._rows[s] = p
        self.size = s + 1

    def drop(self, k: int) -> None:
        """Remove the ``k``-th active row."""
        s, inv = self.size, self._inverse
        column = np.delete(inv[:s, k], k)
        pivot = inv[k, k]
        inv[k : s - 1, :s] = inv[k + 1 : s, :s]
        inv[: s - 1, k : s - 1] = inv[: s - 1, k + 1 : s]
        inv[: s - 1, : s - 1] -= column[:, None] * (column / pivot)
        self._rows[k : s - 1] = self._rows[k + 1 : s]
        self.size = s - 1
