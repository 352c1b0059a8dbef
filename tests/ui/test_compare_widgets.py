"""The standalone comparison widgets: sweep plot, basin map and runs table."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.many.basins import basin_map
from gdexplorer.core.many.runs_io import RunRecord
from gdexplorer.core.many.sweep import learning_rate_sweep
from gdexplorer.core.presets import get_preset
from gdexplorer.ui.compare.basin_view import BasinView, basin_colours
from gdexplorer.ui.compare.runs_table import COLUMNS, FAILED, SORT_ROLE, RunsTable
from gdexplorer.ui.compare.sweep_view import SweepView

VALLEY = RunConfig("x^2 + 20y^2", (-4.0, 1.0), iterations=1000)


@pytest.fixture
def sweep_view(qtbot):
    view = SweepView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.set_result(learning_rate_sweep(VALLEY, 1e-4, 1.0, 80))
    view.show()
    qtbot.waitExposed(view)
    return view


def test_sweep_view_marks_each_kind_of_lane(sweep_view) -> None:
    result = sweep_view.result
    converged_x, _ = sweep_view._converged.getData()
    diverged_x, diverged_y = sweep_view._diverged.getData()
    assert len(converged_x) == result.converged.sum() > 0
    assert len(diverged_x) == result.diverged.sum() > 0
    assert np.ptp(diverged_y) == 0  # all along the top edge
    assert sweep_view._limit.isVisible()
    assert sweep_view._limit.value() == pytest.approx(np.log10(0.05))
    assert "2/L = 0.05" in sweep_view.legend.text()
    assert sweep_view.plot.getAxis("bottom").logMode


def test_clicking_the_sweep_picks_the_nearest_learning_rate(sweep_view, qtbot) -> None:
    lane = 30
    rate = sweep_view.result.learning_rates[lane]
    box = sweep_view.plot.getViewBox()
    y_low, y_high = box.viewRange()[1]
    scene = box.mapViewToScene(QPointF(np.log10(rate), (y_low + y_high) / 2))
    widget_pos = sweep_view.plot_widget.mapFromScene(scene)
    with qtbot.waitSignal(sweep_view.learning_rate_picked) as picked:
        qtbot.mouseClick(sweep_view.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=widget_pos)  # fmt: skip
    assert picked.args[0] == pytest.approx(rate, rel=0.02)
    assert sweep_view._picked.isVisible()


def test_a_sweep_without_a_limit_hides_the_line(qtbot) -> None:
    view = SweepView()
    qtbot.addWidget(view)
    rosenbrock = RunConfig("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), variant="adam")
    view.set_result(learning_rate_sweep(rosenbrock, 1e-3, 1.0, 20, measure="iterations"))
    assert not view._limit.isVisible()
    assert "iterations" in view.plot.getAxis("left").labelText


@pytest.fixture(scope="module")
def himmelblau():
    preset = get_preset("himmelblau")
    return basin_map(preset.config, *preset.plot_range, resolution=40, minima=preset.minima)


def test_basin_view_colours_each_basin_and_names_it(qtbot, himmelblau) -> None:
    view = BasinView()
    qtbot.addWidget(view)
    view.set_map(himmelblau)
    assert view.image.image.shape == (40, 40, 4)
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((-5, 5, -5, 5))
    colours = basin_colours(himmelblau)
    assert len({tuple(c) for c in colours}) == len(himmelblau.basins) == 4
    legend = view.legend.text()
    for basin in himmelblau.basins:
        assert basin.name in legend
    assert len(view.minima.data) == 4


def test_basin_view_can_colour_by_iterations(qtbot, himmelblau) -> None:
    view = BasinView()
    qtbot.addWidget(view)
    view.set_map(himmelblau, colour_by="iterations")
    by_iterations = view.image.image.copy()
    assert "Iterations" in view.legend.text()
    view.set_colour_by("basin")
    assert not np.array_equal(by_iterations, view.image.image)
    with pytest.raises(ValueError):
        view.set_colour_by("speed")


def test_escaped_sides_of_a_saddle_get_different_greys(qtbot) -> None:
    config = RunConfig("x^2 - y^2", (0.0, 0.0), iterations=100)
    saddle = basin_map(config, (-1, 1), (-1, 1), resolution=10)
    view = BasinView()
    qtbot.addWidget(view)
    view.set_map(saddle)
    top, bottom = view.image.image[-1, 0], view.image.image[0, 0]
    assert not np.array_equal(top, bottom)
    assert all(abs(int(c) - int(top[0])) < 3 for c in top[:3])  # a grey


@pytest.fixture(scope="module")
def runs():
    out = []
    for number, (variant, rate) in enumerate([("gd", 0.04), ("adam", 0.3), ("gd", 0.2)], 1):
        config = VALLEY.replace(variant=variant, learning_rate=rate, iterations=400)
        trajectory, outcome = run_to_end(config)
        out.append(RunRecord(f"run {number}", config, trajectory, outcome, 0.01 * number))
    return out


def test_runs_table_shows_and_sorts_runs(qtbot, runs) -> None:
    table = RunsTable()
    qtbot.addWidget(table)
    table.set_runs(runs, colours=["#1f77b4", "#ff7f0e", "#2ca02c"])
    assert table.proxy.rowCount() == 3 and table.proxy.columnCount() == len(COLUMNS)
    final_f = COLUMNS.index("Final f")
    table.view.sortByColumn(final_f, Qt.SortOrder.AscendingOrder)
    names = [table.proxy.index(row, 0).data() for row in range(3)]
    assert names[-1] == "run 3"  # diverged: sorts last
    diverged = table.proxy.index(2, COLUMNS.index("Stopped because"))
    assert diverged.data() == "diverged"
    assert diverged.data(Qt.ItemDataRole.ForegroundRole) == FAILED
    assert table.proxy.index(2, final_f).data() == "— diverged"
    values = [table.proxy.index(row, final_f).data(SORT_ROLE) for row in range(2)]
    assert values == sorted(values)
    assert table.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "β₁ 0.9" in table.model.index(1, COLUMNS.index("Hyperparameters")).data()


def test_selecting_a_sorted_row_emits_its_run_index(qtbot, runs) -> None:
    table = RunsTable()
    qtbot.addWidget(table)
    table.set_runs(runs)
    table.view.sortByColumn(COLUMNS.index("Iterations"), Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(table.run_selected) as selected:
        table.view.selectRow(0)
    top = max(range(3), key=lambda k: runs[k].outcome.iterations)
    assert selected.args == [top] and table.selected_run() == top
    table.select_run(2)
    assert table.selected_run() == 2
