"""The retention offer each leaving client should get, checked where the engine picks it
(tests/engine/lifecycle/test_leaving_offers.py) and where the chat makes and records it
(tests/actions/test_leaving.py)."""

import pytest

#: (client, reason, best): the client's fields that differ from a retail client with 200,000
#: under management, churn risk 0.4 and no earlier offers; the reason given for leaving; the best offer.
BEST_OFFERS = pytest.mark.parametrize(("client", "reason", "best"), [
    # Retail, 200,000: value 1,200 a year. Waiver 12% x 1,200 - (5 + 30 days of a 0.6 % fee, 99)
    # = 40; the call-back 10% x 1,200 - 25 = 95 answers the reasons it is listed for; the extended
    # premium service is not for retail clients.
    ({}, "fees", "fee_waiver"),
    ({}, "need_money", "advisor_callback"),
    ({}, "other: my partner manages our savings now", "advisor_callback"),
    # A small retail account, 5,000: worth the floor, 150; waiver 18 - (5 + 2) = 11, call-back < 0.
    ({"aum": 5_000.0}, "other: my partner manages our savings now", "fee_waiver"),
    # High net worth, 1,000,000: value 6,000; premium 15% x 6,000 - 100 = 800 beats the call-back
    # (575) and the waiver (720 - 5 - 493 = 222).
    ({"segment": "high_net_worth", "aum": 1_000_000.0}, "service", "premium_extension"),
    ({"segment": "high_net_worth", "aum": 1_000_000.0}, "fees", "premium_extension"),
    ({"offered": ("fee_waiver",)}, "moving", "advisor_callback"),  # the waiver is in cooldown
    ({"churn_risk": None}, "fees", "fee_waiver"),  # never scored
])
