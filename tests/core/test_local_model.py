"""The local quadratic model at x_k and its level ellipses in a plane."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.objective import build_objective
from gdexplorer.core.stepsize.local_model import local_model, plane_ellipses


def test_the_model_matches_f_to_second_order() -> None:
    objective = build_objective("exp(x/2) + x*y^2 + cos(y)")
    point = np.array([0.3, -0.7])
    model = local_model(objective, point)
    assert model is not None
    for size in (1e-2, 1e-3):
        offsets = size * np.array([[1.0, 0.0], [0.6, -0.8], [-0.3, 0.4]])
        error = np.abs(model(point + offsets) - objective.value(point + offsets))
        assert np.all(error < 5 * size**3)  # the Taylor remainder is third order


def test_on_a_quadratic_the_model_is_f_and_newton_lands_on_its_minimum() -> None:
    objective = build_objective("2*x^2 + x*y + y^2 - 3*x + y")
    model = local_model(objective, np.array([4.0, -2.0]))
    assert model is not None and model.kind == "minimum"
    grid = np.random.default_rng(0).normal(scale=3, size=(20, 2))
    np.testing.assert_allclose(model(grid), objective.value(grid), rtol=1e-13)
    target = model.stationary_point
    assert target is not None
    np.testing.assert_allclose(objective.gradient(target), [0.0, 0.0], atol=1e-13)


@pytest.mark.parametrize(
    ("function", "point", "axes"),
    [
        ("(1 - x)^2 + 100*(y - x^2)^2", (-0.9, 0.8), (0, 1)),
        ("x^2 + 3*y^2 + z^2 + x*z + sin(y*z)", (1.0, 0.5, -1.0), (0, 2)),
    ],
)
def test_the_ellipses_are_exact_level_lines_in_the_plane(function, point, axes) -> None:
    model = local_model(build_objective(function), np.array(point))
    assert model is not None
    ellipses = plane_ellipses(model, axes)
    assert ellipses is not None
    full = np.broadcast_to(model.point, (len(ellipses.through), len(point))).copy()
    full[:, list(axes)] = ellipses.through
    np.testing.assert_allclose(model(full), model.value, rtol=1e-11)
    inner, outer = ellipses.others[0], ellipses.others[-1]
    full[:, list(axes)] = inner
    assert np.all(model(full) < model.value)  # the smaller ellipses lie lower
    full[:, list(axes)] = outer
    assert np.all(model(full) > model.value)


def test_a_saddle_has_no_ellipses() -> None:
    model = local_model(build_objective("x^2 - y^2"), np.array([1.0, 1.0]))
    assert model is not None and model.kind == "saddle"
    assert plane_ellipses(model, (0, 1)) is None
