"""Learning-rate sweeps and the stability limit of a quadratic."""

from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.many.sweep import (
    SweepYScale,
    describe_lane,
    learning_rate_sweep,
    stability_limit,
)
from gdexplorer.core.objective import build_objective

VALLEY = RunConfig("x^2 + 20y^2", (-4.0, 1.0), iterations=2000)


def test_the_rates_are_log_spaced_and_each_lane_is_its_single_run() -> None:
    result = learning_rate_sweep(VALLEY, 1e-4, 1.0, 41)
    np.testing.assert_allclose(result.learning_rates, np.geomspace(1e-4, 1.0, 41))
    assert result.variables == ("x", "y") and result.start_value == 36.0
    for lane in (0, 20, 25, 40):
        trajectory, outcome = run_to_end(VALLEY.replace(learning_rate=result.learning_rates[lane]))
        assert result.reasons[lane] == outcome.reason
        assert result.iterations[lane] == outcome.iterations
        scale = float(np.abs(trajectory.values).max())
        assert_close_scaled(result.final_values[lane], trajectory.values[-1], scale=scale)


def test_gradient_descent_diverges_just_above_two_over_l() -> None:
    result = learning_rate_sweep(VALLEY, 1e-3, 1.0, 301)
    limit = result.stability_limit
    assert limit == pytest.approx(2 / 40)
    rates = result.learning_rates
    assert result.converged[(rates > 0.01) & (rates < 0.98 * limit)].all()
    assert result.diverged[rates > 1.05 * limit].all()
    assert not result.diverged[rates < limit].any()
    assert limit < result.first_diverging_rate() < 1.05 * limit
    assert 0.01 < result.best_learning_rate() < limit


@pytest.mark.parametrize("variant", ["momentum", "nesterov"])
def test_the_momentum_limits_match_where_the_sweep_diverges(variant: str) -> None:
    result = learning_rate_sweep(VALLEY.replace(variant=variant), 1e-3, 1.0, 301)
    limit = result.stability_limit
    expected = 2 * 1.9 / 40 if variant == "momentum" else 2 * 1.9 / (2.8 * 40)
    assert limit == pytest.approx(expected)
    rates = result.learning_rates
    assert result.diverged[rates > 1.05 * limit].all()
    assert not result.diverged[rates < 0.98 * limit].any()


def test_stability_limit_needs_a_convex_quadratic() -> None:
    assert stability_limit(build_objective("(1 - x)^2 + 100(y - x^2)^2")) is None
    assert stability_limit(build_objective("x^2 - y^2")) == pytest.approx(1.0)
    assert stability_limit(build_objective("-(x^2) - 3y^2")) is None
    assert stability_limit(build_objective("-(x^2) - 3y^2"), maximize=True) == pytest.approx(1 / 3)
    assert stability_limit(build_objective("x^2 + x*y + y^2")) == pytest.approx(2 / 3)
    assert stability_limit(build_objective("x^2 + y^2"), "adam") is None


def test_measuring_iterations_and_the_fastest_rate() -> None:
    result = learning_rate_sweep(VALLEY, 1e-3, 0.1, 60, measure="iterations")
    np.testing.assert_array_equal(result.values, result.iterations)
    best = result.best_learning_rate()
    lane = int(np.flatnonzero(result.learning_rates == best)[0])
    assert result.reasons[lane] == StopReason.GRADIENT_SMALL
    assert result.iterations[lane] == result.iterations[result.converged].min()


def test_a_sweep_that_never_converges_has_no_best_rate_by_iterations() -> None:
    result = learning_rate_sweep(VALLEY.replace(iterations=3), 1e-4, 1e-3, 5, "iterations")
    assert result.best_learning_rate() is None and result.first_diverging_rate() is None


@pytest.mark.parametrize(
    ("low", "high", "count", "message"),
    [
        (1e-3, 1e-4, 10, "smallest < largest"),
        (0.0, 1.0, 10, "smallest < largest"),
        (1e-3, float("inf"), 10, "smallest < largest"),
        (1e-3, 1.0, 1, "between 2"),
    ],
)
def test_bad_ranges_are_refused(low, high, count, message) -> None:
    with pytest.raises(ConfigError, match=message):
        learning_rate_sweep(VALLEY, low, high, count)


def test_a_bad_start_is_refused_as_a_single_run_refuses_it() -> None:
    with pytest.raises(ConfigError, match="start"):
        learning_rate_sweep(RunConfig("log(x)", (-1.0,)), 1e-3, 1.0, 10)
    with pytest.raises(ConfigError, match="measure"):
        learning_rate_sweep(VALLEY, 1e-3, 1.0, 10, measure="speed")


def test_a_lane_is_described_by_its_rate_its_end_and_why() -> None:
    result = learning_rate_sweep(VALLEY.replace(variant="gd"), 1e-3, 0.2, 9)
    converged = int(np.flatnonzero(result.converged)[0])
    text = describe_lane(result, converged)
    n = int(result.iterations[converged])
    assert text.startswith(f"lr = {result.learning_rates[converged]:.4g}: final f = ")
    assert text.endswith(f"converged after {n:,} iterations")
    diverged = int(np.flatnonzero(result.diverged)[0])
    n = int(result.iterations[diverged])
    assert describe_lane(result, diverged).endswith(
        f": diverged after {n:,} iterations (the next update failed)"
    )


def test_the_sweep_axis_is_log_when_final_f_spans_decades() -> None:
    result = learning_rate_sweep(VALLEY.replace(variant="gd"), 1e-4, 0.2, 9)
    values = result.values[np.isfinite(result.values)]
    scale = SweepYScale.choose(result, values)
    assert scale.log and scale.floor == values.min() > 0
    assert scale.ceiling == 100 * max(result.start_value, values.min())
    by_iterations = learning_rate_sweep(VALLEY, 1e-3, 0.2, 5, measure="iterations")
    linear = SweepYScale.choose(by_iterations, by_iterations.values.astype(float))
    assert not linear.log and linear.ceiling == VALLEY.iterations
    assert linear.top == VALLEY.iterations * 1.06
