"""The Monte Carlo projection of balances with contributions."""

import math

import pytest
from scipy import stats

from engine.projection import BAND_PATHS, bad_year, lognormal_parameters, project


def lognormal(mean, volatility):
    """The yearly growth factor's distribution, from scipy, for an independent check."""
    mu, sigma = lognormal_parameters(mean, volatility)
    return stats.lognorm(s=sigma, scale=math.exp(mu))


@pytest.mark.parametrize(("mean", "volatility"), [(0.06, 0.12), (0.035, 0.01), (0.09, 0.25)])
def test_growth_has_the_requested_arithmetic_mean_and_volatility(mean, volatility):
    growth = lognormal(mean, volatility)
    assert growth.mean() - 1 == pytest.approx(mean, rel=1e-9)
    assert growth.std() == pytest.approx(volatility, rel=1e-9)


def test_bad_year_is_the_fifth_percentile_one_year_return():
    assert bad_year(0.06, 0.12) == pytest.approx(lognormal(0.06, 0.12).ppf(0.05) - 1, rel=1e-9)
    assert bad_year(0.06, 0.12) < bad_year(0.05, 0.06) < 0 < bad_year(0.035, 0.005)


def test_without_volatility_the_balance_follows_compound_interest():
    result = project(0.05, 0.0, years=10, initial=1000, monthly=100)
    # contributions spread through the year earn half a year's growth: sqrt(1.05) on average
    yearly = 1200 * math.sqrt(1.05)
    expected = 1000 * 1.05**10 + sum(yearly * 1.05**k for k in range(10))
    # The paths are float32 (eps 6e-8): some forty roundings over ten years stay within 3e-6,
    # whichever SIMD kernel computes the exponential (1.2e-6 and 0.6e-6 seen on two).
    for value in (result.median, result.p10, result.p90):
        assert value == pytest.approx(expected, rel=1e-5)
    assert result.contributions == 1000 + 1200 * 10


def test_lump_sum_percentiles_match_the_lognormal_distribution():
    years = 20
    mu, sigma = lognormal_parameters(0.06, 0.15)
    result = project(0.06, 0.15, years=years, initial=10_000, paths=20_000)
    horizon = stats.lognorm(s=sigma * math.sqrt(years), scale=10_000 * math.exp(mu * years))
    assert result.median == pytest.approx(horizon.ppf(0.5), rel=0.02)
    assert result.p10 == pytest.approx(horizon.ppf(0.1), rel=0.03)
    assert result.p90 == pytest.approx(horizon.ppf(0.9), rel=0.03)


def test_probability_of_reaching_the_target():
    mu, sigma = lognormal_parameters(0.06, 0.15)
    median = 10_000 * math.exp(mu * 15)
    assert project(0.06, 0.15, years=15, initial=10_000, target=median).probability_of_target == (
        pytest.approx(0.5, abs=0.02)
    )
    assert project(0.06, 0.15, years=15, initial=10_000, target=1).probability_of_target == 1.0
    assert project(0.06, 0.15, years=15, initial=10_000, target=1e9).probability_of_target == 0.0
    assert project(0.06, 0.15, years=15, initial=10_000).probability_of_target is None


def test_more_contributions_and_more_time_give_more_money():
    base = project(0.06, 0.12, years=10, initial=10_000, monthly=100)
    assert project(0.06, 0.12, years=10, initial=10_000, monthly=500).median > base.median
    assert project(0.06, 0.12, years=20, initial=10_000, monthly=100).median > base.median


def test_riskier_portfolio_has_a_wider_range():
    calm = project(0.05, 0.05, years=10, initial=10_000)
    wild = project(0.05, 0.20, years=10, initial=10_000)
    assert wild.p90 / wild.p10 > calm.p90 / calm.p10


def test_the_same_seed_reproduces_the_projection_and_another_seed_varies_it():
    first = project(0.06, 0.12, years=30, initial=5_000, monthly=300, seed=7)
    assert project(0.06, 0.12, years=30, initial=5_000, monthly=300, seed=7) == first
    other = project(0.06, 0.12, years=30, initial=5_000, monthly=300, seed=8)
    assert other.median != first.median
    assert other.median == pytest.approx(first.median, rel=0.03)


def test_band_runs_yearly_to_the_horizon_in_order():
    result = project(0.06, 0.12, years=2.5, initial=1_000, monthly=50)
    assert [point.year for point in result.band] == [0.0, 1.0, 2.0, 2.5]
    assert result.band[0].p10 == result.band[0].p90 == 1_000
    assert result.band[-1].p50 == result.median
    for point in result.band:
        assert point.p10 <= point.p50 <= point.p90


def test_band_years_before_the_horizon_agree_with_all_paths():
    every_path = project(0.06, 0.15, years=10, initial=10_000, paths=BAND_PATHS)
    longer = project(0.06, 0.15, years=20, initial=10_000, paths=4 * BAND_PATHS)
    # year 10 of the longer projection uses a subset; it must agree with a full projection
    assert longer.band[10].p50 == pytest.approx(every_path.median, rel=0.03)


def test_zero_horizon_keeps_the_initial_amount():
    result = project(0.06, 0.12, years=0, initial=2_500, monthly=100, target=2_000)
    assert result.median == result.p10 == 2_500
    assert result.probability_of_target == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"years": 61}, "years must be between 0 and 60"), ({"years": -1}, "years must be between"),
     ({"years": 5, "initial": -1}, "0 or more"), ({"years": 5, "paths": 10}, "at least 1000"),
     ({"years": 5, "target": 0}, "target must be above 0")],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        project(0.06, 0.12, **kwargs)


def test_impossible_return_is_refused():
    with pytest.raises(ValueError, match="above -100 %"):
        lognormal_parameters(-1.0, 0.1)
