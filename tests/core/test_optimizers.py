"""Every variant against trajectories derived by hand from PyTorch's update equations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numeric import assert_close_along_path

from gdexplorer.core import optimizers
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end

# f(x, y) = 1.5 x^2 + 0.25 y^2 - x y / 4 + x has gradient (3x - y/4 + 1, y/2 - x/4).
FUNCTION = "1.5*x^2 + 0.25*y^2 - x*y/4 + x"
START = (2.0, -3.0)


def grad(p: list[float]) -> list[float]:
    x, y = p
    return [3 * x - y / 4 + 1, y / 2 - x / 4]


def by_hand(variant: str, lr: float, steps: int, maximize: bool = False) -> list[list[float]]:
    """The issue's equations, written out independently of gdexplorer.core.optimizers."""
    p = list(START)
    path = [p[:]]
    b = [0.0, 0.0]
    s = [0.0, 0.0]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    for t in range(1, steps + 1):
        g = [-gi if maximize else gi for gi in grad(p)]
        for i in range(2):
            if variant == "gd":
                p[i] -= lr * g[i]
            elif variant in ("momentum", "nesterov"):
                b[i] = g[i] if t == 1 else 0.9 * b[i] + g[i]
                p[i] -= lr * (b[i] if variant == "momentum" else g[i] + 0.9 * b[i])
            elif variant == "adagrad":
                s[i] += g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(s[i]) + 1e-10)
            elif variant == "rmsprop":
                s[i] = 0.99 * s[i] + 0.01 * g[i] ** 2
                p[i] -= lr * g[i] / (math.sqrt(s[i]) + 1e-8)
            elif variant == "adam":
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2
                m_hat = m[i] / (1 - 0.9**t)
                v_hat = v[i] / (1 - 0.999**t)
                p[i] -= lr * m_hat / (math.sqrt(v_hat) + 1e-8)
        path.append(p[:])
    return path


@pytest.mark.parametrize("variant", list(optimizers.VARIANTS))
@pytest.mark.parametrize("maximize", [False, True])
def test_engine_follows_the_hand_derived_trajectory(variant: str, maximize: bool) -> None:
    lr = 0.05
    config = RunConfig(
        FUNCTION, START, variant=variant, learning_rate=lr, iterations=60, tol_grad=0,
        maximize=maximize,
    )  # fmt: skip
    trajectory, outcome = run_to_end(config)
    expected = np.array(by_hand(variant, lr, 60, maximize))
    if outcome.reason.value == "diverged":  # maximizing a bowl climbs without bound
        expected = expected[: len(trajectory)]
    assert_close_along_path(trajectory.points, expected)
    # the recorded f is the user's f, also when maximizing
    x, y = trajectory.points[:, 0], trajectory.points[:, 1]
    np.testing.assert_allclose(
        trajectory.values, 1.5 * x**2 + 0.25 * y**2 - x * y / 4 + x, rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("variant", list(optimizers.VARIANTS))
def test_numpy_update_matches_the_fused_loop(variant: str) -> None:
    """optimizers.update (numpy) and the generated loop give the same path and state."""
    config = RunConfig(
        "(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), variant=variant, learning_rate=1e-4,
        iterations=300, tol_grad=0,
    )  # fmt: skip
    trajectory, _ = run_to_end(config)
    spec = optimizers.get_variant(variant)
    point = np.array(config.start)
    state = optimizers.init(spec, point)
    for k in range(1, len(trajectory)):
        x, y = point
        g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        step, state = optimizers.update(spec, g, state, config.learning_rate)
        point = point + step
        np.testing.assert_allclose(trajectory.points[k], point, rtol=1e-10)
        np.testing.assert_allclose(trajectory.steps[k], step, rtol=1e-8, atol=1e-15)
        for slot in spec.state_slots:
            np.testing.assert_allclose(trajectory.state(slot)[k], state.slots[slot], rtol=1e-8)


def test_update_works_on_many_runs_at_once() -> None:
    spec = optimizers.get_variant("adam")
    grads = np.array([[1.0, -2.0], [0.5, 4.0], [3.0, 0.0]])
    state = optimizers.init(spec, grads)
    lr = np.array([[0.1], [0.01], [1.0]])
    step, state = optimizers.update(spec, grads, state, lr)
    # at t = 1 Adam's step is lr * sign(g) up to eps
    np.testing.assert_allclose(step, -lr * np.sign(grads), atol=1e-7)
    assert state.t == 1


# Known minima: every variant must get there with a learning rate suited to it.
TABLE = [
    ("x^2 - 4*x + 4", (10.0,), (2.0,)),
    ("x^2 + y^2", (2.0, 2.0), (0.0, 0.0)),
    ("x^2 - 2*x + y^2 + z^2 + z*y", (2.0, -5.0, 7.0), (1.0, 0.0, 0.0)),
    ("(x - 3)^2 + 10*(y + 1)^2", (0.0, 0.0), (3.0, -1.0)),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.5, 0.5), (3.0, 2.0)),
]
LEARNING_RATES = {"gd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5,
                  "rmsprop": 0.01, "adam": 0.05}  # fmt: skip


@pytest.mark.parametrize("variant", list(optimizers.VARIANTS))
@pytest.mark.parametrize(("function", "start", "minimum"), TABLE)
def test_every_variant_reaches_known_minima(variant, function, start, minimum) -> None:
    config = RunConfig(
        function, start, variant=variant, learning_rate=LEARNING_RATES[variant],
        iterations=50_000, tol_grad=1e-7,
    )  # fmt: skip
    trajectory, outcome = run_to_end(config)
    assert not np.any(np.isnan(trajectory.rows))
    np.testing.assert_allclose(trajectory.points[-1], minimum, atol=2e-3)
    assert outcome.reason.value in ("gradient_small", "max_iterations")


def test_unknown_variant_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="choose one of gd, momentum, nesterov"):
        optimizers.get_variant("adamw")
