"""The Compare dock: the runs list, the learning-rate sweep and the basin map as three tabs,
wired to the window's form, plot, convergence view, inspector and playback bar.

The window creates one :class:`CompareTabs` and puts it in a dock; everything else happens
here, so the main window only builds and places it. While runs are compared the window is in
"race" mode: the shown runs are drawn together (:class:`~gdexplorer.ui.multi_path.RaceOverlay`),
the playback bar moves through their iterations (up to the longest run), and the inspector works
out iteration k of the run selected in the table. Starting a single run, opening a trajectory or
typing another function leaves race mode; selecting a run or pressing "Race on the plot" brings
it back (loading the runs' function into the form if needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QTabWidget, QWidget

from gdexplorer.core.engine import make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.runs_io import RunRecord
from gdexplorer.ui.basin_panel import BasinOverlay, BasinPanel
from gdexplorer.ui.compare_jobs import function_identity
from gdexplorer.ui.compare_panel import RunsPanel
from gdexplorer.ui.multi_path import RaceEntry, RaceOverlay
from gdexplorer.ui.sweep_panel import SweepPanel

if TYPE_CHECKING:
    from gdexplorer.ui.controls import ShownFunction
    from gdexplorer.ui.main_window import MainWindow

RUNS_TAB, SWEEP_TAB, BASIN_TAB = range(3)
PLOT_TAB_HEIGHT = 340
"""The sweep and basin tabs hold plots: the dock grows to at least this height for them (and
shrinks back on the Runs tab)."""


class CompareTabs(QTabWidget):
    """Runs, Learning-rate sweep and Basin map tabs, connected to ``window``'s views."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.race = RaceOverlay(window.plot, window.convergence)
        self.runs = RunsPanel(window.form.config)
        self.sweep = SweepPanel(window.form.config)
        self.basins = BasinPanel(
            window.form.config, self._plot_view_range, BasinOverlay(window.plot.plot)
        )
        self.addTab(self.runs, "Runs")
        self.addTab(self.sweep, "Learning-rate sweep")
        self.addTab(self.basins, "Basin map")
        self.setDocumentMode(True)
        self._runs_height: int | None = None
        self.currentChanged.connect(self._on_tab_changed)
        self._runs_cache: dict[int, object] = {}
        self._selected: RunRecord | None = None
        self._function_key: tuple | None = None
        self._connect()

    def _connect(self) -> None:
        window = self.window_
        for panel in (self.runs, self.sweep, self.basins):
            panel.reported.connect(window.show_status)
        self.runs.runs_changed.connect(self._on_runs_changed)
        self.runs.run_selected.connect(self._on_run_selected)
        self.runs.edit_requested.connect(window.form.set_config)
        self.runs.race_requested.connect(self.show_race)
        self.sweep.learning_rate_picked.connect(self._on_learning_rate_picked)
        window.playback.index_changed.connect(self.race.show_iteration)
        window.form.function_changed.connect(self._on_function_changed)
        window.controller.run_started.connect(self._on_single_run_started)
        window.files.trajectory_opened.connect(self._on_trajectory_opened)

    # -- public API -------------------------------------------------------------------------

    def shutdown(self) -> bool:
        """Cancel every computation and wait for its thread (the window is closing)."""
        return all([panel.runner.shutdown() for panel in (self.runs, self.sweep, self.basins)])

    def is_racing(self) -> bool:
        return self.race.active

    @Slot()
    def show_race(self) -> None:
        """Draw the shown runs together and let the playback bar race them from k = 0."""
        shown = self.runs.shown_runs()
        if not shown:
            self._leave_race()
            self.window_.show_status("No run is shown: tick a run in the table to draw it.")
            return
        self._load_function_of(self.runs.runs[shown[0]])
        self._take_the_views()
        entries = [self._entry(i) for i in shown]
        selected = self._index_of(self._selected)
        selected = selected if selected in shown else shown[0]
        racing = self.race.active
        self.race.show_runs(entries, shown.index(selected))
        playback = self.window_.playback
        index = playback.index() if racing else 0
        playback.reset()
        playback.set_count(self.race.row_count())
        if not racing:
            playback.suggest_speed(self.race.row_count() - 1)
        playback.set_index(index)
        self.race.show_iteration(playback.index())
        self._inspect(selected)

    # -- internals --------------------------------------------------------------------------

    def _entry(self, index: int) -> RaceEntry:
        record = self.runs.runs[index]
        variant = get_variant(record.config.variant).title
        label = f"{variant}, lr {record.config.learning_rate:.3g}"  # the table has the names
        return RaceEntry(record.trajectory, self.runs.colours[index], label)

    def _take_the_views(self) -> None:
        """Stop relaying the window's single run (its rows would move the playback bar)."""
        window = self.window_
        if window.controller.run is not None:
            window.controller.abandon()
            window.form.set_running(False)
            stop = getattr(window, "stop_action", None)
            if stop is not None:
                stop.setEnabled(False)

    def _load_function_of(self, record: RunRecord) -> None:
        """Show the runs' function in the form (and so on the plot) if another one is there."""
        objective = self.window_.form.function_field.objective()
        current = (objective.expr, objective.variables) if objective is not None else None
        wanted = function_identity(record.config.function, record.config.variables)
        if current != wanted:
            self.window_.form.set_config(record.config)

    def _index_of(self, record: RunRecord | None) -> int | None:
        """Where ``record`` is in the list now (removing runs moves the others)."""
        for index, listed in enumerate(self.runs.runs):
            if listed is record:
                return index
        return None

    def _inspect(self, index: int) -> None:
        """The inspector works out the iterations of run ``index``."""
        record = self.runs.runs[index]
        self._selected = record
        inspector = self.window_.inspector
        run = self._runs_cache.get(id(record))
        if run is None:
            try:
                run = make_run(record.config)
            except GdxError:
                inspector.clear_run()
                return
            self._runs_cache[id(record)] = run
        inspector.show_run(run, record.trajectory)
        inspector.show_iteration(max(self.window_.playback.index(), 0))
        outcome = record.outcome.message if record.outcome is not None else ""
        self.window_.show_status(f"Inspecting {record.name}: {outcome}")

    def _leave_race(self) -> None:
        self.race.clear()

    def _plot_view_range(self):
        (x0, x1), (y0, y1) = self.window_.plot.view_box.viewRange()
        return (x0, x1), (y0, y1)

    # -- slots ------------------------------------------------------------------------------

    @Slot()
    def _on_runs_changed(self) -> None:
        alive = {id(r) for r in self.runs.runs}
        self._runs_cache = {k: v for k, v in self._runs_cache.items() if k in alive}
        if self.runs.runs:
            self.show_race()
        else:
            self._leave_race()

    @Slot(int)
    def _on_run_selected(self, index: int) -> None:
        """The inspector shows the selected run; it is drawn thicker, on top of the others."""
        self._selected = self.runs.runs[index]
        shown = self.runs.shown_runs()
        if index in shown and not self.race.active:
            self.show_race()
            return
        if index in shown:
            self.race.set_selected(shown.index(index))
        self._inspect(index)

    @Slot(object)
    def _on_function_changed(self, shown: ShownFunction) -> None:
        """Another function in the form: new basin defaults; the race only on its function.

        Handled after the window's own slots (which redraw the landscape) have run.
        """
        key = (shown.objective.expr, shown.objective.variables)
        if key != self._function_key:
            self._function_key = key
            self.basins.set_function(shown.objective.dimension, shown.plot_range, shown.minima)
        QTimer.singleShot(0, self._after_function_changed)

    @Slot()
    def _after_function_changed(self) -> None:
        if not self.race.active:
            return
        first = self.runs.runs[0].config if self.runs.runs else None
        wanted = function_identity(first.function, first.variables) if first else None
        if wanted == self._function_key:
            self.race.show_runs(list(self.race.entries), self.race.selected)
            self.race.show_iteration(max(self.window_.playback.index(), 0))
        else:
            self._leave_race()

    @Slot(object)
    def _on_single_run_started(self, _run) -> None:
        self._leave_race()

    @Slot(object, object)
    def _on_trajectory_opened(self, _trajectory, _run) -> None:
        self._leave_race()

    @Slot(int)
    def _on_tab_changed(self, tab: int) -> None:
        """Room for the sweep and basin plots; the Runs tab gets its height back."""
        dock = self.parentWidget()
        if not isinstance(dock, QDockWidget) or dock.isFloating():
            return
        window = self.window_
        if tab != RUNS_TAB and dock.height() < PLOT_TAB_HEIGHT:
            self._runs_height = self._runs_height or dock.height()
            window.resizeDocks([dock], [PLOT_TAB_HEIGHT], Qt.Orientation.Vertical)
        elif tab == RUNS_TAB and self._runs_height is not None:
            window.resizeDocks([dock], [self._runs_height], Qt.Orientation.Vertical)
            self._runs_height = None

    @Slot(float)
    def _on_learning_rate_picked(self, rate: float) -> None:
        self.window_.form.learning_rate.set_value(rate)
