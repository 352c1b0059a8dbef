"""The window's views as followers of the stage (:class:`~gdexplorer.ui.stage.StageView`).

Each class here is a thin adapter: it turns the stage's four calls into the calls its widget
already understands, so the widgets stay usable on their own (their tests drive them
directly). A new view can implement the protocol itself and needs no adapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QProgressBar, QWidget

if TYPE_CHECKING:
    from gdexplorer.core.trajectory import Trajectory
    from gdexplorer.ui.stage import ShownRun
    from gdexplorer.ui.views.convergence_view import ConvergenceView
    from gdexplorer.ui.views.data_panel import DataPanel
    from gdexplorer.ui.views.inspector import Inspector
    from gdexplorer.ui.views.multi_path import RaceOverlay
    from gdexplorer.ui.views.plot_view import PlotView


class PlotFollower:
    """The landscape: the path grows with the rows; iteration k is marked."""

    def __init__(self, plot: PlotView) -> None:
        self.plot = plot

    def show_run(self, shown: ShownRun) -> None:
        tolerance = float(shown.run.config.tol_grad) if shown.run is not None else 0.0
        self.plot.show_run(shown.trajectory, maximize=shown.maximize, tolerance=tolerance)

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        self.plot.refresh_path()

    def show_iteration(self, index: int) -> None:
        self.plot.show_iteration(index)

    def clear(self) -> None:
        self.plot.clear_run()


class ConvergenceFollower:
    """f and |∇f| against k: grows into still axes while streaming, fits them at the end."""

    def __init__(self, convergence: ConvergenceView) -> None:
        self.convergence = convergence

    def show_run(self, shown: ShownRun) -> None:
        self.convergence.show_run(shown.trajectory, shown.planned)

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        if streaming:
            self.convergence.redraw_now()
        else:
            self.convergence.end_stream()

    def show_iteration(self, index: int) -> None:
        self.convergence.show_iteration(index)

    def clear(self) -> None:
        self.convergence.clear_run()


class InspectorFollower:
    """Iteration k worked out with its numbers (a run without settings shows nothing)."""

    def __init__(self, inspector: Inspector) -> None:
        self.inspector = inspector

    def show_run(self, shown: ShownRun) -> None:
        if shown.run is not None:
            self.inspector.show_run(shown.run, shown.trajectory, shown.outcome)
        else:
            self.inspector.clear_run()

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass  # works out iteration k only when asked

    def show_iteration(self, index: int) -> None:
        self.inspector.show_iteration(index)

    def clear(self) -> None:
        self.inspector.clear_run()

    def inspect(self, shown: ShownRun, index: int) -> None:
        """During a race: work out iteration ``index`` of this run (None: its settings fail)."""
        self.show_run(shown)
        if shown.run is not None:
            self.inspector.show_iteration(index)


class DataFollower:
    """The data, the model and the loss per epoch (for runs on data; clears itself else)."""

    def __init__(self, panel: DataPanel) -> None:
        self.panel = panel

    def show_run(self, shown: ShownRun) -> None:
        self.panel.show_run(shown.run, shown.trajectory)

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        self.panel.refresh_path()

    def show_iteration(self, index: int) -> None:
        self.panel.show_iteration(index)

    def clear(self) -> None:
        self.panel.clear_run()


class RaceFollower:
    """The Compare dock's race: a single run on the stage ends it; it follows iteration k."""

    def __init__(self, race: RaceOverlay) -> None:
        self.race = race

    def show_run(self, shown: ShownRun) -> None:
        self.race.clear()

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass

    def show_iteration(self, index: int) -> None:
        self.race.show_iteration(index)

    def clear(self) -> None:
        self.race.clear()


class RunProgress(QProgressBar):
    """The status bar's "1,234 / 20,000 iterations" (Qt's %v has no separators)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trajectory: Trajectory | None = None
        self.set_progress(0, 0)

    def set_progress(self, done: int, total: int) -> None:
        self.setRange(0, max(total, 1))
        self.setValue(min(done, max(total, 1)))
        self.setFormat(f"{done:,} / {total:,} iterations" if total else "no run yet")

    def show_race(self, row_count: int) -> None:
        """A race of finished runs: the longest one's iterations (connected to
        ``Stage.race_shown``)."""
        self._trajectory = None
        iterations = max(row_count - 1, 0)
        self.set_progress(iterations, iterations)
        self.setFormat(f"race: up to {iterations:,} iterations")

    def show_run(self, shown: ShownRun) -> None:
        self._trajectory = shown.trajectory
        self.set_progress(0, shown.planned if shown.planned is not None else 0)

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        if self._trajectory is None:
            return
        done = self._trajectory.iterations
        self.set_progress(done, self.maximum() if streaming else done)

    def show_iteration(self, index: int) -> None:
        pass

    def clear(self) -> None:
        self._trajectory = None
        self.set_progress(0, 0)
