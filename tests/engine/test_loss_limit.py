"""The search for the largest equity share that keeps to a loss limit, on functions whose answer
is known by checking every share of the grid."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.loss_limit import EQUITY_STEP, largest_equity

LIMIT = 0.1


def brute_force(bad_year_at, upper: float) -> float | None:
    shares = [round(k * EQUITY_STEP, 6) for k in range(math.ceil(upper / EQUITY_STEP - 1e-9))]
    keeping = [x for x in shares if bad_year_at(x) >= -LIMIT]
    return max(keeping) if keeping else None


class Counted:
    def __init__(self, bad_year_at):
        self.bad_year_at, self.calls = bad_year_at, 0

    def __call__(self, equity: float) -> float:
        self.calls += 1
        return self.bad_year_at(equity)


# Bad years that worsen with equity (after the small diversifying share may first improve them):
# a bend, convex or concave, and a kink, as the optimizer's mix changes which bounds bind.
bad_years = st.tuples(
    st.floats(-0.12, 0.05), st.floats(0.02, 0.3), st.floats(0.5, 2.0), st.floats(0.1, 0.9),
    st.floats(1.0, 3.0),
).map(lambda p: lambda e: p[0] - p[1] * (e ** p[2]) - (p[4] - 1) * p[1] * max(0.0, e - p[3]))


@settings(max_examples=300, deadline=None)
@given(bad_years, st.floats(0.05, 0.97))
def test_the_search_finds_the_largest_share_checking_every_grid_point_would(bad_year_at, upper):
    at_upper = bad_year_at(upper)
    if at_upper >= -LIMIT:  # the engine searches only when the share asked for breaks the limit
        return
    counted = Counted(bad_year_at)
    assert largest_equity(counted, LIMIT, upper, at_upper) == brute_force(bad_year_at, upper)
    # Never much slower than bisection on the grid (10 steps for 1,000 shares).
    assert counted.calls <= math.ceil(math.log2(upper / EQUITY_STEP + 1)) + 3


def test_a_bad_year_in_proportion_to_equity_takes_two_optimizer_runs():
    bad_year_at = Counted(lambda e: -0.16 * e)  # keeps to 10 % up to 62.5 % equity
    assert largest_equity(bad_year_at, LIMIT, 0.9, -0.144) == 0.625
    assert bad_year_at.calls == 2  # the guess and the share after it


def test_no_share_when_even_no_equity_breaks_the_limit():
    assert largest_equity(lambda e: -0.11 - e, LIMIT, 0.5, -0.61) is None
