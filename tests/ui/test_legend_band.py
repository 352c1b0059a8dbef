"""The legend band above the plot stays one compact row at small widths (short words, a smaller
font) and hides itself rather than take the plot's height when a race's labels cannot fit."""

from __future__ import annotations

import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.objective import build_objective
from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.multi_path import RaceEntry, RaceOverlay
from gdexplorer.ui.views.plot_legend import SHORT
from gdexplorer.ui.views.plot_view import PlotView

GOOD = RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=0.1, iterations=400, tol_grad=1e-6)


@pytest.fixture
def view(qtbot):
    widget = PlotView()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show(view, qtbot, width: int) -> None:
    view.resize(width, 420)
    trajectory, _ = run_to_end(GOOD)
    view.show_objective(build_objective(GOOD.function), ((-2, 2), (-2, 2)), GOOD.start, ((0, 0),))
    view.show_run(trajectory, tolerance=GOOD.tol_grad)
    view.show_iteration(3)
    qtbot.wait(20)


def test_at_the_width_of_a_1024_px_window_the_legend_is_one_short_row(view, qtbot) -> None:
    show(view, qtbot, 380)  # the plot's width in a 1024x700 window
    band = view.legend_band
    assert band.is_shown() and band.rows() == 1 and band.compact
    assert band.labels() == ["path", "start", "current iterate", "−∇f direction", "known minimum"]
    assert band.shown_texts() == [SHORT.get(name, name) for name in band.labels()]
    assert view.legend.width() <= view.plot.width()
    area = view.view_box.sceneBoundingRect()
    assert view.legend.height() < 0.12 * area.height()  # the plot keeps its height


def test_a_wide_plot_keeps_the_full_words(view, qtbot) -> None:
    show(view, qtbot, 380)
    view.resize(1300, 420)
    qtbot.wait(20)
    band = view.legend_band
    assert band.rows() == 1 and not band.compact
    assert band.shown_texts() == band.labels()


def test_a_race_too_long_for_two_rows_hides_the_band_until_there_is_room(view, qtbot) -> None:
    convergence = ConvergenceView()
    qtbot.addWidget(convergence)
    race = RaceOverlay(view, convergence)
    show(view, qtbot, 380)
    trajectory, _ = run_to_end(GOOD)
    labels = [f"Nesterov momentum, lr 0.00{i}114" for i in range(7)]
    race.show_runs([RaceEntry(trajectory, "#ff7f0e", label) for label in labels])
    qtbot.wait(20)
    band = view.legend_band
    assert band.crowded and not band.is_shown() and band.rows() == 0
    assert "hidden" in view.header.legend_box.toolTip()  # the student is told why
    view.resize(1900, 420)
    qtbot.wait(20)
    assert not band.crowded and band.is_shown() and 1 <= band.rows() <= 2
    assert "hidden" not in view.header.legend_box.toolTip()
    race.clear()
    qtbot.wait(20)
    assert "current iterate" in band.labels() and band.is_shown()
