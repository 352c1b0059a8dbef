"""Armijo backtracking and the exact line search: conditions, closed forms, SciPy's numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import StopReason
from gdexplorer.core.engine import make_run, record, run_to_end
from gdexplorer.core.objective import build_objective
from gdexplorer.core.stepsize.direction_run import DirectionRun
from gdexplorer.core.stepsize.line_search import armijo, exact_bracketing, exact_quadratic
from gdexplorer.core.stepsize.search_settings import LineSearchSettings
from gdexplorer.core.stepsize.worked import replay_update

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "reference" / "scipy_rosenbrock.json").read_text()
)
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
ARMIJO = LineSearchSettings("armijo")
EXACT = LineSearchSettings("exact")

ARMIJO_CASES = [
    (ROSENBROCK, (-1.2, 1.0), 1.0, 0.5, 1e-4, False),
    (ROSENBROCK, (2.0, -1.0), 0.3, 0.7, 0.3, False),
    ("x^2 + 10*y^2", (3.0, 1.0), 5.0, 0.5, 1e-4, False),
    ("log(x) - x", (0.5,), 10.0, 0.5, 1e-4, True),  # maximize; big trial steps leave x > 0
    ("exp(x) + exp(-2*y) + x*y", (1.0, 1.0), 2.0, 0.3, 0.5, False),
]


@pytest.mark.parametrize(("function", "start", "lr", "shrink", "c", "maximize"), ARMIJO_CASES)
def test_armijo_accepts_where_the_condition_holds_and_rejects_where_it_fails(
    function: str, start: tuple[float, ...], lr: float, shrink: float, c: float, maximize: bool
) -> None:
    config = RunConfig(
        function, start, learning_rate=lr, iterations=40, maximize=maximize,
        line_search=LineSearchSettings("armijo", shrink, c),
    )  # fmt: skip
    run = make_run(config)
    trajectory = record(run)
    objective = build_objective(function)
    sign = -1.0 if maximize else 1.0
    assert len(trajectory) > 2
    for k in range(len(trajectory) - 1):
        x, g = trajectory.points[k], trajectory.gradients[k]
        d = -sign * g
        update = replay_update(run, trajectory, k)
        assert update is not None and update.search is not None
        trials = update.search.trials
        expected = [lr * shrink**i for i in range(len(trials))]
        np.testing.assert_allclose([t.alpha for t in trials], expected, rtol=1e-13)
        assert [t.accepted for t in trials] == [False] * (len(trials) - 1) + [True]
        for trial in trials:  # the condition, evaluated here from f itself
            value = sign * float(objective.value(x + trial.alpha * d))
            bound = sign * float(objective.value(x)) + c * trial.alpha * float(sign * g @ d)
            assert (value <= bound) is trial.accepted
        assert trajectory.column("alpha")[k + 1] == trials[-1].alpha
        assert trajectory.column("trials")[k + 1] == len(trials)
        assert np.array_equal(trajectory.steps[k + 1], trials[-1].alpha * d)


def test_armijo_gives_up_after_its_trials_with_a_reason() -> None:
    result = armijo(lambda a: math.nan, 0.0, -1.0, 1.0, 0.5, 1e-4)
    assert len(result.trials) == 60 and not result.found and math.isnan(result.alpha)
    assert "not defined at any point" in (result.failure or "")
    uphill = armijo(lambda a: a, 0.0, 1.0, 1.0, 0.5, 1e-4, max_trials=5)
    assert "not a descent direction" in (uphill.failure or "") and len(uphill.trials) == 5


def test_a_run_whose_search_fails_stops_with_its_own_reason() -> None:
    trajectory, outcome = run_to_end(RunConfig("log(x)", (1e-30,), line_search=ARMIJO))
    assert outcome.reason is StopReason.LINE_SEARCH_FAILED
    assert len(trajectory) == 1 and "60 trials" in outcome.message
    assert "\n" not in outcome.message


def test_exact_search_on_a_quadratic_takes_the_closed_form_step() -> None:
    """On x² + 10y² (H = diag(2, 20)) every step length is gᵀg / gᵀHg, to rounding."""
    config = RunConfig("x^2 + 10*y^2", (1.0, 1.0), iterations=200, line_search=EXACT)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.GRADIENT_SMALL
    hessian = np.diag([2.0, 20.0])
    g = trajectory.gradients[:-1]
    expected = np.einsum("ki,ki->k", g, g) / np.einsum("ki,ij,kj->k", g, hessian, g)
    alphas = trajectory.column("alpha")[1:]
    np.testing.assert_allclose(alphas, expected, rtol=1e-12, atol=0)
    assert np.all(trajectory.column("trials")[1:] == 1)  # decided symbolically: no search
    steps = trajectory.steps[1:]
    cosines = np.einsum("ki,ki->k", steps[1:], steps[:-1]) / (
        np.linalg.norm(steps[1:], axis=1) * np.linalg.norm(steps[:-1], axis=1)
    )
    assert np.all(np.abs(cosines) < 1e-9)  # each step at right angles to the one before


def test_exact_search_where_the_hessian_varies_finds_a_stationary_point_of_phi() -> None:
    config = RunConfig(ROSENBROCK, (-1.2, 1.0), iterations=30, line_search=EXACT)
    trajectory, _ = run_to_end(config)
    objective = build_objective(ROSENBROCK)
    for k in range(len(trajectory) - 1):
        g = trajectory.gradients[k]
        slope_after = float(objective.gradient(trajectory.points[k + 1]) @ -g)
        assert abs(slope_after) < 1e-6 * float(g @ g)  # φ′(α) ≈ 0 at the accepted α
        assert trajectory.values[k + 1] < trajectory.values[k]
        assert trajectory.column("trials")[k + 1] > 1


def test_exact_search_matches_scipy_brent_on_rosenbrock() -> None:
    alphas = REFERENCE["gd_exact_alphas"]
    config = RunConfig(ROSENBROCK, (-1.2, 1.0), iterations=len(alphas), line_search=EXACT)
    trajectory, _ = run_to_end(config)
    # A minimum located from f's values is known to about √ε ≈ 1.5e-8 relative (SciPy's is
    # polished as the root of φ′); each update starts where the last one ended, so that error
    # carries on, amplified by how sensitive α is to x: 1e-5 leaves room for it.
    np.testing.assert_allclose(trajectory.column("alpha")[1:], alphas, rtol=1e-5)
    assert_close_scaled(trajectory.points, REFERENCE["gd_exact_points"], rtol=1e-6)


def test_exact_search_says_when_there_is_no_minimum_along_the_ray() -> None:
    flat = exact_quadratic(lambda a: -a, -1.0, 0.0)
    assert not flat.found and "falls without bound" in (flat.failure or "")
    falling = exact_bracketing(lambda a: -(a**3), 0.0, -1e-3, 1.0)
    assert not falling.found and "kept falling" in (falling.failure or "")
    trajectory, outcome = run_to_end(RunConfig("x - y^2", (0.0, 1.0), line_search=EXACT))
    assert outcome.reason is StopReason.LINE_SEARCH_FAILED and len(trajectory) == 1


def test_brent_reaches_the_minimum_of_a_smooth_function_to_root_epsilon() -> None:
    minimum = 0.7318

    def phi(alpha: float) -> float:
        return math.cosh(3 * (alpha - minimum))

    for guess in (1e-4, 0.01, 0.5, 3.0, 100.0):
        result = exact_bracketing(phi, phi(0), -3 * math.sinh(3 * minimum), guess)
        assert result.found and abs(result.alpha - minimum) < 1e-7
    assert sum(t.accepted for t in result.trials) >= 1


def test_line_search_runs_use_their_own_loop_and_record_their_columns() -> None:
    run = make_run(RunConfig("x^2", (1.0,), line_search=ARMIJO))
    assert isinstance(run, DirectionRun)
    assert run.columns[-2:] == ("alpha", "trials")
    assert math.isnan(run.first_row[-2]) and run.first_row[-1] == 0


def test_the_zigzag_preset_turns_at_right_angles_down_the_valley() -> None:
    from gdexplorer.core.presets import get_preset

    preset = get_preset("exact-line-search-zigzag")
    assert preset.config.line_search == EXACT
    trajectory, outcome = run_to_end(preset.config)
    assert outcome.reason.converged and outcome.iterations > 10
    steps = trajectory.steps[1:]
    dots = np.einsum("ki,ki->k", steps[1:], steps[:-1])
    sizes = np.linalg.norm(steps[1:], axis=1) * np.linalg.norm(steps[:-1], axis=1)
    assert np.all(np.abs(dots) < 1e-9 * sizes)


def test_a_zero_gradient_gives_a_zero_step_not_a_failure() -> None:
    for settings in (ARMIJO, EXACT):
        config = RunConfig("(x - 1)^4 + y^4", (1.0, 0.0), iterations=3, tol_grad=0)
        trajectory, outcome = run_to_end(config.replace(line_search=settings))
        assert outcome.reason is StopReason.MAX_ITERATIONS and len(trajectory) == 4
        assert np.all(trajectory.steps == 0)


def test_with_several_minima_along_the_ray_the_search_takes_a_local_minimum_of_phi() -> None:
    """x⁴ − 3x² + x from x = 2 along Newton's direction: minima of φ at x ≈ 1.13 and −1.30;
    the bracket grown from the model's minimizer (x = 1.5) steps over the nearer one."""
    config = RunConfig("x^4 - 3x^2 + x", (2.0,), variant="newton", learning_rate=1.0,
                       line_search=EXACT, iterations=1)  # fmt: skip
    trajectory, _ = run_to_end(config)
    landed = trajectory.points[1, 0]
    assert landed == pytest.approx(-1.3008395656679863, abs=1e-7)
    assert abs(4 * landed**3 - 6 * landed + 1) < 1e-6  # φ′(α) = f′(x)·d = 0 there
