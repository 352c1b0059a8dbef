"""The plot view alone: contour, path, markers, arrow, tangent, slice, clicks and PNG export."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.landscape import GRID_SIZE
from gdexplorer.core.objective import build_objective
from gdexplorer.core.path_thinning import LINE_LIMIT
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui.views.plot_view import PlotView

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


@pytest.fixture
def view(plot_view):
    return plot_view


def shown_run(view, config: RunConfig, plot_range=None, minima=()):
    trajectory, _ = run_to_end(config)
    view.show_objective(build_objective(config.function), plot_range, config.start, minima)
    view.show_run(trajectory)
    return trajectory


def curve_data(item) -> np.ndarray:
    x, y = item.getData()
    return np.column_stack([x, y])


def test_rosenbrock_contour_uses_log_levels_and_fills_the_view(view) -> None:
    view.show_objective(build_objective(ROSENBROCK), ((-2, 2), (-1, 3)), (-1.5, 2.0), [(1, 1)])
    image = view.contour.image.image
    assert image.shape == (GRID_SIZE, GRID_SIZE)
    assert view.contour.scale.log
    assert "log" in view.contour.bar.getAxis("left").labelText
    assert len(view.contour.lines.getData()[0]) > 100  # iso-lines drawn
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    rect = view.contour.image.mapRectToParent(view.contour.image.boundingRect())
    assert rect.left() < x0 and rect.right() > x1 and rect.top() < y0 and rect.bottom() > y1
    assert view.plot.getAxis("bottom").labelText == "x"
    assert view.plot.getAxis("left").labelText == "y"


def test_undefined_region_is_nan_in_the_image(view) -> None:
    view.show_objective(build_objective("log(x) + y^2"), ((-1, 1), (-1, 1)), (0.5, 0.5))
    landscape = view.contour.landscape
    x = landscape.coordinates[0]
    assert np.all(np.isnan(landscape.values[x <= 0]))
    assert np.all(np.isnan(view.contour.image.image[x <= 0]))
    assert np.all(np.isfinite(view.contour.image.image[x > 0]))


def test_path_holds_the_trajectory_points_and_the_markers(view) -> None:
    config = RunConfig("x^2 + 20y^2", (-4.0, 1.0), learning_rate=0.045, iterations=300)
    trajectory = shown_run(view, config, minima=[(0.0, 0.0)])
    np.testing.assert_array_equal(curve_data(view.path.line), trajectory.points)
    np.testing.assert_array_equal(curve_data(view.path.start), [[-4.0, 1.0]])
    np.testing.assert_array_equal(curve_data(view.path.minima), [[0.0, 0.0]])
    view.show_iteration(12)
    np.testing.assert_array_equal(curve_data(view.path.current), trajectory.points[12:13])


def test_long_paths_are_thinned_for_drawing_but_keep_the_last_point(view) -> None:
    trajectory = Trajectory(("x", "y"))
    rows = np.zeros((60_001, len(trajectory.columns)))
    t = np.linspace(0, 1, len(rows))
    rows[:, 0], rows[:, 1], rows[:, 2] = np.cos(9 * t), np.sin(9 * t), 1.0
    trajectory.append(rows)
    view.show_objective(build_objective("x^2 + y^2"), None, (1.0, 0.0))
    view.show_run(trajectory)
    drawn = curve_data(view.path.line)
    assert len(drawn) <= LINE_LIMIT + 1
    np.testing.assert_array_equal(drawn[-1], trajectory.points[-1])
    np.testing.assert_array_equal(drawn[0], trajectory.points[0])
    assert len(trajectory) == 60_001  # the data itself is untouched


def test_streaming_rows_extend_the_path_and_the_view(view) -> None:
    config = RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=1.02, iterations=40)
    full, _ = run_to_end(config)
    trajectory = Trajectory(("x", "y"), (), ("lr",))  # as the run records it
    view.show_objective(build_objective(config.function), ((-2, 2), (-2, 2)), config.start)
    view.show_run(trajectory)
    for start in range(0, len(full), 10):
        trajectory.append(full.rows[start : start + 10])
        view.refresh_path()
    np.testing.assert_array_equal(curve_data(view.path.line), full.points)
    (x0, x1), _ = view.view_box.viewRange()
    assert x1 - x0 > 4  # grew beyond the first range to follow the path outwards


def test_arrow_points_along_the_negative_gradient(view) -> None:
    config = RunConfig(ROSENBROCK, (-1.5, 2.0), learning_rate=0.001, iterations=50)
    trajectory = shown_run(view, config, ((-2, 2), (-1, 3)))
    view.show_iteration(20)
    tip = np.array(view.path.arrow_tip)
    arrow = tip - trajectory.points[20]
    minus_gradient = -trajectory.gradients[20]
    cosine = arrow @ minus_gradient / (np.linalg.norm(arrow) * np.linalg.norm(minus_gradient))
    assert cosine == pytest.approx(1.0, abs=1e-9)
    assert view.path.head.isVisible()


def test_one_variable_shows_the_curve_and_the_tangent_with_the_derivative(view) -> None:
    config = RunConfig("x^4 - 3x^2 + x", (2.0,), learning_rate=0.01, iterations=100)
    trajectory = shown_run(view, config)
    k = 3
    view.show_iteration(k)
    x, y = view.curve.tangent.getData()
    slope = (y[1] - y[0]) / (x[1] - x[0])
    xk = trajectory.points[k, 0]
    assert slope == pytest.approx(4 * xk**3 - 6 * xk + 1, rel=1e-9)
    assert slope == pytest.approx(trajectory.gradients[k, 0], rel=1e-12)
    assert f"{trajectory.gradients[k, 0]:.6g}" in view.curve.slope_text.textItem.toPlainText()
    dots = curve_data(view.path.dots)
    np.testing.assert_array_equal(
        dots, np.column_stack([trajectory.points[:, 0], trajectory.values])
    )
    assert not view.contour.image.isVisible()
    assert view.plot.getAxis("left").labelText == "f(x)"


def test_three_variables_show_a_slice_through_the_current_iterate(view, qtbot) -> None:
    config = RunConfig("x^2 - 2x + y^2 + z^2 + z*y", (2.0, -5.0, 7.0), iterations=50)
    trajectory = shown_run(view, config)
    assert view.contour.landscape.through.tolist() == [2.0, -5.0, 7.0]
    view.show_iteration(10)
    qtbot.waitUntil(
        lambda: view.contour.landscape.through.tolist() == trajectory.points[10].tolist(),
        timeout=2000,
    )
    grid = view.contour.landscape
    z = trajectory.points[10, 2]
    x, y = grid.coordinates
    expected = x[:, None] ** 2 - 2 * x[:, None] + y[None, :] ** 2 + z**2 + z * y[None, :]
    np.testing.assert_allclose(grid.values, expected)
    view.header.horizontal.setCurrentIndex(2)  # z across, y up
    assert view.contour.landscape.axes == (2, 1)
    assert view.plot.getAxis("bottom").labelText == "z"
    np.testing.assert_array_equal(curve_data(view.path.line), trajectory.points[:, [2, 1]])


def test_panning_recomputes_the_contour_for_the_new_view(view, qtbot) -> None:
    view.show_objective(build_objective("x^2 + y^2"), ((-1, 1), (-1, 1)), (0.5, 0.5))
    view.view_box.setRange(xRange=(10, 14), yRange=(-2, 2), padding=0)
    qtbot.waitUntil(lambda: view.contour.landscape.coordinates[0][0] > 5, timeout=2000)
    x = view.contour.landscape.coordinates[0]
    assert x[0] <= 10 and x[-1] >= 14


def click_at(view, qtbot, x: float, y: float) -> None:
    qtbot.wait(50)  # let the layout settle (axis labels change the plot's geometry)
    scene_point = view.view_box.mapViewToScene(QPointF(x, y))
    widget_point = view.plot_widget.mapFromScene(scene_point)
    qtbot.mouseMove(view.plot_widget.viewport(), widget_point)
    qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)


def test_clicking_the_plot_picks_a_start(view, qtbot) -> None:
    view.show_objective(build_objective("x^2 + y^2"), ((-2, 2), (-2, 2)), (1.0, 1.0))
    with qtbot.waitSignal(view.start_picked, timeout=2000) as blocker:
        click_at(view, qtbot, 0.7, -1.2)
    picked = np.array(blocker.args[0])
    pixel = np.abs(view.view_box.viewPixelSize())
    assert abs(picked[0] - 0.7) <= 2 * pixel[0] and abs(picked[1] + 1.2) <= 2 * pixel[1]


def test_picking_on_a_slice_keeps_the_other_start_coordinates(view, qtbot) -> None:
    view.show_objective(build_objective("x^2 + y^2 + z^2"), None, (1.0, 2.0, 3.0))
    with qtbot.waitSignal(view.start_picked, timeout=1000) as blocker:
        view.pick(-0.5, 0.25)
    assert blocker.args[0] == (-0.5, 0.25, 3.0)
    view.show_objective(build_objective("x^2"), None, (1.0,))
    with qtbot.waitSignal(view.start_picked, timeout=1000) as blocker:
        view.pick(-0.5, 99.0)
    assert blocker.args[0] == (-0.5,)


def test_export_png_writes_an_image(view, tmp_path) -> None:
    view.show_objective(build_objective("x^2 + y^2"), None, (1.0, 1.0))
    target = tmp_path / "plot.png"
    view.export_png(str(target))
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 100
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failed_export_raises_and_leaves_the_old_file(view, tmp_path, monkeypatch) -> None:
    view.show_objective(build_objective("x^2 + y^2"), None, (1.0, 1.0))
    target = tmp_path / "plot.png"
    target.write_bytes(b"old picture")

    class Unsaveable:
        def save(self, *args) -> bool:
            return False

    monkeypatch.setattr(view.plot_widget, "grab", lambda: Unsaveable())
    with pytest.raises(ExportError):
        view.export_png(str(target))
    assert target.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]  # no temporary file left
    with pytest.raises(ExportError, match="does not exist"):
        view.export_png(str(tmp_path / "missing" / "plot.png"))


def test_clear_run_removes_the_path_and_set_start_moves_the_marker(view) -> None:
    config = RunConfig("x^2 + y^2", (1.0, 1.0), iterations=20)
    shown_run(view, config)
    view.show_iteration(3)
    view.clear_run()
    assert len(view.path.line.getData()[0]) == 0 and view.path.arrow_tip is None
    view.set_start((-0.5, 0.5))
    np.testing.assert_array_equal(curve_data(view.path.start), [[-0.5, 0.5]])


def test_hovering_shows_the_point_and_f_there(view, qtbot) -> None:
    view.show_objective(build_objective("x^2 + 3y"), ((-2, 2), (-2, 2)), (1.0, 1.0))
    qtbot.wait(50)
    scene_point = view.view_box.mapViewToScene(QPointF(0.5, -1.0))
    point = view.view_box.mapSceneToView(scene_point)
    with qtbot.waitSignal(view.hover_text, timeout=1000) as blocker:
        view.plot_widget.scene().sigMouseMoved.emit(scene_point)
    text = blocker.args[0]
    assert f"f = {point.x() ** 2 + 3 * point.y():.6g}" in text and "x = 0.5" in text
    assert view.header.hover_label.text() == text


def test_works_before_the_widget_is_shown(qtbot) -> None:
    hidden = PlotView()
    qtbot.addWidget(hidden)
    trajectory, _ = run_to_end(RunConfig("x^2 + y^2", (1.0, 1.0), iterations=10))
    hidden.show_objective(build_objective("x^2 + y^2"), None, (1.0, 1.0))
    hidden.show_run(trajectory)
    hidden.show_iteration(3)
    np.testing.assert_array_equal(curve_data(hidden.path.current), trajectory.points[3:4])
