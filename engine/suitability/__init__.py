"""Suitability in the China market: the investor's class C1-C5 (and the lowest category inside
C1), the risk grades R1-R5 of asset classes and portfolios, the matching that keeps every
recommendation within the class, the more-risk what-if beyond it, and the re-assessment rule.

The rules are data (``engine/data/suitability_cn.yml``, with their sources); the README's "China
market" section explains them. Public API::

    from engine import recommend
    rec = recommend(profile, market="cn")
    rec.suitability.investor_class, rec.suitability.portfolio_grade, rec.suitability.matched

Names are imported on first use: the rules and classes are light, the recommendation is not.
"""

from __future__ import annotations

from engine.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(globals(), {
    "suitability_rules": "engine.suitability.rules",
    "SuitabilityRules": "engine.suitability.rules",
    "SuitabilityRulesError": "engine.suitability.rules",
    "CLASSES": "engine.suitability.rules",
    "GRADES": "engine.suitability.rules",
    "grade_of": "engine.suitability.rules",
    "classify": "engine.suitability.classes",
    "InvestorClassification": "engine.suitability.classes",
    "lowest_category": "engine.suitability.classes",
    "product_grade": "engine.suitability.grades",
    "portfolio_grade": "engine.suitability.grades",
    "PortfolioGrade": "engine.suitability.grades",
    "Suitability": "engine.suitability.advice",
    "SuitableRecommendation": "engine.suitability.advice",
    "allowed_grade": "engine.suitability.advice",
    "more_risk": "engine.suitability.what_if",
    "decide": "engine.suitability.what_if",
    "MoreRiskWhatIf": "engine.suitability.what_if",
    "Outcome": "engine.suitability.what_if",
    "reassessment_due": "engine.suitability.what_if",
    "Reassessment": "engine.suitability.what_if",
    "situation_changes": "engine.suitability.what_if",
})
