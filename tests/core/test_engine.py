"""The run loop: stopping rules, divergence, domain errors, batches and cancellation."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run, StopReason, run_to_end
from gdexplorer.core.errors import ConfigError, ExpressionError


def test_row_zero_is_the_start_and_rows_hold_point_f_gradient_step() -> None:
    trajectory, outcome = run_to_end(RunConfig("x^2 - 4*x + 4", (10.0,), learning_rate=0.1))
    np.testing.assert_array_equal(trajectory.points[0], [10.0])
    assert trajectory.values[0] == 64.0
    assert trajectory.gradients[0, 0] == 16.0
    assert trajectory.steps[0, 0] == 0.0
    # x1 = 10 - 0.1 * 16 = 8.4; the step that arrived is -1.6
    assert trajectory.points[1, 0] == pytest.approx(8.4, abs=1e-15)
    assert trajectory.steps[1, 0] == pytest.approx(-1.6, abs=1e-15)
    # x_k - 2 = 8 * 0.8^k exactly in exact arithmetic
    k = np.arange(len(trajectory))
    np.testing.assert_allclose(trajectory.points[:, 0] - 2, 8 * 0.8**k, rtol=1e-9, atol=1e-12)
    assert outcome.reason is StopReason.GRADIENT_SMALL
    assert abs(trajectory.gradients[-1, 0]) < 1e-6 <= abs(trajectory.gradients[-2, 0])
    assert outcome.message == f"Converged: |∇f| < 1e-06 after {outcome.iterations:,} iterations"


def test_fixed_number_of_iterations_when_tolerances_are_zero() -> None:
    config = RunConfig("x^2 + y^2", (2.0, 2.0), iterations=250, tol_grad=0, tol_step=0)
    trajectory, outcome = run_to_end(config)
    assert len(trajectory) == 251
    assert outcome.reason is StopReason.MAX_ITERATIONS
    assert outcome.message == "Stopped after 250 iterations without converging"


def test_step_tolerance_stops_when_iterates_are_close() -> None:
    config = RunConfig("x^2", (1.0,), learning_rate=0.1, tol_grad=0, tol_step=1e-3)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.STEP_SMALL
    assert abs(trajectory.steps[-1, 0]) < 1e-3 <= abs(trajectory.steps[-2, 0])


def test_divergence_keeps_every_finite_iterate() -> None:
    config = RunConfig("x^2 - 4*x + 4", (10.0,), learning_rate=1.5, iterations=10_000)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.DIVERGED
    assert not outcome.reason.converged
    assert np.all(np.isfinite(trajectory.rows))
    assert outcome.iterations == len(trajectory) - 1
    assert outcome.message.startswith(f"Diverged after {outcome.iterations:,} iterations")
    # f = (x - 2)^2 has curvature 2, so gradient descent is stable below lr = 1
    assert "lr = 1.5 is above 2/L = 1 (L = 2, the largest curvature)" in outcome.message
    # each step doubles the distance to the minimum: x_k - 2 = 8 * (-2)^k
    k = np.arange(len(trajectory))
    np.testing.assert_allclose(trajectory.points[:, 0] - 2, 8.0 * (-2.0) ** k, rtol=1e-9)


def test_overflow_to_infinity_is_an_unbounded_f_not_convergence() -> None:
    trajectory, outcome = run_to_end(RunConfig("exp(x)", (1.0,), learning_rate=1.0, maximize=True))
    assert outcome.reason is StopReason.UNBOUNDED
    assert not outcome.reason.converged
    assert outcome.message.startswith("f is unbounded above along this path")
    assert np.all(np.diff(trajectory.values) > 0)
    assert np.all(np.isfinite(trajectory.rows))


def test_leaving_the_domain_is_reported_and_keeps_the_path() -> None:
    trajectory, outcome = run_to_end(RunConfig("sqrt(x)", (1.0,), learning_rate=4.0))
    assert outcome.reason is StopReason.UNDEFINED
    assert "domain" in outcome.message
    assert len(trajectory) == 1 and trajectory.points[0, 0] == 1.0


@pytest.mark.parametrize(
    ("function", "start", "words"),
    [
        ("sqrt(x)", (-1.0,), "f is not a finite real number at the start point (x = -1)"),
        ("log(x)", (0.0,), "start point (x = 0)"),
        ("1/x", (0.0,), "start point (x = 0)"),
        ("sqrt(x)", (0.0,), "the gradient of f is not finite at the start point (x = 0)"),
    ],
)
def test_start_points_outside_the_domain_are_refused(function, start, words) -> None:
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Run(RunConfig(function, start))


def test_start_point_must_match_the_variables() -> None:
    with pytest.raises(ConfigError, match=r"2 variable\(s\) \(x, y\) but the start point has 1"):
        Run(RunConfig("x^2 + y^2", (1.0,)))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"learning_rate": 0.0}, "learning rate must be a positive number"),
        ({"learning_rate": float("nan")}, "learning rate must be a positive number"),
        ({"momentum": 1.0}, "momentum must be in [0, 1)"),
        ({"eps": -1.0}, "eps must be a positive number"),
        ({"iterations": 0}, "iterations must be between 1"),
        ({"tol_grad": -1.0}, "tol grad must be 0 (off) or positive"),
        ({"variant": "sgd2"}, "unknown variant 'sgd2'"),
        ({"gradient": "backward"}, "unknown gradient 'backward'"),
        ({"gradient": "central", "h": 0.0}, "finite-difference step h must be in (0, 1]"),
    ],
)
def test_bad_settings_get_specific_messages(changes, words) -> None:
    with pytest.raises(ConfigError) as caught:
        Run(RunConfig("x^2", (1.0,)).replace(**changes))
    assert words in str(caught.value)


def test_a_bad_function_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError):
        Run(RunConfig("x^^2", (1.0,)))


@pytest.mark.parametrize("mode", ["central", "forward"])
def test_finite_difference_runs_stay_close_to_the_exact_run(mode: str) -> None:
    base = RunConfig("(x - 1)^2 + 3*(y + 2)^2 + x*y", (3.0, 1.0), iterations=200, tol_grad=0)
    exact, _ = run_to_end(base)
    approx, _ = run_to_end(base.replace(gradient=mode, h=1e-5))
    tolerance = 1e-8 if mode == "central" else 1e-4
    np.testing.assert_allclose(approx.gradients[:5], exact.gradients[:5], atol=tolerance)
    np.testing.assert_allclose(approx.points[-1], exact.points[-1], atol=1e-3)


def test_batches_are_contiguous_and_come_at_most_about_thirty_a_second() -> None:
    config = RunConfig("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), variant="adam",
                       learning_rate=1e-3, iterations=300_000, tol_grad=0)  # fmt: skip
    run = Run(config)
    batches = list(run.batches(batch_seconds=1 / 30))
    assert batches[0].start == 0
    for before, after in zip(batches, batches[1:], strict=False):
        assert after.start == before.start + len(before.rows)
    assert sum(len(b.rows) for b in batches) == 300_001
    assert len(batches) >= 2
    assert run.outcome is not None and run.outcome.iterations == 300_000


def test_cancel_stops_between_chunks() -> None:
    config = RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=1e-9, iterations=5_000_000,
                       tol_grad=0)  # fmt: skip
    run = Run(config)
    cancel = threading.Event()
    rows = 0
    for batch in run.batches(cancel, batch_seconds=0.01):
        rows += len(batch.rows)
        cancel.set()
    assert run.outcome is not None
    assert run.outcome.reason is StopReason.CANCELLED
    assert run.outcome.iterations == rows - 1 < 5_000_000
    assert run.outcome.message == f"Stopped by you after {rows - 1:,} iterations"


def test_converged_at_the_start_runs_no_update() -> None:
    trajectory, outcome = run_to_end(RunConfig("x^2 + y^2", (0.0, 0.0)))
    assert len(trajectory) == 1 and outcome.iterations == 0
    assert outcome.reason is StopReason.GRADIENT_SMALL


def test_generated_source_never_contains_user_names() -> None:
    from gdexplorer.core import codegen

    run = Run(RunConfig("theta^2 + omega^2", (1.0, 2.0), variant="adam"))
    loop = codegen.build_fused_loop(run.objective, run.variant, 0.1, run.hyperparameters)
    assert "theta" not in loop.source and "omega" not in loop.source


def test_run_to_end_streams_batches_to_a_callback_and_can_be_cancelled() -> None:
    config = RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=1e-9, iterations=5_000_000,
                       tol_grad=0)  # fmt: skip
    cancel = threading.Event()
    seen: list[int] = []

    def on_batch(batch) -> None:
        seen.append(len(batch.rows))
        if sum(seen) > 1000:
            cancel.set()

    trajectory, outcome = run_to_end(config, cancel, on_batch)
    assert outcome.reason is StopReason.CANCELLED
    assert sum(seen) == len(trajectory) < 5_000_001
    assert np.all(np.isfinite(trajectory.rows))


def test_resume_gate_waits_for_a_busy_gui_but_never_stalls_the_run() -> None:
    import time

    from gdexplorer.core.engine import RESUME_WAIT, ResumeGate

    busy = threading.Event()  # clear: the GUI thread is handling events
    gate = ResumeGate(busy)
    began = time.perf_counter()
    gate.wait()
    assert time.perf_counter() - began >= RESUME_WAIT * 0.9
    began = time.perf_counter()
    gate.wait()  # still busy: it gave up waiting for a while
    assert time.perf_counter() - began < RESUME_WAIT / 2
    busy.set()
    later = ResumeGate(busy)
    began = time.perf_counter()
    later.wait()
    assert time.perf_counter() - began < RESUME_WAIT / 2
