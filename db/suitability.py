"""The suitability record of a recommendation: what was recommended to whom, on which inputs, with
which engine and assumption versions and which disclosures, as the advice rules ask a firm to keep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from db.conversations import SuitabilityRecord

if TYPE_CHECKING:  # db reads the engine's results; it runs none of the engine's rules
    from engine.explanation import Statement
    from engine.recommendation import Recommendation


def suitability_record(rec: Recommendation, *, conversation_id: str, client_id: int | None,
                       trigger: str, answers_confirmed: bool = False,
                       disclosures: Sequence[Statement] | None = None) -> SuitabilityRecord:
    """The suitability record of a recommendation (not yet added to a session).

    ``disclosures`` are the statements as the client read them; the engine's own when omitted.
    """
    return SuitabilityRecord(
        conversation_id=conversation_id, client_id=client_id,
        inputs=rec.profile.model_dump(mode="json"), risk_score=rec.risk.score,
        willingness=rec.risk.willingness, capacity=rec.risk.capacity,
        flags=[flag.model_dump(mode="json") for flag in rec.risk.flags],
        binding_constraints=[c.model_dump(mode="json") for c in rec.policy.constraints],
        answers_confirmed=answers_confirmed, weights=rec.weights, groups=rec.groups,
        expected_return=rec.expected_return, volatility=rec.volatility, bad_year=rec.bad_year,
        probability_of_target=rec.projection.probability_of_target,
        disclosures=[s.model_dump(mode="json")
                     for s in (rec.disclosures if disclosures is None else disclosures)],
        engine_version=rec.engine_version, assumptions_version=rec.assumptions_version,
        questionnaire_version=rec.questionnaire_version, trigger=trigger,
        history=rec.history.model_dump(mode="json") if rec.history is not None else None,
        history_version=rec.history.data_version if rec.history is not None else None,
    )
