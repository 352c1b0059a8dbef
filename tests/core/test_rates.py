"""The learning rate "compare all variants" suggests: fast, robust, runnable (no Qt)."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.many.rates import QUICK_RANGE, choose_rate, suggested_rate
from gdexplorer.core.many.sweep import SweepResult
from gdexplorer.core.many.vectorized import CODE

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
