"""The 3-D surface's numbers: mesh, heights, colours, the path resting on it, the arrow."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.landscape import Landscape, contour_scale, sample_grid
from gdexplorer.core.objective import build_objective
from gdexplorer.core.surface import (
    AMBIENT,
    ARROW_LENGTH,
    HEIGHT,
    LIFT,
    LIGHT,
    UNDEFINED,
    SurfaceFrame,
    descent_arrow,
    surface_mesh,
)

GREY = np.linspace(0.0, 1.0, 256)[:, None].repeat(3, axis=1)
"""A lookup table whose entry i is grey level i / 255: colours can be read back as heights."""
ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


def grid(text: str, x=(-2.0, 2.0), y=(-1.0, 3.0), size: int = 81) -> Landscape:
    return sample_grid(build_objective(text, ("x", "y")), x, y, size=size)


def test_the_region_fills_the_box_and_heights_span_it():
    mesh = surface_mesh(grid("x^2 + y^2", (-1.0, 3.0), (-2.0, 2.0)), GREY)
    assert mesh.x[0] == pytest.approx(-1.0) and mesh.x[-1] == pytest.approx(1.0)
    assert mesh.y[0] == pytest.approx(-1.0) and mesh.y[-1] == pytest.approx(1.0)
    assert mesh.heights.min() == pytest.approx(0.0, abs=1e-6)
    assert mesh.heights.max() == pytest.approx(HEIGHT, rel=1e-6)
    low = np.unravel_index(np.argmin(mesh.heights), mesh.heights.shape)
    assert mesh.x[low[0]] == pytest.approx(-0.5, abs=0.03)  # x = 0 in [-1, 3]
    assert mesh.y[low[1]] == pytest.approx(0.0, abs=0.03)


def test_a_bowl_has_linear_heights_and_rosenbrock_log_heights_as_the_contour():
    bowl, banana = grid("x^2 + y^2", (-2.0, 2.0), (-2.0, 2.0)), grid(ROSENBROCK)
    for landscape in (bowl, banana):
        mesh = surface_mesh(landscape, GREY)
        assert mesh.frame.scale.log == contour_scale(landscape.values).log
    bowl_mesh = surface_mesh(bowl, GREY)
    assert not bowl_mesh.frame.scale.log and "log" not in bowl_mesh.frame.height_label
    values = bowl.values
    expected = (values - values.min()) / (values.max() - values.min()) * HEIGHT
    np.testing.assert_allclose(bowl_mesh.heights, expected, atol=1e-5)
    banana_mesh = surface_mesh(banana, GREY)
    assert banana_mesh.frame.scale.log and "log" in banana_mesh.frame.height_label
    # on log heights the valley is not a flat floor: half the box's height is used by
    # points where f is below a tenth of its range (linear heights would put them all < 0.1)
    low_half = banana_mesh.heights < HEIGHT / 2
    assert np.all(banana.values[low_half] < 0.1 * np.nanmax(banana.values))
    assert low_half.mean() > 0.2


def test_colours_follow_the_height_through_the_lookup_and_the_light():
    ramp = surface_mesh(grid("x"), GREY)  # a tilted plane: one shade everywhere
    level = ramp.heights / HEIGHT * 255
    grey = np.rint(level) / 255  # the lookup entry each vertex takes
    inner = (ramp.heights > 0.1) & (np.abs(level - np.floor(level) - 0.5) > 0.01)  # no ties
    shade = ramp.colours[..., 0][inner] / grey[inner]
    assert np.ptp(shade) < 1e-4  # the grey level over the height is one constant shade
    assert AMBIENT < shade.mean() <= 1.0
    np.testing.assert_array_equal(ramp.colours[..., 3], 1.0)
    values = np.full((9, 9), 2.0)  # f constant: mid-height, facing straight up
    flat = surface_mesh(
        Landscape((0, 1), (np.arange(9.0), np.arange(9.0)), values, np.zeros(2)), GREY
    )
    expected = np.rint(0.5 * 255) / 255 * (AMBIENT + (1 - AMBIENT) * LIGHT[2])
    np.testing.assert_allclose(flat.heights, 0.5 * HEIGHT)
    np.testing.assert_allclose(flat.colours[..., :3], expected, rtol=1e-5)


def test_a_slope_facing_the_light_is_brighter_than_one_facing_away():
    mesh = surface_mesh(grid("x^2 + y^2", (-1.0, 1.0), (-1.0, 1.0)), GREY)
    # LIGHT comes from -x, -y: the wall rising towards (0.8, 0.8) faces it, the one rising
    # towards (-0.8, -0.8) turns its back to it
    facing, away = mesh.colours[-9, -9, 0], mesh.colours[8, 8, 0]
    assert mesh.heights[8, 8] == pytest.approx(mesh.heights[-9, -9], rel=1e-4)
    assert facing > away * 1.2


def test_undefined_values_lie_grey_on_the_floor():
    mesh = surface_mesh(grid("log(x)", (-1.0, 1.0), (-1.0, 1.0)), GREY)
    undefined = mesh.x < -0.02
    np.testing.assert_array_equal(mesh.heights[undefined], 0.0)
    expected = np.broadcast_to(np.array(UNDEFINED, dtype=np.float32), mesh.colours[undefined].shape)
    np.testing.assert_allclose(mesh.colours[undefined], expected)
    assert np.all(np.isfinite(mesh.heights)) and np.all(np.isfinite(mesh.colours))


def test_the_path_rests_just_above_the_drawn_surface():
    objective = build_objective(ROSENBROCK)
    mesh = surface_mesh(grid(ROSENBROCK, size=121), GREY)
    t = np.linspace(-1.5, 1.2, 400)
    plane = np.column_stack([t, t**2 + 0.05])
    values = objective.value(plane)
    points = mesh.resting(plane, values)
    assert points.shape == (400, 3)
    np.testing.assert_allclose(points[:, :2], mesh.frame.world_xy(plane), atol=1e-6)
    true_height = mesh.frame.world_z(values)
    assert np.all(points[:, 2] >= true_height + LIFT * HEIGHT - 1e-6)
    drawn = mesh.height_at(points[:, :2])
    np.testing.assert_allclose(
        points[:, 2], np.maximum(true_height, drawn) + LIFT * HEIGHT, atol=1e-5
    )
    assert np.median(points[:, 2] - true_height) < 0.05 * HEIGHT  # resting, not floating


def test_non_finite_rows_are_dropped_and_far_points_pulled_in():
    frame = SurfaceFrame((0.0, 2.0), (0.0, 2.0), contour_scale(np.array([0.0, 1.0])))
    plane = np.array([[1.0, 1.0], [np.nan, 1.0], [1e9, 1.0], [1.0, 1.0]])
    points = frame.lifted(plane, np.array([0.5, 0.5, 0.5, np.inf]))
    assert len(points) == 2
    np.testing.assert_allclose(points[0], [0.0, 0.0, 0.5 * HEIGHT + LIFT * HEIGHT], atol=1e-6)
    assert points[1, 0] == pytest.approx(1.5)


def test_the_arrow_points_downhill_on_the_surface_with_a_fixed_length():
    landscape = grid("x^2 + y^2", (-2.0, 2.0), (-1.0, 1.0))  # y spans half of x
    mesh = surface_mesh(landscape, GREY)
    point = np.array([1.0, 0.5])
    minus_gradient = -2 * point
    ends = descent_arrow(mesh, point, minus_gradient)
    shaft = ends[:-4]
    start = mesh.frame.world_xy(point[None, :])[0]
    np.testing.assert_allclose(shaft[0, :2], start, atol=1e-6)
    tip = shaft[-1, :2]
    assert np.hypot(*(tip - start)) == pytest.approx(ARROW_LENGTH, rel=1e-5)
    way = mesh.frame.world_direction(minus_gradient)
    cosine = np.dot(tip - start, way) / (np.hypot(*way) * ARROW_LENGTH)
    assert cosine == pytest.approx(1.0, abs=1e-6)
    assert shaft[-1, 2] < shaft[0, 2]  # downhill
    lift = shaft[:, 2] - mesh.height_at(shaft[:, :2])
    np.testing.assert_allclose(lift, 1.5 * LIFT * HEIGHT, atol=1e-5)
    assert len(ends) % 2 == 0


def test_no_arrow_where_there_is_no_way_down():
    mesh = surface_mesh(grid("x^2 + y^2"), GREY)
    assert len(descent_arrow(mesh, np.zeros(2), np.zeros(2))) == 0
    assert len(descent_arrow(mesh, np.zeros(2), np.array([np.nan, 1.0]))) == 0


def test_iso_lines_lie_at_their_levels_heights():
    landscape = grid("x^2 + y^2")
    mesh = surface_mesh(landscape, GREY)
    levels = mesh.frame.scale.levels
    heights = mesh.frame.world_z(levels) + LIFT * HEIGHT
    assert len(mesh.iso_lines) > 0 and len(mesh.iso_lines) % 2 == 0
    drawn = np.unique(np.round(mesh.iso_lines[:, 2], 5))
    for z in drawn:
        assert np.min(np.abs(heights - z)) < 1e-5
    assert len(drawn) >= len(levels) - 2
    assert np.all(np.abs(mesh.iso_lines[:, :2]) <= 1.0 + 1e-6)


def test_a_curve_is_not_a_surface():
    curve = Landscape((0,), (np.linspace(0, 1, 5),), np.arange(5.0), np.zeros(1))
    with pytest.raises(ValueError):
        surface_mesh(curve, GREY)
