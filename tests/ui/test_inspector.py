"""The inspector alone: the numbers it shows are the trajectory's and the update rule's."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core import optimizers
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run, record
from gdexplorer.core.explain.maths import format_vector
from gdexplorer.ui.views.inspector import PLACEHOLDER, Inspector

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


@pytest.fixture
def inspector(qtbot):
    widget = Inspector()
    qtbot.addWidget(widget)
    return widget


def finished(config: RunConfig):
    run = Run(config)
    return run, record(run)


def by_hand_step(run, trajectory, k) -> np.ndarray:
    slots = {slot: trajectory.state(slot)[k] for slot in run.variant.state_slots}
    step, _ = optimizers.update(
        run.variant,
        trajectory.gradients[k],
        optimizers.OptimizerState(k, slots),
        run.config.learning_rate,
        run.hyperparameters,
    )
    return step


@pytest.mark.parametrize(
    ("variant", "k", "slots"),
    [("gd", 9, ()), ("momentum", 6, ("b",)), ("adam", 12, ("m", "v"))],
)
def test_shown_numbers_match_the_trajectory_and_the_rule(inspector, variant, k, slots) -> None:
    run, trajectory = finished(
        RunConfig(ROSENBROCK, (-1.5, 2.0), variant=variant, learning_rate=0.001, iterations=30)
    )
    inspector.show_run(run, trajectory)
    inspector.show_iteration(k)
    shown = inspector.browser.toPlainText()
    assert f"Iteration k = {k}" in shown
    for row in (trajectory.points[k], trajectory.gradients[k], trajectory.points[k + 1]):
        assert format_vector(row) in shown
    assert format_vector(by_hand_step(run, trajectory, k)) in shown
    for slot in slots:
        assert format_vector(trajectory.state(slot)[k + 1]) in shown
    if variant == "adam":
        m_hat = trajectory.state("m")[k + 1] / (1 - 0.9 ** (k + 1))
        assert format_vector(m_hat) in shown
    np.testing.assert_array_equal(inspector.example.point, trajectory.points[k])


def test_last_iteration_and_clearing(inspector) -> None:
    run, trajectory = finished(RunConfig("x^2 + y^2", (1.0, 1.0), iterations=4))
    inspector.show_run(run, trajectory)
    inspector.show_iteration(99)  # clamped to the last row
    shown = inspector.browser.toPlainText()
    assert "No further update" in shown and run.outcome.message in shown
    inspector.clear_run()
    assert inspector.browser.toPlainText().startswith(PLACEHOLDER[:20])
    inspector.show_iteration(1)  # nothing to show: no error
    assert inspector.example is None


def test_finite_difference_run_shows_the_exact_gradient(inspector) -> None:
    run, trajectory = finished(
        RunConfig(ROSENBROCK, (-1.5, 2.0), learning_rate=0.001, iterations=5, gradient="central")
    )
    inspector.show_run(run, trajectory)
    inspector.show_iteration(2)
    shown = inspector.browser.toPlainText()
    assert format_vector(run.objective.gradient(trajectory.points[2])) in shown
    assert "relative error" in shown
