"""Newton's method: one update on a quadratic, SciPy's iterates on Rosenbrock, the non-PD fix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.curvature import curvature_at, largest_curvature
from gdexplorer.core.diagnosis import Outcome, RunFacts, RunTail, StopReason, diagnose
from gdexplorer.core.engine import make_run, record, run_to_end
from gdexplorer.core.objective import build_objective
from gdexplorer.core.stepsize.newton import newton_direction
from gdexplorer.core.stepsize.search_settings import LineSearchSettings
from gdexplorer.core.stepsize.worked import replay_update

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "reference" / "scipy_rosenbrock.json").read_text()
)
ROSENBROCK = REFERENCE["function"]


def _quadratic_text(matrix: np.ndarray, linear: np.ndarray) -> tuple[str, np.ndarray]:
    """½xᵀAx + bᵀx over x, y, z as typed text, and its minimizer −A⁻¹b."""
    names = ("x", "y", "z")[: len(linear)]
    terms = [
        f"{float(matrix[i, j]) / 2!r}*{a}*{b}"
        for i, a in enumerate(names)
        for j, b in enumerate(names)
    ]
    terms += [f"{float(linear[i])!r}*{a}" for i, a in enumerate(names)]
    return " + ".join(terms), -np.linalg.solve(matrix, linear)


@pytest.mark.parametrize("seed", range(6))
def test_newton_solves_a_positive_definite_quadratic_in_one_update(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = 2 + seed % 2
    factor = rng.normal(size=(d, d))
    matrix = factor @ factor.T + 0.5 * np.eye(d)
    function, minimizer = _quadratic_text(matrix, rng.normal(size=d))
    start = tuple(float(v) for v in rng.normal(scale=5, size=d))
    config = RunConfig(function, start, variant="newton", learning_rate=1.0, tol_grad=1e-8)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.GRADIENT_SMALL and outcome.iterations == 1
    scale = np.linalg.cond(matrix) * max(np.max(np.abs(start)), 1.0)
    assert_close_scaled(trajectory.points[1], minimizer, rtol=1e-13, scale=scale)
    assert trajectory.column("hessian_modified")[1] == 0


def test_newton_with_lr_takes_that_fraction_of_the_newton_step() -> None:
    trajectory, _ = run_to_end(
        RunConfig("x^2 + 4*y^2", (2.0, 1.0), variant="newton", learning_rate=0.5, iterations=3)
    )
    np.testing.assert_allclose(trajectory.points[1], [1.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(trajectory.points[3], [0.25, 0.125], rtol=1e-15)


def test_newton_on_rosenbrock_follows_scipys_iterates() -> None:
    config = RunConfig(ROSENBROCK, (-1.2, 1.0), variant="newton", learning_rate=1.0)
    trajectory, outcome = run_to_end(config)
    expected = np.array(REFERENCE["newton_points"])
    assert outcome.reason is StopReason.GRADIENT_SMALL and len(trajectory) == len(expected)
    assert outcome.iterations <= 7  # a handful
    assert_close_scaled(trajectory.points, expected, rtol=1e-12)


def test_newton_with_armijo_on_rosenbrock_follows_scipys_iterates() -> None:
    config = RunConfig(
        ROSENBROCK, (-1.2, 1.0), variant="newton", learning_rate=1.0,
        line_search=LineSearchSettings("armijo"),
    )  # fmt: skip
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.GRADIENT_SMALL
    assert trajectory.column("alpha")[1:].tolist() == REFERENCE["newton_armijo_alphas"]
    assert_close_scaled(trajectory.points, REFERENCE["newton_armijo_points"], rtol=1e-10)


def test_the_direction_is_modified_where_the_hessian_is_not_positive_definite() -> None:
    """f = x² − y² + y⁴ at (1, 0.1): H = diag(2, 12y² − 2) has a negative eigenvalue there."""
    config = RunConfig("x^2 - y^2 + y^4", (1.0, 0.1), variant="newton", learning_rate=1.0)
    run = make_run(config)
    trajectory = record(run)
    g = trajectory.gradients[0]
    hessian_y = 12 * 0.1**2 - 2
    expected = np.array([-g[0] / 2, -g[1] / abs(hessian_y)])  # −V·diag(1/|λ|)·Vᵀg, V = I
    np.testing.assert_allclose(trajectory.steps[1], expected, rtol=1e-14)
    assert trajectory.column("hessian_modified")[1] == 1
    assert float(g @ trajectory.steps[1]) < 0  # a descent direction all the same
    plain = -np.linalg.solve(np.diag([2.0, hessian_y]), g)
    assert plain[1] * g[1] > 0  # unmodified, the y step would climb toward the ridge y = 0
    update = replay_update(run, trajectory, 0)
    assert update is not None and update.newton is not None and update.newton.modified
    assert trajectory.points[-1][1] == pytest.approx(1 / np.sqrt(2), rel=1e-9)  # the minimum


def test_eigenvalues_at_or_near_zero_are_replaced_by_the_floor() -> None:
    singular = np.array([[1.0, 0.0], [0.0, 0.0]])
    found = newton_direction(singular, np.array([1.0, 1e-9]))
    assert found.modified
    np.testing.assert_allclose(found.direction, [-1.0, -0.1], rtol=1e-12)


def test_maximizing_uses_the_hessian_of_minus_f() -> None:
    trajectory, outcome = run_to_end(
        RunConfig("-(x - 1)^2 - 3*(y + 2)^2", (5.0, 5.0), variant="newton", learning_rate=1.0,
                  maximize=True)
    )  # fmt: skip
    assert outcome.iterations == 1
    np.testing.assert_allclose(trajectory.points[1], [1.0, -2.0], rtol=1e-14)


def test_the_curvature_shown_is_the_one_the_diagnosis_uses() -> None:
    objective = build_objective(ROSENBROCK)
    point = np.array([-1.2, 1.0])
    curvature = curvature_at(objective, point, maximize=False)
    assert curvature is not None
    x, y = point
    hessian = np.array([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]])
    np.testing.assert_allclose(curvature.eigenvalues, np.linalg.eigvalsh(hessian), rtol=1e-12)
    assert largest_curvature(objective, point, maximize=False) == curvature.largest
    assert curvature.rate_limit == pytest.approx(2 / curvature.largest, rel=1e-15)
    assert curvature.condition == pytest.approx(
        curvature.eigenvalues[1] / curvature.eigenvalues[0], rel=1e-15
    )


def test_a_diverging_newton_run_is_not_blamed_on_a_rate_limit() -> None:
    """Newton on x·atan(x) − ½log(1 + x²) from 1.5 overshoots farther each update."""
    config = RunConfig(
        "x*atan(x) - log(1 + x^2)/2", (1.5,), variant="newton", learning_rate=1.0, iterations=4
    )
    run = make_run(config)
    trajectory = record(run)
    assert np.all(np.diff(np.abs(trajectory.points[:, 0])) > 0)  # |x| grows at every update
    tail = RunTail(run.first_row, 1, maximize=False)
    tail.observe(trajectory.rows[1:])
    facts = RunFacts(run.config, run.objective, run.variant, run.hyperparameters, tail)
    outcome = diagnose(Outcome(StopReason.DIVERGED, 4, "Diverged after 4 iterations"), facts)
    assert "2/L" not in outcome.message and "quadratic model" in outcome.message


def test_the_newton_presets_show_one_update_and_a_handful() -> None:
    from gdexplorer.core.presets import get_preset

    trajectory, outcome = run_to_end(get_preset("newton-quadratic").config)
    assert outcome.reason.converged and outcome.iterations == 1
    np.testing.assert_allclose(trajectory.points[1], [0.0, 0.0], atol=1e-14)
    trajectory, outcome = run_to_end(get_preset("newton-rosenbrock").config)
    assert outcome.reason.converged and 3 <= outcome.iterations <= 7
    np.testing.assert_allclose(trajectory.points[-1], [1.0, 1.0], rtol=1e-8)


def test_the_worked_example_states_the_curvature_at_every_iterate() -> None:
    from gdexplorer.core.explain.example import as_text, explain

    config = RunConfig("x^2 + 10*y^2", (1.0, 1.0), learning_rate=0.12, iterations=3)
    run = make_run(config)
    text = as_text(explain(run, record(run), 2))
    assert "eigenvalues of ∇²f(x₂): (2, 20)" in text
    assert "κ = |λ|max / |λ|min = 10" in text
    assert "2/L: 0.1, plain gd's largest stable lr here (lr = 0.12 is above it)" in text
    newton = make_run(
        config.replace(variant="newton", function="x^2 - y^2 + y^4", start=(1.0, 0.1))
    )
    text = as_text(explain(newton, record(newton), 0))
    assert "not positive definite" in text and "modified: H is not positive definite" in text
    assert "lr = 0.12 is" not in text  # the gd limit is not Newton's
