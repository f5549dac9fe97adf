import numpy as np
import pytest

from engine.lifecycle.repeat_activity import BGNBD, compress, fit_bgnbd, simulate_bgnbd

# Fader, Hardie & Lee's CDNOW estimates, alpha converted from weeks to days.
TRUE = BGNBD(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)


def test_fit_recovers_known_parameters_on_simulated_histories():
    rng = np.random.default_rng(7)
    T = rng.uniform(180, 400, 30_000)
    x, t_x, _ = simulate_bgnbd(TRUE, T, rng)
    fitted = fit_bgnbd(*compress(x, t_x, T))
    assert fitted.r == pytest.approx(TRUE.r, rel=0.12)
    assert fitted.alpha == pytest.approx(TRUE.alpha, rel=0.15)
    assert fitted.a == pytest.approx(TRUE.a, rel=0.25)
    assert fitted.b == pytest.approx(TRUE.b, rel=0.3)


def test_probability_of_a_quiet_horizon_is_calibrated_on_simulated_futures():
    rng = np.random.default_rng(3)
    T = rng.uniform(60, 400, 60_000)
    x, t_x, future = simulate_bgnbd(TRUE, T, rng, horizon=90.0)
    predicted = TRUE.p_inactive(x, t_x, T, 90.0)
    decile = np.digitize(predicted, np.quantile(predicted, np.linspace(0.1, 0.9, 9)))
    for d in np.unique(decile):
        group = decile == d
        assert abs(predicted[group].mean() - np.mean(future[group] == 0)) < 0.02, d


def test_expected_activity_matches_simulated_futures():
    rng = np.random.default_rng(4)
    T = np.full(40_000, 200.0)
    x, t_x, future = simulate_bgnbd(TRUE, T, rng, horizon=120.0)
    expected = TRUE.expected_activity(x, t_x, T, 120.0)
    assert expected.mean() == pytest.approx(future.mean(), rel=0.05)
    busy = x >= 3
    assert expected[busy].mean() == pytest.approx(future[busy].mean(), rel=0.08)


def test_p_alive_is_one_without_repeat_activity_and_falls_with_silence():
    assert TRUE.p_alive(0, 0, 100) == 1.0
    recent, silent = TRUE.p_alive([5, 5], [95, 20], [100, 100])
    assert recent > 0.8 > 0.1 > silent


def test_expected_activity_grows_with_frequency_and_horizon():
    low, high = TRUE.expected_activity([1, 10], [50, 90], [100, 100], 90)
    assert high > low > 0
    assert TRUE.expected_activity(10, 90, 100, 180) > high


def test_fit_refuses_an_empty_history():
    with pytest.raises(ValueError, match="without any client history"):
        fit_bgnbd([], [], [])
