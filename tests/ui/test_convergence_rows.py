"""Hidden convergence plots (the coordinates, lr_k) take no height: at 1024x700 the dock is
about 200 px tall and the two plots shown need all of it."""

from __future__ import annotations

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.ui.views.convergence_view import ConvergenceView

CONFIG = RunConfig("x^2 + 10*y^2", (2.0, 1.0), learning_rate=0.05, iterations=200)


def test_hidden_rows_give_their_height_to_the_plots_shown(qtbot) -> None:
    view = ConvergenceView()
    qtbot.addWidget(view)
    view.resize(283, 200)
    view.show()
    qtbot.waitExposed(view)
    trajectory, _ = run_to_end(CONFIG)
    view.show_run(trajectory)
    view.show_iteration(len(trajectory) - 1)
    qtbot.wait(20)
    assert not view.coordinate_plot.isVisible() and not view.rate.shown
    assert view.coordinate_plot.geometry().height() == 0
    assert view.rate.plot.geometry().height() == 0
    shown = view.value_plot.geometry().height() + view.norm_plot.geometry().height()
    assert shown > 0.8 * view.layout_widget.height()


def test_leaving_data_mode_gives_the_plot_its_height_back(qtbot, window) -> None:
    """The data dock took the bottom docks' height at 1024x700; back to a typed function the
    compare tabs shrink to their default and the plot is as tall as before."""
    from gdexplorer.ui.main_window import COMPARE_HEIGHT

    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    typed_height = window.plot.height()
    window.form.mode_switch.set_data_mode(True)
    qtbot.waitUntil(lambda: window.plot.height() < typed_height - 20, timeout=2000)
    window.form.mode_switch.set_data_mode(False)
    qtbot.waitUntil(lambda: window.plot.height() >= typed_height - 10, timeout=2000)
    assert abs(window.compare_dock.height() - COMPARE_HEIGHT) <= 10
