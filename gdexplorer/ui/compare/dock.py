"""The Compare dock: the runs list, the learning-rate sweep and the basin map as three tabs,
wired to the stage, the form and the run controller (never to the window itself).

The window creates one :class:`CompareTabs` and puts it in a dock; everything else happens
here. While runs are compared the stage is in "race" mode: the shown runs are drawn together
(:class:`~.RaceOverlay`, a follower of the stage), the playback bar moves
through their iterations (up to the longest run), and the inspector works out iteration k of the
run selected in the table (:meth:`Stage.inspect`). A single run on the stage (started or opened)
or another function leaves race mode; selecting a run or pressing "Race on the plot" brings it
back (loading the runs' function into the form if needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QWidget

from gdexplorer.core.engine import make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.many.jobs import function_identity
from gdexplorer.core.many.runs_io import RunRecord
from gdexplorer.core.optimizers import get_variant
from gdexplorer.ui.compare.basin_panel import BasinOverlay, BasinPanel
from gdexplorer.ui.compare.panel import RunsPanel
from gdexplorer.ui.compare.sweep_panel import SweepPanel
from gdexplorer.ui.views.multi_path import RaceEntry, RaceOverlay
from gdexplorer.ui.views.stage_views import RaceFollower

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.ui.form.controls import ControlsForm, ShownFunction
    from gdexplorer.ui.stage import Stage
    from gdexplorer.ui.threads.run_worker import RunController

RUNS_TAB, SWEEP_TAB, BASIN_TAB = range(3)
PLOT_TAB_HEIGHT = 340
"""The sweep and basin tabs hold plots: the dock grows to at least this height for them (and
shrinks back on the Runs tab)."""


class CompareTabs(QTabWidget):
    """Runs, Learning-rate sweep and Basin map tabs.

    Parameters
    ----------
    stage, form, controller:
        What is shown, the settings form and the single run's controller.
    race, basin_overlay:
        Where the compared runs and a basin map are drawn (on the landscape and the
        convergence plots).

    Signals
    -------
    reported(str):
        A message for the status bar.
    """

    reported = Signal(str)

    def __init__(
        self,
        stage: Stage,
        form: ControlsForm,
        controller: RunController,
        race: RaceOverlay,
        basin_overlay: BasinOverlay,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.stage, self.form, self.controller = stage, form, controller
        self.race = race
        self._landscape = basin_overlay.plot
        stage.add_view(RaceFollower(race))
        self.runs = RunsPanel(form.config)
        self.sweep = SweepPanel(form.config)
        self.basins = BasinPanel(form.config, self._plot_view_range, basin_overlay)
        self.addTab(self.runs, "Runs")
        self.addTab(self.sweep, "Learning-rate sweep")
        self.addTab(self.basins, "Basin map")
        self.setDocumentMode(True)
        self._runs_height: int | None = None
        self.currentChanged.connect(self._on_tab_changed)
        self._runs_cache: dict[int, DescentRun] = {}
        self._selected: RunRecord | None = None
        self._function_key: tuple | None = None
        self._connect()

    def _connect(self) -> None:
        for panel in (self.runs, self.sweep, self.basins):
            panel.reported.connect(self.reported)
        self.runs.runs_changed.connect(self._on_runs_changed)
        self.runs.run_selected.connect(self._on_run_selected)
        self.runs.edit_requested.connect(self.form.set_config)
        self.runs.race_requested.connect(self.show_race)
        self.sweep.learning_rate_picked.connect(self._on_learning_rate_picked)
        self.stage.function_shown.connect(self._on_function_shown)

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
            self.reported.emit("No run is shown: tick a run in the table to draw it.")
            return
        self._load_function_of(self.runs.runs[shown[0]])
        self._take_the_views()
        entries = [self._entry(i) for i in shown]
        selected = self._index_of(self._selected)
        selected = selected if selected in shown else shown[0]
        racing = self.race.active
        self.race.show_runs(entries, shown.index(selected))
        self.stage.show_race(self.race.row_count(), keep_index=racing)
        self.race.show_iteration(self.stage.index())
        self._inspect(selected)

    # -- internals --------------------------------------------------------------------------

    def _entry(self, index: int) -> RaceEntry:
        record = self.runs.runs[index]
        variant = get_variant(record.config.variant).title
        label = f"{variant}, lr {record.config.learning_rate:.3g}"  # the table has the names
        return RaceEntry(record.trajectory, self.runs.colours[index], label)

    def _take_the_views(self) -> None:
        """Stop relaying the single run (its rows would move the playback bar); the stage
        says the stream ended when the race is shown."""
        if self.controller.run is not None:
            self.controller.abandon()

    def _load_function_of(self, record: RunRecord) -> None:
        """Show the runs' function in the form (and so on the plot) if another one is there."""
        objective = self.form.function_field.objective()
        current = (objective.expr, objective.variables) if objective is not None else None
        wanted = function_identity(record.config.function, record.config.variables)
        if current != wanted:
            self.form.set_config(record.config)

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
        run = self._runs_cache.get(id(record))
        if run is None:
            try:
                run = make_run(record.config)
            except GdxError:
                self.stage.inspect(None, record.trajectory)
                return
            self._runs_cache[id(record)] = run
        self.stage.inspect(run, record.trajectory, record.outcome)
        outcome = record.outcome.message if record.outcome is not None else ""
        self.reported.emit(f"Inspecting {record.name}: {outcome}")

    def _leave_race(self) -> None:
        self.race.clear()

    def _plot_view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """What the landscape shows now (a basin map's default extent)."""
        (x0, x1), (y0, y1) = self._landscape.getViewBox().viewRange()
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
    def _on_function_shown(self, shown: ShownFunction) -> None:
        """The landscape shows another function: new basin defaults; the race is redrawn on
        it if its runs are of that function, and left otherwise."""
        key = (shown.objective.expr, shown.objective.variables)
        if key != self._function_key:
            self._function_key = key
            self.basins.set_function(shown.objective.dimension, shown.plot_range, shown.minima)
        if not self.race.active:
            return
        first = self.runs.runs[0].config if self.runs.runs else None
        wanted = function_identity(first.function, first.variables) if first else None
        if wanted == self._function_key:
            self.race.show_runs(list(self.race.entries), self.race.selected)
            self.race.show_iteration(max(self.stage.index(), 0))
        else:
            self._leave_race()

    @Slot(int)
    def _on_tab_changed(self, tab: int) -> None:
        """Room for the sweep and basin plots; the Runs tab gets its height back."""
        dock = self.parentWidget()
        if not isinstance(dock, QDockWidget) or dock.isFloating():
            return
        window = dock.parentWidget()
        if not isinstance(window, QMainWindow):
            return
        if tab != RUNS_TAB and dock.height() < PLOT_TAB_HEIGHT:
            self._runs_height = self._runs_height or dock.height()
            window.resizeDocks([dock], [PLOT_TAB_HEIGHT], Qt.Orientation.Vertical)
        elif tab == RUNS_TAB and self._runs_height is not None:
            window.resizeDocks([dock], [self._runs_height], Qt.Orientation.Vertical)
            self._runs_height = None

    @Slot(float)
    def _on_learning_rate_picked(self, rate: float) -> None:
        self.form.learning_rate.set_value(rate)
