"""What the plot frames and where its labels go: the legend covers no data, a new run frames its
own path, stepping back follows iterate k, an iterate off the view gets an edge marker, the
arrow's length says how large ∇f is, and the 1-D slope label stays inside the plot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.framing import inside
from gdexplorer.core.objective import build_objective
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.multi_path import RaceEntry, RaceOverlay

BOWL = "x^2 + y^2"
BOWL_RANGE = ((-2.0, 2.0), (-2.0, 2.0))
DIVERGING = RunConfig(BOWL, (1.0, 1.0), learning_rate=1.05, iterations=400, tol_grad=1e-6)
GOOD = RunConfig(BOWL, (1.0, 1.0), learning_rate=0.1, iterations=400, tol_grad=1e-6)


@pytest.fixture
def view(plot_view):
    return plot_view


def show(view, config: RunConfig, plot_range=BOWL_RANGE, minima=((0.0, 0.0),)) -> Trajectory:
    trajectory, _ = run_to_end(config)
    view.show_objective(build_objective(config.function), plot_range, config.start, minima)
    view.show_run(trajectory, tolerance=config.tol_grad)
    view.show_iteration(len(trajectory) - 1)
    return trajectory


def spans(view) -> tuple[float, float]:
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    return x1 - x0, y1 - y0


def scene_rect(item) -> QRectF:
    return item.mapRectToScene(item.boundingRect())


@pytest.mark.parametrize("width", [420, 800, 1300])
def test_the_legend_sits_above_the_plot_area_and_can_be_hidden(view, qtbot, width) -> None:
    view.resize(width, 500)
    show(view, GOOD)
    qtbot.wait(20)
    legend, area = scene_rect(view.legend), view.view_box.sceneBoundingRect()
    assert view.legend.isVisible() and legend.height() > 10
    assert legend.bottom() <= area.top() + 0.5  # never over the data, at any width
    assert legend.left() >= 0 and legend.right() <= view.plot_widget.width() + 0.5
    height = area.height()
    view.header.legend_box.setChecked(False)
    qtbot.wait(20)
    assert not view.legend.isVisible()
    assert view.view_box.sceneBoundingRect().height() > height  # the plot takes its room


def test_known_minimum_is_listed_only_when_one_is_drawn(view) -> None:
    show(view, GOOD, minima=())
    labels = view.legend_band.labels()
    assert "known minimum" not in labels and "current iterate" in labels
    show(view, GOOD, minima=((0.0, 0.0),))
    assert "known minimum" in view.legend_band.labels()


def test_a_race_lists_its_runs_in_the_band_and_gives_it_back(view, qtbot) -> None:
    convergence = ConvergenceView()
    qtbot.addWidget(convergence)
    race = RaceOverlay(view, convergence)
    show(view, GOOD)
    trajectory, _ = run_to_end(GOOD)
    labels = [f"Nesterov momentum, lr 0.00{i}114" for i in range(6)]
    race.show_runs([RaceEntry(trajectory, "#ff7f0e", label) for label in labels])
    qtbot.wait(20)
    assert view.legend_band.labels() == labels
    legend = scene_rect(view.legend)
    assert legend.bottom() <= view.view_box.sceneBoundingRect().top() + 0.5
    assert legend.left() >= -0.5 and legend.right() <= view.plot_widget.width() + 0.5
    race.clear()
    assert "current iterate" in view.legend_band.labels()


def test_a_new_run_frames_its_own_path_not_the_view_a_divergent_run_grew(view) -> None:
    show(view, DIVERGING)
    grown = spans(view)
    assert min(grown) > 20 * 4  # the diverging run pushed the view out (to its cap)
    show(view, GOOD)
    assert max(spans(view)) < 2 * 4 * 1.1  # back to the bowl's range, not a speck


def test_stepping_back_through_a_divergent_run_shows_the_early_steps(view) -> None:
    trajectory = show(view, DIVERGING)
    last = spans(view)
    view.show_iteration(3)
    early = spans(view)
    assert max(early) < max(last) / 10
    assert view.current_in_view()
    walked = trajectory.points[:4]
    assert all(inside(view.view_box.viewRange(), point) for point in walked)
    view.show_iteration(len(trajectory) - 1)
    assert spans(view) == pytest.approx(last)


def test_panning_stops_following_and_fit_view_follows_again(view) -> None:
    trajectory = show(view, DIVERGING)
    view.view_box.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    view.view_box.sigRangeChangedManually.emit([True, True])
    view.show_iteration(len(trajectory) - 1)
    assert max(spans(view)) < 3  # the student's view is kept
    view.header.fit_button.click()
    assert max(spans(view)) > 20


def test_an_iterate_outside_the_view_gets_an_edge_marker_pointing_at_it(view) -> None:
    trajectory = show(view, DIVERGING)  # the last iterates are beyond the view's cap
    view.show_iteration(len(trajectory) - 2)
    assert view.current_in_view() is False
    assert view.path.edge.isVisible() and view.path.edge_label.isVisible()
    tip = np.array([view.path.edge.pos().x(), view.path.edge.pos().y()])
    assert inside(view.view_box.viewRange(), tip)
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    target = trajectory.points[len(trajectory) - 2]
    pixel = np.abs(view.view_box.viewPixelSize())
    to_tip, to_target = (tip - centre) / pixel, (target - centre) / pixel
    cosine = to_tip @ to_target / (np.linalg.norm(to_tip) * np.linalg.norm(to_target))
    assert cosine == pytest.approx(1.0, abs=1e-6)
    view.show_iteration(2)
    assert view.current_in_view() and not view.path.edge.isVisible()


def arrow_pixels(view) -> float:
    x, y = view.path.shaft.getData()
    pixel = np.abs(view.view_box.viewPixelSize())
    return math.hypot((x[1] - x[0]) / pixel[0], (y[1] - y[0]) / pixel[1])


def test_the_arrow_is_full_at_the_start_and_short_and_faded_once_converged(view) -> None:
    trajectory = show(view, GOOD)
    assert trajectory.gradient_norms[-1] < GOOD.tol_grad
    view.show_iteration(0)
    assert arrow_pixels(view) == pytest.approx(style.ARROW_PIXELS, rel=1e-6)
    assert not view.path.arrow_faded
    view.show_iteration(len(trajectory) // 2)
    middle = arrow_pixels(view)
    assert 20 < middle < style.ARROW_PIXELS and not view.path.arrow_faded
    view.show_iteration(len(trajectory) - 1)
    assert arrow_pixels(view) < middle / 2 and view.path.arrow_faded
    assert "log |∇f|" in view.path.shaft.toolTip() and "tolerance" in view.path.shaft.toolTip()


@pytest.mark.parametrize("start", [9.5, -3.9, 2.2])
def test_the_slope_label_stays_inside_the_plot(view, qtbot, start) -> None:
    config = RunConfig("x^2 - 4x + 4", (start,), learning_rate=0.1, iterations=50)
    show(view, config, plot_range=((-4.0, 10.0),), minima=((2.0,),))
    for k in (0, 1, 49):
        view.show_iteration(k)
        qtbot.wait(10)
        label, area = scene_rect(view.curve.slope_text), view.view_box.sceneBoundingRect()
        assert view.curve.slope_text.isVisible()
        assert area.adjusted(-0.5, -0.5, 0.5, 0.5).contains(label), (k, label, area)
