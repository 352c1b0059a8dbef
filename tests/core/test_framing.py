"""The plot's geometry without Qt: framing up to iterate k, edge markers, labels, arrow length."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdexplorer.core.framing import (
    ARROW_MIN_PX,
    EDGE_INSET_PX,
    PrefixBounds,
    arrow_look,
    edge_marker,
    frame_up_to,
    inside,
    label_position,
)

VIEW = ((-2.0, 2.0), (-1.0, 1.0))
PIXEL = (0.01, 0.005)  # 400 x 400 pixels


def test_prefix_bounds_match_a_pass_over_the_rows_and_skip_runaway_values() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(500, 2)) * np.linspace(1, 50, 500)[:, None]
    points[100] = (np.inf, 1e300)
    points[200] = (np.nan, 0.0)
    bounds = PrefixBounds()
    for chunk in np.array_split(points, 7):  # streamed in uneven chunks
        bounds.extend(chunk)
    assert len(bounds) == len(points)
    clean = np.where(np.isfinite(points) & (np.abs(points) <= 1e12), points, np.nan)
    for k in (0, 99, 100, 250, 499, 10_000):
        low, high = bounds.corners(k)
        upto = clean[: min(k, 499) + 1]
        np.testing.assert_array_equal(low, np.nanmin(upto, axis=0))
        np.testing.assert_array_equal(high, np.nanmax(upto, axis=0))


def test_the_frame_up_to_k_shrinks_back_when_stepping_back() -> None:
    home = ((-2.0, 2.0), (-2.0, 2.0))
    path = np.array([[1.0, 1.0], [-1.2, -1.2], [1.5, 1.5], [-30.0, -30.0], [900.0, 900.0]])
    bounds = PrefixBounds()
    bounds.extend(path)
    assert frame_up_to(home, bounds.corners(2), (4.0, 4.0), 50.0) == home
    far = frame_up_to(home, bounds.corners(4), (4.0, 4.0), 50.0)
    assert far[0][1] - far[0][0] <= 50 * 4 + 1e-9  # capped
    assert far[0][0] < -30


@pytest.mark.parametrize("point", [(10.0, 0.3), (-5.0, -4.0), (0.1, 7.0), (1e9, -1e9)])
def test_an_edge_marker_sits_inside_the_view_on_the_ray_to_the_point(point) -> None:
    marker = edge_marker(VIEW, point, PIXEL)
    assert marker is not None
    x, y = marker.position
    assert inside(VIEW, (x, y))
    (x0, x1), (y0, y1) = VIEW
    from_edge = min(x - x0, x1 - x) / PIXEL[0], min(y - y0, y1 - y) / PIXEL[1]
    assert min(from_edge) == pytest.approx(EDGE_INSET_PX)
    to_point = ((point[0] - 0.0) / PIXEL[0], (point[1] - 0.0) / PIXEL[1])
    angle = math.degrees(math.atan2(to_point[1], to_point[0]))
    assert marker.angle == pytest.approx(angle)
    assert math.atan2(y / PIXEL[1], x / PIXEL[0]) == pytest.approx(math.radians(angle))


def test_no_edge_marker_for_a_point_in_view_or_not_finite() -> None:
    assert edge_marker(VIEW, (0.5, 0.5), PIXEL) is None
    assert edge_marker(VIEW, (np.nan, 5.0), PIXEL) is None


@pytest.mark.parametrize(
    "anchor", [(0.0, 0.0), (1.95, 0.95), (-1.99, -0.99), (1.99, -0.99), (5.0, 5.0)]
)
def test_a_label_is_placed_wholly_inside_the_view(anchor) -> None:
    size = (150.0, 24.0)
    left, top = label_position(VIEW, anchor, size, PIXEL)
    right, bottom = left + size[0] * PIXEL[0], top - size[1] * PIXEL[1]
    (x0, x1), (y0, y1) = VIEW
    assert x0 - 1e-12 <= left and right <= x1 + 1e-12
    assert y0 - 1e-12 <= bottom and top <= y1 + 1e-12


def test_a_label_prefers_above_right_of_its_anchor() -> None:
    left, top = label_position(VIEW, (0.0, 0.0), (50.0, 20.0), PIXEL, gap=6)
    assert left == pytest.approx(0.06) and top == pytest.approx((6 + 20) * PIXEL[1])


def test_the_arrow_length_grows_with_log_gradient_and_fades_below_the_tolerance() -> None:
    full = 70.0
    at_start = arrow_look(10.0, 10.0, 1e-6, full)
    assert at_start.pixels == full and not at_start.faded
    lengths = [arrow_look(10.0**e, 10.0, 1e-6, full).pixels for e in range(1, -6, -1)]
    assert all(a > b for a, b in zip(lengths, lengths[1:], strict=False))
    steps = np.diff(lengths)
    np.testing.assert_allclose(steps, steps[0])  # equal steps per decade: log-scaled
    converged = arrow_look(1e-7, 10.0, 1e-6, full)
    assert converged.pixels == ARROW_MIN_PX and converged.faded
    assert arrow_look(1e3, 10.0, 1e-6, full).pixels == full  # grown past the start's
    no_tolerance = arrow_look(1e-5, 10.0, 0.0, full)
    assert ARROW_MIN_PX < no_tolerance.pixels < full and not no_tolerance.faded
    tiny = arrow_look(1e-12, 10.0, 0.0, full)
    assert tiny.pixels == ARROW_MIN_PX and not tiny.faded  # no tolerance: nothing fades
