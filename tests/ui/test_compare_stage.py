"""The Compare dock follows the stage, the form and the controller, with no window at all."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from run_configs import VALLEY

from gdexplorer.ui.compare.basin_panel import BasinOverlay
from gdexplorer.ui.compare.dock import CompareTabs
from gdexplorer.ui.form.controls import ControlsForm
from gdexplorer.ui.stage import Stage
from gdexplorer.ui.threads.run_worker import RunController
from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.multi_path import RaceOverlay
from gdexplorer.ui.views.playback import PlaybackBar
from gdexplorer.ui.views.plot_view import PlotView
from gdexplorer.ui.views.stage_views import PlotFollower


class Parts:
    """The pieces a window would build, wired as the window wires them."""

    def __init__(self, qtbot) -> None:
        self.form, self.plot, self.convergence = ControlsForm(), PlotView(), ConvergenceView()
        self.playback = PlaybackBar()
        for widget in (self.form, self.plot, self.convergence, self.playback):
            qtbot.addWidget(widget)
        self.controller = RunController()
        self.stage = Stage(self.playback, self.controller)
        self.stage.add_view(PlotFollower(self.plot))
        race = RaceOverlay(self.plot, self.convergence)
        basins = BasinOverlay(self.plot.plot)
        self.compare = CompareTabs(self.stage, self.form, self.controller, race, basins)
        qtbot.addWidget(self.compare)
        self.form.function_changed.connect(self.on_function_changed)
        self.inspected: list[tuple] = []
        self.stage.run_inspected.connect(lambda shown, k: self.inspected.append((shown, k)))

    def on_function_changed(self, shown) -> None:
        start = shown.start if shown.start is not None else (1.0,) * shown.objective.dimension
        self.plot.show_objective(shown.objective, shown.plot_range, start, shown.minima)
        self.stage.show_function(shown)


@pytest.fixture
def parts(qtbot):
    made = Parts(qtbot)
    yield made
    assert made.compare.shutdown()
    assert made.controller.shutdown(5000)


def add_run(qtbot, parts: Parts, rate: float) -> None:
    parts.form.set_config(VALLEY.replace(learning_rate=rate))
    runs = parts.compare.runs
    with qtbot.waitSignal(runs.runner.succeeded, timeout=20_000):
        runs.add_current()


def test_a_race_drives_the_stages_iteration_and_the_inspector(qtbot, parts) -> None:
    for rate in (0.01, 0.03):
        add_run(qtbot, parts, rate)
    runs = parts.compare.runs.runs
    assert parts.compare.is_racing()
    longest = max(len(record.trajectory) for record in runs)
    assert parts.stage.playback.count() == longest
    assert parts.stage.shown() is None and not parts.stage.is_streaming()
    for k in (0, 7, longest - 1):
        parts.stage.set_index(k)
        expected = [r.trajectory.rows[min(k, len(r.trajectory) - 1), :2] for r in runs]
        np.testing.assert_allclose(parts.compare.race.current_points(), expected)
    shown, index = parts.inspected[-1]
    assert shown.trajectory is runs[0].trajectory or shown.trajectory is runs[1].trajectory
    assert shown.run is not None and index >= 0


def test_a_single_run_on_the_stage_ends_the_race(qtbot, parts) -> None:
    add_run(qtbot, parts, 0.02)
    assert parts.compare.is_racing()
    streaming: list[bool] = []
    parts.stage.streaming_changed.connect(streaming.append)
    with qtbot.waitSignal(parts.controller.run_finished, timeout=20_000):
        parts.controller.start(VALLEY)
    assert not parts.compare.is_racing()
    assert parts.stage.shown() is not None and parts.stage.shown().run is parts.controller.run
    assert streaming == [True, False]


def test_the_panels_and_the_stage_do_not_import_the_window() -> None:
    """Imported alone, none of them brings in main_window (the layers point one way)."""
    modules = ["compare.dock", "compare.panel", "compare.sweep_panel", "compare.basin_panel"]
    code = (
        "import sys\n"
        + "".join(f"import gdexplorer.ui.{name}\n" for name in modules)
        + "import gdexplorer.ui.stage\nimport gdexplorer.ui.views.stage_views\n"
        + "print('gdexplorer.ui.main_window' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
