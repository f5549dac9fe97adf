"""Exact long-only mean-variance optimizer with per-asset and group bounds.

Public API: :func:`optimize`, :func:`efficient_frontier`, :class:`InfeasibleError`.
"""

from engine.optimizer.constraints import InfeasibleError
from engine.optimizer.objectives import OBJECTIVES, efficient_frontier, optimize

__all__ = ["OBJECTIVES", "InfeasibleError", "efficient_frontier", "optimize"]
