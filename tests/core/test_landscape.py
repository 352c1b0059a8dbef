"""Sampling f for drawing, choosing the view, contour levels and iso-line segments."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.landscape import (
    choose_range,
    contour_levels,
    contour_scale,
    contour_segments,
    grown_range,
    initial_view,
    sample_curve,
    sample_grid,
    value_range,
)
from gdexplorer.core.objective import build_objective

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


def test_grid_holds_f_at_its_coordinates() -> None:
    objective = build_objective("x^2 + 3y")
    grid = sample_grid(objective, (-1, 2), (0, 4), size=31)
    x, y = grid.coordinates
    assert grid.values.shape == (31, 31)
    assert grid.axes == (0, 1)
    np.testing.assert_allclose(grid.values, x[:, None] ** 2 + 3 * y[None, :])
    (x0, x1), (y0, y1) = grid.extent
    assert x0 < -1 < 2 < x1 and y0 < 0 < 4 < y1  # cells are centred on the samples


def test_grid_is_nan_where_f_is_undefined_without_warnings() -> None:
    objective = build_objective("log(x) + sqrt(y)")
    grid = sample_grid(objective, (-1, 1), (-1, 1), size=21)
    x, y = grid.coordinates
    undefined = (x[:, None] <= 0) | (y[None, :] < 0)
    assert np.all(np.isnan(grid.values[undefined]))
    assert np.all(np.isfinite(grid.values[~undefined]))


def test_slice_holds_the_other_variables_at_the_given_point() -> None:
    objective = build_objective("x^2 + y^2 + z^2")
    grid = sample_grid(objective, (-1, 1), (-2, 2), axes=(2, 0), through=(5.0, 7.0, 9.0), size=11)
    z, x = grid.coordinates
    np.testing.assert_allclose(grid.values, z[:, None] ** 2 + x[None, :] ** 2 + 49.0)
    np.testing.assert_array_equal(grid.through, [5.0, 7.0, 9.0])


def test_curve_of_one_variable() -> None:
    objective = build_objective("x^3 - x")
    curve = sample_curve(objective, (-2, 2), size=101)
    (x,) = curve.coordinates
    np.testing.assert_allclose(curve.values, x**3 - x)


def test_range_covers_start_path_and_minima_with_room() -> None:
    path = np.array([[0.0, 0.0], [1.0, 3.0], [np.inf, np.nan]])
    ranges = choose_range((-1.0, 2.0), path, minima=[(4.0, -1.0)], margin=0.25)
    (x0, x1), (y0, y1) = ranges
    assert x0 < -1 and x1 > 4 and y0 < -1 and y1 > 3
    assert x1 - x0 == pytest.approx(5 * 1.5)  # span 5 plus a quarter on each side
    assert np.isfinite([x0, x1, y0, y1]).all()  # the diverged point is ignored


def test_range_around_a_lone_start_is_not_empty() -> None:
    ((x0, x1),) = choose_range((3.0,))
    assert x0 < 3 < x1 and x1 - x0 >= 2


def test_value_range_ignores_a_pole_but_covers_included_values() -> None:
    x = np.linspace(-2, 2, 401)
    with np.errstate(divide="ignore"):
        values = np.where(x == 0, np.inf, 1 / np.abs(x))
    values[200] = 1e9  # a spike at the pole
    low, high = value_range(values, include=[30.0])
    assert high < 1e3 and high >= 30 and low < 0.5


def test_linear_levels_for_a_bowl() -> None:
    grid = sample_grid(build_objective("x^2 + y^2"), (-3, 3), (-3, 3))
    scale = contour_scale(grid.values, 10)
    assert not scale.log
    steps = np.diff(scale.levels)
    np.testing.assert_allclose(steps, steps[0])
    assert len(scale.levels) == 10
    assert grid.values.min() < scale.levels[0] and scale.levels[-1] < grid.values.max()


def test_log_levels_for_rosenbrock() -> None:
    grid = sample_grid(build_objective(ROSENBROCK), (-2, 2), (-1, 3))
    scale = contour_scale(grid.values, 12)
    assert scale.log
    distances = scale.levels - scale.floor
    ratios = distances[1:] / distances[:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # geometric in f - min f
    assert ratios[0] > 1.5
    assert scale.levels[0] - scale.floor < 1.0  # lines reach into the valley
    np.testing.assert_array_equal(contour_levels(grid.values, 12), scale.levels)
    colours = scale.colour_values(np.array([scale.floor, grid.values.max()]))
    assert colours == pytest.approx(scale.colour_range)


def test_levels_skip_nan_and_handle_a_flat_or_empty_grid() -> None:
    values = np.array([[np.nan, 1.0], [2.0, 3.0]])
    assert np.all(np.isfinite(contour_levels(values, 4)))
    assert contour_levels(np.full((3, 3), 2.0), 5).size == 0
    assert contour_levels(np.full((3, 3), np.nan), 5).size == 0


def test_segments_of_a_circle_lie_on_it() -> None:
    grid = sample_grid(build_objective("x^2 + y^2"), (-2, 2), (-2, 2), size=81)
    segments = contour_segments(grid, [1.0])
    assert len(segments) > 40 and len(segments) % 2 == 0
    radius = np.hypot(segments[:, 0], segments[:, 1])
    np.testing.assert_allclose(radius, 1.0, atol=2e-3)


def test_segments_stop_at_undefined_regions() -> None:
    grid = sample_grid(build_objective("sqrt(x) + y"), (-1, 1), (-1, 1), size=41)
    segments = contour_segments(grid, [0.5])
    assert len(segments) > 0
    assert np.all(segments[:, 0] >= 0)  # no line into x < 0 where f is NaN
    away = segments[segments[:, 0] > 0.1]  # away from the steep edge, interpolation is close
    np.testing.assert_allclose(np.sqrt(away[:, 0]) + away[:, 1], 0.5, atol=0.01)


def test_saddle_cells_get_two_segments() -> None:
    grid = sample_grid(build_objective("x*y"), (-1, 1), (-1, 1), size=2)
    segments = contour_segments(grid, [0.1])
    assert len(segments) == 4  # one cell, four crossings: two segments, none crossing the centre


def test_view_grows_to_the_path_but_never_shrinks_or_explodes() -> None:
    current = ((-1.0, 1.0), (-1.0, 1.0))
    assert grown_range(current, np.array([[0.5, 0.5]]), (2.0, 2.0)) == current
    (x0, x1), (y0, y1) = grown_range(current, np.array([[3.0, 0.0]]), (2.0, 2.0))
    assert x0 == -1.0 and x1 > 3.0 and (y0, y1) == (-1.0, 1.0)
    far = np.array([[1e100, -1e100], [np.nan, 0.0]])
    (x0, x1), (y0, y1) = grown_range(current, far, (2.0, 2.0), max_zoom_out=50)
    assert x1 - x0 <= 100 and y1 - y0 <= 100  # capped at 50 times the first span


def test_initial_view_uses_the_preset_range_or_covers_the_points() -> None:
    bowl = build_objective("x^2 + y^2 + z^2")
    view = initial_view(
        bowl, (2, 0), np.array([1.0, 2.0, 3.0]), plot_range=[(0, 1), (2, 3), (4, 5)]
    )
    assert view == ((4, 5), (0, 1))
    (x0, x1), (y0, y1) = initial_view(bowl, (0, 1), np.array([1.0, 2.0, 3.0]), minima=[(0, 0, 0)])
    assert x0 < 0 < 1 < x1 and y0 < 0 < 2 < y1
    parabola = build_objective("(x - 2)^2")
    (x0, x1), (f0, f1) = initial_view(parabola, (0,), np.array([10.0]), plot_range=[(-4, 12)])
    assert (x0, x1) == (-4, 12) and f0 < 0 and f1 > 64  # the curve over x, with f(start) = 64
