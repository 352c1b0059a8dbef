"""The convergence view alone: f and |∇f| against k, scales, the current-k marker, coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui.views.convergence_view import ConvergenceView


@pytest.fixture
def view(qtbot):
    widget = ConvergenceView()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def original(item) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getOriginalDataset()
    return np.asarray([] if x is None else x), np.asarray([] if y is None else y)


def test_f_and_gradient_norm_against_the_iteration(view) -> None:
    trajectory, _ = run_to_end(
        RunConfig(
            "(1 - x)^2 + 100(y - x^2)^2",
            (-1.5, 2.0),
            variant="adam",
            learning_rate=0.01,
            iterations=3000,
        )
    )
    view.show_run(trajectory)
    k, f = original(view.value.curve)
    np.testing.assert_array_equal(k, np.arange(len(trajectory)))
    np.testing.assert_array_equal(f, trajectory.values)
    np.testing.assert_allclose(original(view.norm.curve)[1], trajectory.gradient_norms)
    assert view.value.log and view.norm.log  # f > 0 spanning decades: log scale
    assert view.value_plot.getAxis("left").logMode
    assert not view.coordinate_plot.isVisible()
    assert view.value.curve.opts["autoDownsample"] and view.value.curve.opts["clipToView"]
    assert view.value.curve.opts["downsampleMethod"] == "peak"


def test_current_iteration_is_marked_on_every_plot(view) -> None:
    trajectory, _ = run_to_end(RunConfig("x^2 - 2x + y^2 + z^2 + z*y", (2.0, -5.0, 7.0)))
    view.show_run(trajectory)
    view.show_iteration(7)
    assert all(line.value() == 7 and line.isVisible() for line in view.lines)
    assert original(view.value.marker)[1].tolist() == [trajectory.values[7]]
    assert view.coordinate_plot.isVisible()
    assert len(view.coordinate_curves) == 3
    for i, curve in enumerate(view.coordinate_curves):
        np.testing.assert_array_equal(original(curve.item)[1], trajectory.points[:, i])
    view.clear_run()
    assert not any(line.isVisible() for line in view.lines)
    assert len(original(view.value.curve)[0]) == 0


def test_streamed_rows_are_drawn_within_the_refresh_interval(view, qtbot) -> None:
    full, _ = run_to_end(RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=0.01, iterations=500))
    trajectory = Trajectory(("x", "y"), (), ("lr",))
    view.show_run(trajectory)
    for start in range(0, len(full), 100):
        trajectory.append(full.rows[start : start + 100])
        view.refresh_path()
    qtbot.waitUntil(lambda: len(original(view.value.curve)[1]) == len(full), timeout=2000)
    np.testing.assert_array_equal(original(view.value.curve)[1], full.values)


def test_long_run_is_drawn_decimated_but_whole(view) -> None:
    trajectory = Trajectory(("x", "y"))
    rows = np.zeros((200_001, len(trajectory.columns)))
    rows[:, 2] = np.geomspace(1e3, 1e-6, len(rows))  # f
    rows[:, 3] = 1.0
    trajectory.append(rows)
    view.show_run(trajectory)
    k, f = original(view.value.curve)
    assert len(k) < 20_000
    assert f.max() == 1e3 and f.min() == pytest.approx(1e-6)
    bucket = view.value.line.peaks.bucket
    assert k.max() <= 200_000 < k.max() + bucket  # the last bucket holds the last row
    assert view.value.log


def test_zooming_in_on_k_draws_the_rows_in_view(view, qtbot) -> None:
    trajectory = Trajectory(("x", "y"))
    rows = np.zeros((100_001, len(trajectory.columns)))
    rows[:, 2] = np.arange(len(rows), dtype=float)
    trajectory.append(rows)
    view.show_run(trajectory)
    view.value_plot.setXRange(1_000, 1_200, padding=0)
    qtbot.waitUntil(lambda: len(original(view.value.curve)[0]) < 1_000, timeout=2000)
    k, f = original(view.value.curve)
    np.testing.assert_array_equal(f, k)  # raw rows: f = k here
    assert k.min() <= 1_000 and k.max() >= 1_200


def test_a_streaming_run_grows_into_still_axes_then_the_axes_fit_it(view, qtbot) -> None:
    """While rows stream in, k spans the planned iterations and the y range moves by
    decades (so the axes are not redrawn at every refresh); at the end both fit the rows."""
    config = RunConfig("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), variant="adam",
                       learning_rate=0.01, iterations=3000)  # fmt: skip
    full, _ = run_to_end(config)
    streamed = Trajectory(full.variables, full.state_slots, ("lr",))
    view.show_run(streamed, planned=10_000)
    y_ranges = set()
    for end in range(20, len(full) + 1, 400):
        streamed.append(full.rows[len(streamed) : end])
        view.redraw_now()
        assert view.value_plot.getViewBox().viewRange()[0] == pytest.approx([0, 10_000])
        y_ranges.add(tuple(view.value_plot.getViewBox().viewRange()[1]))
    assert view.value.log  # the switch to a log axis did not bring auto-range back
    low, high = view.value_plot.getViewBox().viewRange()[1]
    positive = full.values[full.values > 0]
    assert low <= np.log10(positive.min()) and np.log10(positive.max()) <= high
    assert len(y_ranges) < 8  # steps, not a new range at every refresh
    streamed.append(full.rows[len(streamed) :])
    view.end_stream()

    def k_high() -> float:
        return view.value_plot.getViewBox().viewRange()[0][1]

    qtbot.waitUntil(lambda: k_high() < 0.5 * 10_000, timeout=2000)  # fitted at the next paint
    assert k_high() >= len(full) - 1  # ... to the 3,001 rows


def test_while_a_run_streams_the_newest_row_is_marked_by_the_curves_end(view) -> None:
    full, _ = run_to_end(RunConfig("x^2 + 3y^2", (2.0, -1.0), learning_rate=0.05, iterations=80))
    streamed = Trajectory(full.variables, full.state_slots, ("lr",))
    view.show_run(streamed, planned=80)
    streamed.append(full.rows[:30])
    view.redraw_now()
    view.show_iteration(29)  # the newest row: no markers to move at every refresh
    assert not any(line.isVisible() for line in view.lines)
    assert len(original(view.value.marker)[0]) == 0
    view.show_iteration(10)  # the student steps back during the run: marked as usual
    assert all(line.value() == 10 for line in view.lines[:2])
    assert original(view.value.marker)[0].tolist() == [10]
    streamed.append(full.rows[30:])
    view.end_stream()
    view.show_iteration(len(full) - 1)
    assert view.lines[0].isVisible() and view.lines[0].value() == len(full) - 1


def test_the_rate_plot_appears_when_a_schedule_changes_the_rate(view) -> None:
    from gdexplorer.core.stepsize.settings import ScheduleSettings

    constant, _ = run_to_end(RunConfig("x^2 + y^2", (1.0, 1.0), iterations=50, tol_grad=0.0))
    view.show_run(constant)
    assert not view.rate.plot.isVisible() and not view.rate.shown
    step = ScheduleSettings("step", step_size=10, gamma=0.5)
    config = RunConfig("x^2 + y^2", (1.0, 1.0), iterations=50, tol_grad=0.0, schedule=step)
    scheduled, _ = run_to_end(config)
    streamed = Trajectory(scheduled.variables, (), ("lr",))
    view.show_run(streamed)
    streamed.append(scheduled.rows[:10])  # the rate has not changed yet
    view.redraw_now()
    assert not view.rate.shown
    streamed.append(scheduled.rows[10:])
    view.redraw_now()
    assert view.rate.shown
    x, y = view.rate.series.curve.getData()
    assert y is not None and max(y) == 0.1 and min(y) == 0.1 * 0.5**5
    view.show_iteration(12)
    assert view.rate.line.value() == 12
