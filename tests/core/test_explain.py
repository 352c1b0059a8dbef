"""The worked example of one iteration: its numbers match the trajectory and the update rule."""

from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core import optimizers
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run, record, run_to_end
from gdexplorer.core.explain.example import as_text, explain
from gdexplorer.core.explain.maths import format_number, format_vector

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


def finished_run(config: RunConfig):
    run = Run(config)
    return run, record(run)


def by_hand(run, trajectory, k):
    """optimizers.update applied to row k's gradient and state."""
    slots = {slot: trajectory.state(slot)[k] for slot in run.variant.state_slots}
    state = optimizers.OptimizerState(k, slots)
    return optimizers.update(
        run.variant,
        trajectory.gradients[k],
        state,
        run.config.learning_rate,
        run.hyperparameters,
        run.config.maximize,
    )


def test_gradient_descent_numbers_match_the_trajectory_and_the_rule() -> None:
    run, trajectory = finished_run(
        RunConfig(ROSENBROCK, (-1.5, 2.0), learning_rate=0.001, iterations=40)
    )
    k = 7
    example = explain(run, trajectory, k)
    np.testing.assert_array_equal(example.point, trajectory.points[k])
    assert example.value == trajectory.values[k]
    np.testing.assert_array_equal(example.gradient, trajectory.gradients[k])
    np.testing.assert_array_equal(example.arrived_step, trajectory.steps[k])
    update = example.update
    np.testing.assert_array_equal(update.step, trajectory.steps[k + 1])
    np.testing.assert_array_equal(update.next_point, trajectory.points[k + 1])
    step, _ = by_hand(run, trajectory, k)
    assert_close_scaled(update.step, step)
    np.testing.assert_allclose(update.effective_learning_rate, 0.001, rtol=1e-9)
    text = as_text(example)
    for number in (*trajectory.points[k], *trajectory.gradients[k], *trajectory.points[k + 1]):
        assert format_number(number) in text
    assert f"= −0.001·{format_vector(trajectory.gradients[k])}" in text
    assert "step₈ = −lr·g₇" in text


def test_momentum_shows_the_velocity_before_and_after() -> None:
    run, trajectory = finished_run(
        RunConfig("x^2 + 20y^2", (-4.0, 1.0), variant="momentum", learning_rate=0.01)
    )
    k = 5
    update = explain(run, trajectory, k).update
    step, state = by_hand(run, trajectory, k)
    assert_close_scaled(update.state["b"], state.slots["b"])
    np.testing.assert_array_equal(update.state["b"], trajectory.state("b")[k + 1])
    assert_close_scaled(update.step, step)
    text = as_text(explain(run, trajectory, k))
    assert "b₆ = momentum·b₅ + g₅" in text
    before = format_vector(trajectory.state("b")[k])
    assert f"= 0.9·{before} + {format_vector(trajectory.gradients[k])}" in text
    assert format_vector(trajectory.state("b")[k + 1]) in text


def test_adam_shows_moments_and_their_bias_corrected_forms() -> None:
    run, trajectory = finished_run(
        RunConfig(ROSENBROCK, (-1.5, 2.0), variant="adam", learning_rate=0.01, iterations=50)
    )
    k = 3
    example = explain(run, trajectory, k)
    update = example.update
    step, state = by_hand(run, trajectory, k)
    assert_close_scaled(update.step, step)
    for slot in ("m", "v"):
        assert_close_scaled(update.state[slot], state.slots[slot])
    t = k + 1
    assert update.t == t
    np.testing.assert_allclose(update.corrected["m"], update.state["m"] / (1 - 0.9**t))
    np.testing.assert_allclose(update.corrected["v"], update.state["v"] / (1 - 0.999**t))
    text = as_text(example)
    assert f"t = {t}" in text
    assert format_vector(update.corrected["m"]) in text
    assert format_vector(update.corrected["v"]) in text
    assert "1 − 0.9⁴" in text


@pytest.mark.parametrize("name", sorted(optimizers.VARIANTS))
def test_every_variant_is_written_out_and_matches_its_rule(name: str) -> None:
    run, trajectory = finished_run(
        RunConfig("x^2 + 3y^2 + x*y", (2.0, -1.0), variant=name, learning_rate=0.05, iterations=20)
    )
    k = 4
    update = explain(run, trajectory, k).update
    step, state = by_hand(run, trajectory, k)
    assert_close_scaled(update.step, step)
    for slot, value in state.slots.items():
        assert_close_scaled(update.state[slot], value)
    targets = [eq.target for eq in update.equations]
    assert targets[-1] == "step"
    assert len(targets) == len(run.variant.equations) + len(run.variant.step_equations)


def test_maximize_says_the_gradient_is_negated() -> None:
    run, trajectory = finished_run(
        RunConfig("-(x^2) - y^2", (1.0, 2.0), learning_rate=0.1, iterations=10, maximize=True)
    )
    example = explain(run, trajectory, 2)
    np.testing.assert_array_equal(example.update.used_gradient, -trajectory.gradients[2])
    step, _ = by_hand(run, trajectory, 2)
    assert_close_scaled(example.update.step, step)
    assert "the gradient is negated" in as_text(example)


def test_finite_differences_are_compared_with_the_exact_gradient() -> None:
    run, trajectory = finished_run(
        RunConfig(ROSENBROCK, (-1.5, 2.0), learning_rate=0.001, iterations=10, gradient="forward")
    )
    example = explain(run, trajectory, 4)
    exact = run.objective.gradient(trajectory.points[4])
    np.testing.assert_array_equal(example.exact_gradient, exact)
    np.testing.assert_allclose(example.absolute_error, np.abs(trajectory.gradients[4] - exact))
    relative = np.linalg.norm(trajectory.gradients[4] - exact) / np.linalg.norm(exact)
    assert example.relative_error == pytest.approx(relative)
    assert 0 < example.relative_error < 1e-3  # forward differences: small but not zero
    text = as_text(example)
    assert "forward difference" in text and format_vector(exact) in text


def test_exact_gradient_runs_show_no_comparison() -> None:
    run, trajectory = finished_run(RunConfig("x^2 + y^2", (1.0, 1.0), iterations=5))
    example = explain(run, trajectory, 1)
    assert example.exact_gradient is None and "difference" not in as_text(example)


def test_last_row_says_why_no_update_followed() -> None:
    run, trajectory = finished_run(RunConfig("x^2 + y^2", (1.0, 1.0), iterations=5))
    last = len(trajectory) - 1
    example = explain(run, trajectory, last)
    assert example.update is None
    assert run.outcome.message in example.no_update_reason
    run.outcome = None  # as while the run is still streaming
    assert "not been computed yet" in explain(run, trajectory, last).no_update_reason
    with pytest.raises(IndexError):
        explain(run, trajectory, last + 1)


def test_a_rebuilt_run_told_its_outcome_does_not_say_it_is_still_going() -> None:
    config = RunConfig("x^2 + 20y^2", (-4.0, 1.0), learning_rate=0.045, iterations=500)
    trajectory, outcome = run_to_end(config)
    rebuilt = Run(config)  # as the Compare dock makes one to inspect a finished run
    last = len(trajectory) - 1
    assert "still going" in explain(rebuilt, trajectory, last).no_update_reason
    told = explain(rebuilt, trajectory, last, outcome).no_update_reason
    assert "still going" not in told and outcome.message in told
