"""Stop messages that are true: every message is checked against the trajectory it describes.

The property tests run every variant with every gradient mode over functions that converge,
oscillate, diverge slowly or fast, fall without bound, or defeat a finite difference, and check
each message against evidence computed here independently of the diagnosis: the exact gradient
at the last row, the update that would follow it, the growth of the steps, the fall of f.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from gdexplorer.cli import main
from gdexplorer.core.config import RunConfig
from gdexplorer.core.curvature import constant_curvature, largest_curvature
from gdexplorer.core.diagnosis import TAIL_ROWS, RunTail
from gdexplorer.core.engine import DIVERGENCE_LIMIT, StopReason, run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import GRADIENT_MODES, make_gradient
from gdexplorer.core.objective import build_objective
from gdexplorer.core.optimizers import VARIANTS, OptimizerState, get_variant, update
from gdexplorer.core.stepsize.search_settings import LineSearchSettings
from gdexplorer.core.summary import settings_with_outcome

# function, start, learning rates, extra settings: together they reach every stop reason
CASES = {
    "quadratic": ("x^2 + 10y^2", (3.0, 2.0), (0.02, 0.09, 0.11, 0.3), {}),
    "cubic, coarse h": ("x^3 + y^2", (1.0, 1.0), (0.01,), {"h": 0.5, "iterations": 2000}),
    "unbounded": ("3 - (x-1)^2 - 2(y+2)^2", (0.0, 0.0), (0.1,), {}),
    "rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), (0.001, 0.01), {}),
    "quartic": ("x^4 + y^2", (3.0, 2.0), (0.03, 0.5), {}),
    "maximize": ("-(x^2) - y^2 + x*y", (1.0, 2.0), (0.1, 2.5), {"maximize": True}),
    "unbounded above": ("(x-1)^2 + y^2", (0.0, 1.0), (0.2,), {"maximize": True}),
}
CONFIGS = [
    pytest.param(
        RunConfig(function, start, variant=variant, learning_rate=rate, gradient=mode)
        .replace(iterations=400)
        .replace(**extra),
        id=f"{name}-{rate}-{variant}-{mode}",
    )
    for name, (function, start, rates, extra) in CASES.items()
    for rate in rates
    for variant in VARIANTS
    for mode in GRADIENT_MODES
]


def _objective_sign(config: RunConfig) -> float:
    return -1.0 if config.maximize else 1.0


def _next_update_overflows(config: RunConfig, trajectory) -> bool:
    """Whether the update after the last row leaves the finite range, recomputed here."""
    variant = get_variant(config.variant)
    objective = build_objective(config.function)
    last = len(trajectory) - 1
    slots = {s: trajectory.state(s)[last] for s in variant.state_slots}
    hyper = variant.hyperparameters(config.hyperparameter_overrides())
    with np.errstate(all="ignore"):
        step, _ = update(
            variant, trajectory.gradients[last], OptimizerState(last, slots),
            config.learning_rate, hyper, config.maximize,
        )  # fmt: skip
        point = trajectory.points[last] + step
        value = float(objective.value(point))
        grad = make_gradient(objective, config.gradient, config.h)(point)
    sizes = np.array([abs(value), *np.abs(grad), *np.abs(step), *np.abs(point)])
    return not np.all(sizes < DIVERGENCE_LIMIT)


def _steps_grew(config: RunConfig, trajectory) -> bool:
    """The steps at the end are 10x those earlier in the last rows, and f got worse."""
    norms = np.linalg.norm(trajectory.steps[1:], axis=1)[-TAIL_ROWS:]
    values = _objective_sign(config) * trajectory.values
    return norms[-1] > 10 * norms.min() and values[-1] > values[0]


def assert_message_is_true(config: RunConfig, trajectory, outcome) -> None:
    """Every claim the message makes is checked against the rows."""
    objective = build_objective(config.function)
    last = len(trajectory) - 1
    message = outcome.message
    assert outcome.iterations == last  # the playback's last row is the one the message names
    for number in re.findall(r"after ([\d,]+) iterations", message):
        assert int(number.replace(",", "")) == last
    exact = float(np.linalg.norm(objective.gradient(trajectory.points[last])))
    if "Converged" in message:
        step = float(np.linalg.norm(trajectory.steps[last]))
        assert exact < config.tol_grad * (1 + 1e-9) or step < config.tol_step
        assert outcome.reason.converged
    if "Diverg" in message:
        assert outcome.reason is StopReason.DIVERGED
        assert _next_update_overflows(config, trajectory) or _steps_grew(config, trajectory)
    if outcome.reason is StopReason.UNBOUNDED:
        values = _objective_sign(config) * trajectory.values
        assert values[-1] < values[0] and np.all(np.diff(values[-(len(values) // 2) :]) <= 0)
        assert _next_update_overflows(config, trajectory)
        assert ("unbounded above" in message) == config.maximize
    if outcome.reason is StopReason.PRECISION_LOST:
        assert config.gradient != "symbolic" and exact >= config.tol_grad
        approximate = make_gradient(objective, config.gradient, config.h)
        error = np.linalg.norm(approximate(trajectory.points[last]) - objective.gradient(
            trajectory.points[last]))  # fmt: skip
        assert error >= 0.5 * exact
        assert f"h = {config.h:g}" in message
    if outcome.reason is StopReason.GRADIENT_SMALL:
        assert np.linalg.norm(trajectory.gradients[last]) < config.tol_grad
    if "may be unbounded" in message:
        values = _objective_sign(config) * trajectory.values
        assert np.all(np.diff(values[-16:]) <= 0) and values[-1] < values[0] - 10
    assert_nothing_plain_is_missed(config, trajectory, outcome)


def assert_nothing_plain_is_missed(config: RunConfig, trajectory, outcome) -> None:
    """The converse: what the rows show plainly, the message says."""
    values = _objective_sign(config) * trajectory.values
    norms = np.linalg.norm(trajectory.steps[1:], axis=1)[-TAIL_ROWS:]
    growing = len(norms) >= 16 and np.all(np.diff(norms[-len(norms) // 2 :]) > 0)
    if growing and norms[-1] > 1e3 * norms[0] and values[-1] > values[0]:
        assert outcome.reason is StopReason.DIVERGED  # a plain geometric growth
    overflowed = len(trajectory) <= config.iterations and _next_update_overflows(config, trajectory)
    if overflowed and len(values) > 3 and np.all(np.diff(values) < 0):
        assert outcome.reason is StopReason.UNBOUNDED  # f fell at every step until it overflowed


@pytest.mark.parametrize("config", CONFIGS)
def test_every_message_is_true_for_every_variant_and_gradient_mode(config: RunConfig) -> None:
    trajectory, outcome = run_to_end(config)
    assert_message_is_true(config, trajectory, outcome)


def test_the_cases_reach_every_reason_the_loop_can_give() -> None:
    reasons = set()
    for (config,), _, _ in CONFIGS[:: max(1, len(CONFIGS) // 200)]:
        reasons.add(run_to_end(config)[1].reason)
    reasons |= {
        run_to_end(RunConfig("log(x)", (1.0,), learning_rate=2.0))[1].reason,
        run_to_end(RunConfig("x^2", (1.0,), iterations=3, tol_grad=0))[1].reason,
        run_to_end(RunConfig("x^2", (1.0,), tol_grad=0, tol_step=1e-3))[1].reason,
        run_to_end(  # Armijo backtracking: every trial step leaves f's domain
            RunConfig("log(x)", (1e-30,), line_search=LineSearchSettings())
        )[1].reason,
    }
    assert reasons >= set(StopReason) - {StopReason.CANCELLED}


# -- the examples ------------------------------------------------------------------


def test_a_difference_that_cancels_far_away_is_lost_precision_not_convergence() -> None:
    config = RunConfig(
        "x^3 + y^2", (1.0, 1.0), learning_rate=0.01, iterations=2000, gradient="central", h=0.5
    )
    trajectory, outcome = run_to_end(config)
    x, value = trajectory.points[-1, 0], trajectory.values[-1]
    assert outcome.reason is StopReason.PRECISION_LOST and not outcome.reason.converged
    assert x < -1e20 and value < -1e61 and np.all(trajectory.gradients[-1] == 0)
    assert outcome.message.startswith(
        f"Not converged after {len(trajectory) - 1} iterations: the central-difference gradient "
        f"lost all precision at |x| ≈ {abs(x):.2g}: h = 0.5 is too small a step against values "
        f"of f ≈ {value:.2g}"
    )
    assert "Converged" not in outcome.message


@pytest.mark.parametrize("mode", ["central", "forward"])
@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e8, 1e20])
def test_h_at_or_below_the_float_spacing_of_the_start_is_refused(mode: str, scale: float) -> None:
    gap = float(np.spacing(scale))
    config = RunConfig("x^2 + y^2", (scale, -scale / 2), gradient=mode, iterations=5)
    if gap < 1:
        with pytest.raises(ConfigError, match="below machine precision at the start") as error:
            run_to_end(config.replace(h=gap))
        assert "\n" not in str(error.value)
    if 4 * gap <= 1:
        run_to_end(config.replace(h=4 * gap))  # above the spacing: accepted


def test_the_command_line_refuses_a_tiny_h_in_one_line(capsys) -> None:
    status = main(["run", "-f", "x^3 + y^2", "--start=1,1", "--gradient", "central",
                   "--h", "1e-17"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert status == 2 and "\n" not in err and "h = 1e-17 is below machine precision" in err


@pytest.mark.parametrize("maximize", [False, True])
def test_an_unbounded_f_is_named_not_blamed_on_the_learning_rate(maximize: bool) -> None:
    sign = -1 if maximize else 1
    function = "3 - (x-1)^2 - 2(y+2)^2" if not maximize else "(x-1)^2 + 2(y+2)^2 - 3"
    trajectory, outcome = run_to_end(RunConfig(function, (0.0, 0.0), maximize=maximize))
    assert outcome.reason is StopReason.UNBOUNDED
    assert np.all(np.diff(sign * trajectory.values) < 0)
    goal = ("above", "maximum", "Minimize") if maximize else ("below", "minimum", "Maximize")
    assert outcome.message.startswith(
        f"f is unbounded {goal[0]} along this path: there is no {goal[1]} to find "
        f"(did you mean {goal[2]}?)"
    )
    assert f"{trajectory.values[-1]:.3g} after {len(trajectory) - 1} iterations" in outcome.message
    assert "learning rate" not in outcome.message


def test_a_slowly_growing_oscillation_is_diverging_and_names_two_over_l() -> None:
    config = RunConfig("x^2 + 10y^2", (3.0, 2.0), learning_rate=0.11, iterations=200)
    trajectory, outcome = run_to_end(config)
    assert len(trajectory) == 201 and outcome.reason is StopReason.DIVERGED
    # y is multiplied by 1 - 0.11 * 20 = -1.2 at every step: an oscillation growing 20% a step
    np.testing.assert_allclose(trajectory.points[1:, 1] / trajectory.points[:-1, 1], -1.2)
    assert outcome.message.startswith(  # the cause first: a narrow status bar keeps the start
        f"Diverging after 200 iterations (f ≈ {trajectory.values[-1]:.3g}): "
        "lr = 0.11 is above 2/L = 0.1 (L = 20, the largest curvature); "
        "an oscillation of growing size"
    )


@pytest.mark.parametrize(
    ("variant", "rate", "words"),
    [
        ("momentum", 0.2, "lr = 0.2 is above 2(1+μ)/L = 0.19 (μ = 0.9, L = 20"),
        ("nesterov", 0.11, "lr = 0.11 is above 2(1+μ)/((1+2μ)L) = 0.0679 (μ = 0.9, L = 20"),
    ],
)
def test_momentum_variants_name_their_own_limit(variant: str, rate: float, words: str) -> None:
    config = RunConfig("x^2 + 10y^2", (3.0, 2.0), variant=variant, learning_rate=rate)
    _, outcome = run_to_end(config.replace(iterations=150))
    assert outcome.reason is StopReason.DIVERGED and words in outcome.message


def test_below_the_limit_the_same_oscillation_decays_and_converges() -> None:
    config = RunConfig("x^2 + 10y^2", (3.0, 2.0), learning_rate=0.099, iterations=5000)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.GRADIENT_SMALL
    assert outcome.message.startswith("Converged")


def test_a_varying_curvature_is_named_at_the_start() -> None:
    trajectory, outcome = run_to_end(RunConfig("x^4 + y^2", (3.0, 2.0), learning_rate=0.5))
    assert outcome.reason is StopReason.DIVERGED
    curvature = 12 * 3.0**2  # d²(x^4)/dx² at x = 3 is larger than d²(y^2)/dy² = 2
    match = re.search(r"2/L = ([\d.e+-]+) at the start \(L = ([\d.e+-]+),", outcome.message)
    assert match is not None
    assert float(match.group(2)) == pytest.approx(curvature, rel=1e-3)
    assert float(match.group(1)) == pytest.approx(2 / curvature, rel=1e-2)


@pytest.mark.parametrize("variant", ["adagrad", "rmsprop", "adam"])
def test_adaptive_variants_never_claim_a_two_over_l_limit(variant: str) -> None:
    config = RunConfig("exp(x^2) + y^2", (2.0, 1.0), variant=variant, learning_rate=3.0)
    trajectory, outcome = run_to_end(config.replace(iterations=300))
    assert_message_is_true(config.replace(iterations=300), trajectory, outcome)
    assert "is above 2/L" not in outcome.message


@pytest.mark.parametrize("variant", ["gd", "momentum", "nesterov", "rmsprop", "adam"])
def test_at_the_limit_an_f_that_keeps_falling_may_be_unbounded(variant: str) -> None:
    config = RunConfig("x + y^2", (1.0, 1.0), variant=variant, learning_rate=0.1)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.MAX_ITERATIONS and len(trajectory) == 1001
    assert_message_is_true(config, trajectory, outcome)
    assert outcome.message.startswith(
        f"Stopped after 1,000 iterations without converging: f fell at every step, to "
        f"{trajectory.values[-1]:.3g}, with steps that are not shrinking — it may be unbounded "
        "below (did you mean Maximize?)"
    )
    _, slow = run_to_end(config.replace(function="(1 - x)^2 + 100(y - x^2)^2", start=(-1.5, 2)))
    assert "unbounded" not in slow.message  # Rosenbrock's slow crawl is bounded below


# -- the evidence the runs keep -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_the_tail_keeps_the_last_rows_and_the_best_value_whatever_the_batches(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(1000, 7))
    tail = RunTail(rows[0], dimension=2, maximize=bool(seed % 2))
    cuts = np.sort(rng.choice(np.arange(2, 1000), size=6, replace=False))
    for block in np.split(rows[1:], cuts - 1):
        tail.observe(block)
    np.testing.assert_array_equal(tail.rows, rows[-TAIL_ROWS:])
    values = (-1 if seed % 2 else 1) * rows[:, 2]
    assert tail.best_index == int(np.argmin(values)) and tail.count == 1000
    np.testing.assert_array_equal(tail.best_point, rows[tail.best_index, :2])


# -- the same text everywhere ---------------------------------------------------------------


def test_the_exported_settings_carry_the_outcome_and_read_back_without_it(tmp_path, capsys):
    path = tmp_path / "run.csv"
    argv = ["run", "-f", "x^2 + 10y^2", "--start=3,2", "--lr", "0.11", "--iterations", "200"]
    assert main([*argv, "--output", str(path)]) == 0
    printed = capsys.readouterr().out
    settings = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    outcome = settings["outcome"]
    assert outcome["reason"] == "diverged" and outcome["iterations"] == 200
    assert printed.startswith(outcome["message"] + ". ")
    config = RunConfig.from_dict(settings)
    assert config == RunConfig.from_dict({k: v for k, v in settings.items() if k != "outcome"})
    _, again = run_to_end(config)
    assert settings_with_outcome(config, again) == settings


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("maximize", [False, True])
def test_curvature_is_the_largest_hessian_eigenvalue(seed: int, maximize: bool) -> None:
    rng = np.random.default_rng(seed)
    a, b, c = (float(v) for v in rng.uniform(-3, 3, size=3))
    quadratic = build_objective(f"{a!r}*x^2 + {b!r}*x*y + {c!r}*y^2 + x")
    hessian = np.array([[2 * a, b], [b, 2 * c]]) * (-1 if maximize else 1)
    expected = np.linalg.eigvalsh(hessian)[-1]
    assert constant_curvature(quadratic, maximize) == pytest.approx(expected, rel=1e-12)
    quartic = build_objective("x^4 + x*y + y^2")
    assert constant_curvature(quartic, maximize) is None
    point = rng.uniform(-2, 2, size=2)
    exact = np.array([[12 * point[0] ** 2, 1.0], [1.0, 2.0]]) * (-1 if maximize else 1)
    found = largest_curvature(quartic, point, maximize)
    assert found == pytest.approx(np.linalg.eigvalsh(exact)[-1], rel=1e-6, abs=1e-6)
