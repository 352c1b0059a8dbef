"""The learning rate "compare all variants" suggests: fast, robust, runnable (no Qt)."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.many.rates import (
    QUICK_COUNT,
    QUICK_ITERATIONS,
    QUICK_RANGE,
    choose_rate,
    stays_within,
    suggested_rate,
)
from gdexplorer.core.many.sweep import SweepResult
from gdexplorer.core.many.vectorized import CODE, run_many_from_config
from gdexplorer.core.presets import get_preset

VALLEY = RunConfig("x^2 + 20y^2", (-4.0, 1.0), learning_rate=0.045, iterations=500)


def sweep_result(iterations, reasons):
    codes = np.array([CODE[r] for r in reasons], dtype=np.int8)
    count = len(reasons)
    return SweepResult(
        config=VALLEY, variables=("x", "y"), measure="iterations",
        learning_rates=np.geomspace(1e-3, 1.0, count), final_values=np.zeros(count),
        iterations=np.asarray(iterations), reason_codes=codes, final_points=np.zeros((count, 2)),
        start_value=36.0, stability_limit=None, seconds=0.0,
    )  # fmt: skip


def test_choose_rate_avoids_a_lucky_rate_next_to_divergence():
    slow, done, bad = StopReason.MAX_ITERATIONS, StopReason.GRADIENT_SMALL, StopReason.DIVERGED
    result = sweep_result(
        [500, 500, 50, 40, 30, 20, 10, 3, 2, 1], [slow, slow, *[done] * 5, bad, bad, bad]
    )
    assert choose_rate(result, fallback=123.0) == result.learning_rates[4]  # not 10 (lane 6)
    nothing = sweep_result([500] * 4, [slow, slow, bad, bad])
    assert choose_rate(nothing, fallback=123.0) == 123.0  # no neighbourhood without failures


def test_without_convergence_the_lowest_final_f_near_the_start_is_chosen() -> None:
    slow, bad = StopReason.MAX_ITERATIONS, StopReason.DIVERGED
    result = sweep_result([500] * 8, [slow] * 6 + [bad] * 2)
    final = np.array([9.0, 8.0, 7.0, 6.0, 5.0, -1e9, 0.0, 0.0])
    points = np.zeros((8, 2))
    points[5] = 1e7  # ran away (f unbounded below): its low f is no reason to choose it
    result = SweepResult(**{**vars(result), "final_values": final, "final_points": points})
    assert choose_rate(result, fallback=123.0) == result.learning_rates[2]


def test_the_suggested_rate_converges_from_the_start() -> None:
    rate = suggested_rate(VALLEY.replace(variant="gd"))
    assert QUICK_RANGE[0] <= rate <= QUICK_RANGE[1]
    _, outcome = run_to_end(VALLEY.replace(variant="gd", learning_rate=rate, iterations=3000))
    assert outcome.reason.converged, outcome.message


def test_choose_rate_skips_rates_whose_path_leaves_the_region() -> None:
    done = StopReason.GRADIENT_SMALL
    iterations = [400, 300, 200, 100, 60, 40, 30, 20, 10, 5]
    result = sweep_result(iterations, [done] * 10)
    assert choose_rate(result, fallback=123.0) == result.learning_rates[7]  # all inside
    within = np.array([True] * 6 + [False] * 4)  # the fastest jump out of the region
    chosen = choose_rate(result, fallback=123.0, within=within)
    assert chosen == result.learning_rates[3]  # with two neighbours inside on each side


HIMMELBLAU = get_preset("himmelblau")
ISSUE_MOMENTUM_RATE = 0.000158
"""The rate the old rule gave momentum on Himmelblau: it made momentum the slowest."""


def in_region_iterations(config: RunConfig) -> np.ndarray:
    """Iterations to converge at each quick-sweep rate whose path stays in the plot range."""
    rates = np.geomspace(*QUICK_RANGE, QUICK_COUNT)
    lanes = run_many_from_config(
        config.replace(iterations=QUICK_ITERATIONS), learning_rates=rates, record_path=True,
        starts=np.repeat([config.start], QUICK_COUNT, axis=0),
    )  # fmt: skip
    inside = stays_within(lanes.paths, HIMMELBLAU.plot_range)
    return np.where(lanes.converged & inside, lanes.iterations, np.iinfo(np.int64).max)


def test_on_himmelblau_momentum_is_not_slowed_by_its_rate() -> None:
    config = HIMMELBLAU.config.replace(variant="momentum")
    rate = suggested_rate(config)
    assert rate >= 10 * ISSUE_MOMENTUM_RATE
    _, chosen = run_to_end(config.replace(learning_rate=rate))
    _, issue = run_to_end(config.replace(learning_rate=ISSUE_MOMENTUM_RATE))
    assert chosen.reason.converged and chosen.iterations < issue.iterations
    best = in_region_iterations(config).min()
    assert chosen.iterations <= 1.1 * best  # as fast as any rate makes momentum here


def test_on_himmelblau_adagrads_path_stays_within_the_region() -> None:
    config = HIMMELBLAU.config.replace(variant="adagrad")
    rate = suggested_rate(config)
    trajectory, outcome = run_to_end(config.replace(learning_rate=rate))
    assert outcome.reason.converged, outcome.message
    (x0, x1), (y0, y1) = HIMMELBLAU.plot_range
    x, y = trajectory.points[:, 0], trajectory.points[:, 1]
    assert x.min() >= x0 and x.max() <= x1 and y.min() >= y0 and y.max() <= y1
    assert rate < 4.5  # not the rate that jumped across the valley
