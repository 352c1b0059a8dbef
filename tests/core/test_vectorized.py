"""The vectorized engine gives every lane the numbers of the single-run engine."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from numeric import assert_close_along_path, assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import LANES_NEVER
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.many.kernel import (
    FINITE,
    OUTSIDE_DOMAIN,
    OVERFLOW,
    build_kernel,
    build_scalar_check,
)
from gdexplorer.core.many.vectorized import run_many, run_many_from_config
from gdexplorer.core.objective import build_objective
from gdexplorer.core.optimizers import VARIANTS

# (function, start, learning rates, other settings): together they reach every stop reason.
CASES = {
    "rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), (1e-3, 2e-3, 0.05), {}),
    "valley, step tolerance": ("x^2 + 20y^2", (-4.0, 1.0), (0.01, 0.045, 0.06), {"tol_step": 1e-4}),
    "log, leaves the domain": ("log(x) + (x - 3)^2", (1.0,), (0.1, 1.0, 3.0), {}),
    "sqrt, central difference": ("sqrt(x) + y^2", (2.0, 2.0), (0.5, 5.0), {"gradient": "central"}),
    "1/x, forward difference": ("1/x + x^2", (1.0,), (0.3, 0.6, 2.0), {"gradient": "forward"}),
    "three variables, overflow": ("exp(x) + exp(-x) + y^2 + z^4", (1.0, 1.0, 1.0), (0.1, 5.0), {}),
    "maximize": ("-(x^2) - y^2 + x*y", (1.0, 2.0), (0.1, 2.0), {"maximize": True}),
    "saddle": ("x^2 - y^2", (2.0, 0.001), (0.1, 0.5), {"iterations": 2000}),
}


def _assert_lane_matches(result, lane: int, config: RunConfig) -> None:
    """The lane follows its single run to rounding (numpy's exp may differ from math.exp by an
    ulp, depending on the CPU's SIMD kernels). A threshold met within rounding (a tolerance, the
    divergence limit) may then be met one update earlier or later: never more."""
    trajectory, outcome = run_to_end(config)
    assert result.reasons[lane] == outcome.stopping_rule
    assert abs(int(result.iterations[lane]) - outcome.iterations) <= 1
    path_scale = float(np.abs(trajectory.points).max())
    if result.iterations[lane] == outcome.iterations:
        assert_close_scaled(result.points[lane], trajectory.points[-1], scale=path_scale)
        value_scale = float(np.abs(trajectory.values).max())
        assert_close_scaled(result.values[lane], trajectory.values[-1], scale=value_scale)
    if result.paths is not None:
        rows = min(len(result.paths[lane]), len(trajectory))
        assert_close_along_path(result.paths[lane][:rows], trajectory.points[:rows])


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_lane_equals_its_single_run(variant: str, case: str) -> None:
    function, start, rates, extra = CASES[case]
    config = RunConfig(function, start, variant=variant, iterations=300).replace(**extra)
    starts = np.repeat([start], len(rates), axis=0)
    result = run_many_from_config(config, starts=starts, learning_rates=rates, record_path=True)
    for lane, rate in enumerate(rates):
        _assert_lane_matches(result, lane, config.replace(learning_rate=rate))


def test_the_cases_reach_every_stop_reason_but_cancel() -> None:
    reasons = set()
    for function, start, rates, extra in CASES.values():
        for variant in ("gd", "adam"):
            config = RunConfig(function, start, variant=variant, iterations=300).replace(**extra)
            starts = np.repeat([start], len(rates), axis=0)
            reasons |= set(run_many_from_config(config, starts, learning_rates=rates).reasons)
    assert reasons == set(StopReason) - {StopReason.CANCELLED} - LANES_NEVER


def test_lanes_with_different_starts_match_and_stop_on_their_own() -> None:
    config = RunConfig("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.0, 0.0), learning_rate=0.01)
    starts = np.random.default_rng(3).uniform(-5, 5, size=(12, 2))
    result = run_many_from_config(config, starts=starts)
    assert len(set(result.iterations)) > 3
    for lane in range(len(starts)):
        _assert_lane_matches(result, lane, config.replace(start=tuple(starts[lane])))


def test_a_start_outside_the_domain_stops_that_lane_only() -> None:
    objective = build_objective("log(x) + (x - 3)^2 + y^2")
    starts = np.array([[-1.0, 0.0], [2.0, 1.0], [0.0, 1.0]])
    result = run_many(objective, "gd", starts, 0.1, iterations=50)
    assert result.reasons[0] == result.reasons[2] == StopReason.UNDEFINED
    assert result.iterations[0] == result.iterations[2] == 0
    assert result.reasons[1] == StopReason.MAX_ITERATIONS and result.iterations[1] == 50
    np.testing.assert_array_equal(result.points[0], starts[0])


def test_a_start_at_a_minimum_stops_at_once() -> None:
    objective = build_objective("x^2 + y^2")
    result = run_many(objective, "adam", np.array([[0.0, 0.0], [1.0, 1.0]]), 0.1)
    assert result.reasons[0] == StopReason.GRADIENT_SMALL and result.iterations[0] == 0
    assert result.iterations[1] > 0


def test_a_set_cancel_flag_stops_every_lane_before_the_first_update() -> None:
    cancel = threading.Event()
    cancel.set()
    objective = build_objective("x^2 + y^2")
    result = run_many(objective, "gd", np.ones((5, 2)), 0.01, cancel=cancel)
    assert set(result.reasons) == {StopReason.CANCELLED}
    assert not result.iterations.any()


def test_cancel_during_the_run_keeps_the_iterates_so_far() -> None:
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int, running: int) -> None:
        seen.append((done, total, running))
        if done >= 40:
            cancel.set()

    config = RunConfig("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), learning_rate=1e-4)
    config = config.replace(iterations=10_000_000)
    starts = np.repeat([config.start], 2000, axis=0)
    result = run_many_from_config(config, starts=starts, cancel=cancel, progress=progress)
    assert set(result.reasons) == {StopReason.CANCELLED}
    stopped_at = int(result.iterations[0])
    assert 40 <= stopped_at < 10_000_000 and np.all(result.iterations == stopped_at)
    assert seen[0][1] == 10_000_000 and seen[0][2] == 2000
    single, _ = run_to_end(config.replace(iterations=stopped_at))
    assert_close_along_path(result.points[:1], single.points[-1:])


def test_progress_reports_the_end() -> None:
    calls = []
    objective = build_objective("x^2")
    run_many(
        objective,
        "gd",
        np.array([1.0, 2.0]),
        0.1,
        iterations=20,
        progress=lambda *a: calls.append(a),
    )
    assert calls[-1] == (20, 20, 0)


@pytest.mark.parametrize(
    ("starts", "rates", "message"),
    [
        (np.ones((3, 3)), 0.1, "2 coordinate"),
        (np.ones((0, 2)), 0.1, "2 coordinate"),
        (np.array([[np.nan, 1.0]]), 0.1, "finite"),
        (np.ones((3, 2)), np.array([0.1, -1.0, 0.1]), "positive"),
        (np.ones((3, 2)), np.array([0.1, 0.2]), "one learning rate or 3"),
    ],
)
def test_bad_lanes_are_refused_with_a_message(starts, rates, message) -> None:
    with pytest.raises(ConfigError, match=message):
        run_many(build_objective("x^2 + y^2"), "gd", starts, rates)


def test_a_dataset_run_is_refused() -> None:
    with pytest.raises(ConfigError, match="dataset"):
        run_many_from_config(RunConfig("x^2", (1.0,), data="points.csv"))


def test_recording_too_many_paths_is_refused() -> None:
    with pytest.raises(ConfigError, match="record"):
        run_many(build_objective("x^2"), "gd", np.ones(10_000), 0.1, iterations=10_000,
                 record_path=True)  # fmt: skip


@pytest.mark.parametrize(
    "function", ["(1 - x)^2 + 100(y - x^2)^2", "x + y^2", "sin(x) * exp(y / 3) + abs(x - y)"]
)
@pytest.mark.parametrize("mode", ["symbolic", "central", "forward"])
def test_the_kernel_agrees_with_the_objective(function: str, mode: str) -> None:
    objective = build_objective(function)
    points = np.random.default_rng(1).uniform(-2, 2, size=(50, 2))
    values, grads = build_kernel(objective, mode, 1e-5)(np.ascontiguousarray(points.T))
    assert_close_scaled(values, objective.value(points))
    exact = objective.gradient(points)
    tolerance = 1e-12 if mode == "symbolic" else 1e-3
    assert_close_scaled(grads.T, exact, rtol=tolerance)


def test_the_scalar_check_tells_domain_errors_from_overflow() -> None:
    check = build_scalar_check(build_objective("log(x) + exp(y)"))
    assert check(np.array([0.0, 1.0])) == OUTSIDE_DOMAIN
    assert check(np.array([-1.0, 1.0])) == OUTSIDE_DOMAIN
    assert check(np.array([1.0, 1000.0])) == OVERFLOW
    assert check(np.array([1.0, 1.0])) == FINITE


@pytest.mark.parametrize("variant", ["gd", "adam"])
def test_paths_agree_to_the_last_bit_when_the_operations_are_the_same(variant: str) -> None:
    """Himmelblau's gradient needs only +, -, * (powers of a symbol are printed as products) and
    Adam adds / and sqrt: IEEE 754 rounds each of them correctly on every CPU, so numpy and Python
    floats give the same bits (exp, log, sin, pow are compared with a tolerance elsewhere)."""
    config = RunConfig("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.5, -0.3), variant=variant)
    config = config.replace(learning_rate=0.01, iterations=500)
    result = run_many_from_config(config, record_path=True)
    trajectory, _ = run_to_end(config)
    np.testing.assert_array_equal(result.paths[0], trajectory.points)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_lanes_still_match_when_numpy_exp_rounds_the_other_way(monkeypatch, variant) -> None:
    """On another CPU numpy's SIMD ``exp`` (AVX512_SPR kernels, say) may differ from ``math.exp``
    by an ulp. Simulate that: every numpy exp one ulp up. The lanes must still match their single
    runs (the comparison is scaled to the path), though no longer bit for bit."""
    true_exp = np.exp
    calls = []

    def exp_an_ulp_up(x, /, out=None, **kwargs):
        calls.append(1)
        result = true_exp(x, out=out, **kwargs)
        return np.nextafter(result, np.inf, out=result if isinstance(result, np.ndarray) else None)

    monkeypatch.setattr(np, "exp", exp_an_ulp_up)
    function, start, rates, extra = CASES["three variables, overflow"]
    config = RunConfig(function, start, variant=variant, iterations=300).replace(**extra)
    starts = np.repeat([start], len(rates), axis=0)
    result = run_many_from_config(config, starts=starts, learning_rates=rates, record_path=True)
    assert calls  # the lanes did compute with the other exp
    for lane, rate in enumerate(rates):
        _assert_lane_matches(result, lane, config.replace(learning_rate=rate))
