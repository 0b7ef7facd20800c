"""The rolling-origin backtest recovers nominal coverage on a series whose variance is known."""
import numpy as np
import pandas as pd
import pytest

from analysis import backtest


def _random_walk(n: int, sigma: float, seed: int) -> pd.DataFrame:
    """A monthly price whose log is a random walk with N(0, sigma) steps: the forecast's own model."""
    rng = np.random.default_rng(seed)
    price = 100 * np.exp(np.cumsum(rng.normal(0, sigma, n)))
    return pd.DataFrame({"month": pd.period_range("2015-01", periods=n, freq="M"), "price_mid": price,
                         "status": "observed", "price_unit": "USD/kg"})


def test_coverage_is_nominal_within_sampling_error_on_a_known_random_walk():
    runs = backtest.rolling_origin(_random_walk(84, 0.05, seed=7), horizon=1, min_months=12)
    s = backtest.score(runs).iloc[0]
    n = s["forecasts"]
    assert n == 84 - 12
    for pct in (50, 90):
        se = np.sqrt(pct * (100 - pct) / n)  # binomial standard error, in points
        assert abs(s[f"coverage_{pct}_pct"] - pct) < 3.5 * se, (pct, s[f"coverage_{pct}_pct"])


def test_a_band_that_is_too_narrow_is_called_too_narrow():
    scores = pd.DataFrame({"horizon_months": [1, 2], "forecasts": [40, 40], "coverage_50_pct": [20.0, 15.0],
                           "nominal_50_pct": [50.0, 50.0], "coverage_90_pct": [45.0, 40.0], "nominal_90_pct": [90.0, 90.0],
                           "median_abs_error_pct": [5.0, 8.0], "random_walk_abs_error_pct": [5.0, 8.0]})
    text = backtest.verdict(scores)
    assert "too narrow by 32 points" in text and "too narrow by 48 points" in text
    assert "was the random walk's own forecast" in text
    scores["coverage_90_pct"] = [90.0, 91.0]
    assert "within sampling error of 90%" in backtest.verdict(scores)


def test_outcomes_come_after_their_origin():
    runs = backtest.rolling_origin(_random_walk(20, 0.05, seed=1), horizon=3, min_months=12)
    grid = _random_walk(20, 0.05, seed=1).set_index("month")["price_mid"]
    for r in runs.itertuples():
        assert r.outcome == pytest.approx(grid[r.origin + r.horizon])
        assert r.random_walk == pytest.approx(grid[r.origin])
