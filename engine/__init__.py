"""The allocation engine: investor profiles, risk profiling, capital market assumptions, the
optimizer, recommendations, projections, market history and rebalancing.

Public API::

    from engine import InvestorProfile, recommend
    rec = recommend(InvestorProfile(age=35, goal="retirement", risk_answers={...}))
    rec.weights, rec.groups, rec.projection.median, rec.explanation.summary
    rec = recommend(profile, market="cn")  # China: yuan assumptions, suitability record
    rec.suitability.investor_class, rec.suitability.portfolio_grade, rec.suitability.matched

Names are imported on first use, so that ``import engine.profile`` (in the action server, say) does
not pay for the optimizer and the rest.
"""

from __future__ import annotations

from engine.lazy import lazy_exports

#: Public name -> module that defines it.
__getattr__, __dir__, __all__ = lazy_exports(globals(), {
    "InvestorProfile": "engine.profile",
    "Goal": "engine.profile",
    "IncomeStability": "engine.profile",
    "LiquidityNeeds": "engine.profile",
    "MarketOutlook": "engine.profile",
    "questions": "engine.questionnaire",
    "questionnaire": "engine.questionnaire",
    "assess": "engine.risk",
    "RiskAssessment": "engine.risk",
    "RiskFlag": "engine.risk",
    "load_assumptions": "engine.assumptions",
    "AssumptionsError": "engine.assumptions",
    "CapitalMarketAssumptions": "engine.assumptions",
    "optimize": "engine.optimizer",
    "efficient_frontier": "engine.optimizer",
    "InfeasibleError": "engine.optimizer",
    "recommend": "engine.recommendation",
    "Recommendation": "engine.recommendation",
    "ENGINE_VERSION": "engine.recommendation",
    "SuitableRecommendation": "engine.suitability.advice",
    "InvestmentKnowledge": "engine.profile",
    "stress": "engine.history",
    "HistoricalStress": "engine.history",
    "HistoryDataError": "engine.history",
    "project": "engine.projection",
    "Projection": "engine.projection",
    "rebalance": "engine.rebalancing",
    "drift": "engine.rebalancing",
    "RebalancePlan": "engine.rebalancing",
})
