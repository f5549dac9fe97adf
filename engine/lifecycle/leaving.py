"""A client who says they want to leave: the reasons they may give and the retention offer for each.

The offer is the catalog's next-best action (:func:`engine.lifecycle.offers.next_best_action`)
among the offers that answer the reason, listed in ``offers.yml`` under ``leaving_reasons``: a fee
waiver answers fees, not a need for the money. Saying you are leaving is the strongest decline
signal, so the client is scored as in decline whatever their last lifecycle stage.
"""

from __future__ import annotations

import pandas as pd

from engine.lifecycle.offers import OTHER_REASON, Catalog, load_catalog, next_best_action

#: Churn risk (0 to 1) assumed for a client who was never scored: they have just said they may
#: leave, so as likely to go as to stay.
UNSCORED_CHURN_RISK = 0.5
#: The lifecycle stage of a client who says they are leaving.
LEAVING_STAGE = "decline"


def leaving_reasons(catalog: Catalog | None = None) -> tuple[str, ...]:
    """The reasons for leaving a client can choose, in the catalog's order, ``OTHER_REASON`` last."""
    listed = (catalog or load_catalog()).leaving_reasons
    return (*(r for r in listed if r != OTHER_REASON), OTHER_REASON)


def reason_key(reason: str | None, catalog: Catalog | None = None) -> str:
    """The listed reason that ``reason`` stands for: itself when listed, else ``OTHER_REASON``
    (free text such as "other: too many emails", or None)."""
    return reason if reason in leaving_reasons(catalog) else OTHER_REASON


def offers_for_reason(reason: str | None, catalog: Catalog | None = None) -> tuple[str, ...]:
    """Ids of the offers that answer ``reason`` (any reason not listed counts as ``OTHER_REASON``)."""
    catalog = catalog or load_catalog()
    return tuple(catalog.leaving_reasons.get(reason_key(reason, catalog), ()))


def retention_offer(client_id: int, reason: str | None, *, segment: str, aum: float | None,
                    do_not_contact: bool, churn_risk: float | None,
                    history: pd.DataFrame | None, as_of: pd.Timestamp,
                    catalog: Catalog | None = None) -> str | None:
    """The next-best offer for a leaving client among those that answer ``reason``.

    Parameters
    ----------
    client_id : int
        The client, to match their offer history.
    reason : str or None
        The reason given; anything not listed counts as ``OTHER_REASON``.
    segment : str
        The client's segment (``retail``, ``high_net_worth``, ``small_business``).
    aum : float or None
        Assets under management, account currency; None counts as 0.
    do_not_contact : bool
        True when the client must not be contacted with offers.
    churn_risk : float or None
        The latest churn risk, 0 to 1; None when the client was never scored
        (``UNSCORED_CHURN_RISK`` is used).
    history : DataFrame or None
        Offers already made to the client: ``client_id``, ``offer_id``, ``timestamp``. An offer
        still in its cooldown is not made again.
    as_of : Timestamp
        Now, for the cooldowns.
    catalog : Catalog, optional
        The offer catalog; the bundled ``offers.yml`` by default.

    Returns
    -------
    str or None
        The offer id, or None when no fitting offer is eligible and worth its cost.
    """
    catalog = catalog or load_catalog()
    fitting = set(offers_for_reason(reason, catalog))
    frame = pd.DataFrame(
        {"stage": [LEAVING_STAGE], "segment": [segment], "aum": [aum or 0.0],
         "churn_risk": [UNSCORED_CHURN_RISK if churn_risk is None else churn_risk],
         "do_not_contact": [bool(do_not_contact)]},
        index=pd.Index([client_id], name="client_id"),
    )
    only_fitting = catalog.model_copy(update={"offers": [o for o in catalog.offers
                                                         if o.id in fitting]})
    choice = next_best_action(frame, as_of, history, only_fitting)
    offer = choice["next_best_action"].iloc[0]
    return None if pd.isna(offer) else str(offer)
