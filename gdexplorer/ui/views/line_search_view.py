"""φ(α) = f(x_k + α·d_k) for the current update: the line search's trials, drawn.

The curve of f along the update's ray, every trial step length the search made (grey), the
accepted one (red) and, for Armijo backtracking, the sufficient-decrease line
f(x_k) + c·α·∇fᵀd below which a trial is accepted. The trials are update k made again from row
k (:func:`gdexplorer.core.stepsize.worked.replay_update`), the same function the run used, so
they are the ones that were made. A run without a line search shows a sentence instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from gdexplorer.core.explain.maths import format_number, subscript
from gdexplorer.core.stepsize.worked import replay_update
from gdexplorer.ui import style

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.core.stepsize.direction import DirectionUpdate
    from gdexplorer.core.trajectory import Trajectory
    from gdexplorer.ui.stage import ShownRun

SAMPLES = 240
NO_SEARCH = (
    "This run has no line search. Choose Armijo or Exact under Optimizer → Line search (with "
    "gradient descent or Newton's method) to see each update's trials here."
)
LEGEND_WIDTH, LEGEND_HEIGHT = 380, 220
"""The smallest view that shows its legend (smaller ones keep the room for the curve)."""
TRIAL_COLOUR = "#607d8b"
ACCEPTED_COLOUR = "#d32f2f"
ARMIJO_COLOUR = "#2e7d32"


class LineSearchView(QWidget):
    """The φ(α) plot of iteration k's update; follows the stage."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot = self.plot_widget.getPlotItem()
        style.style_plot(self.plot)
        self.plot.setLabel("bottom", "step length α")
        self.plot.setLabel("left", "f(xₖ + α·dₖ)")
        self.legend = self.plot.addLegend(
            offset=(8, 4), labelTextSize="8pt", colCount=4, brush=(255, 255, 255, 200)
        )
        self.curve = self.plot.plot(pen=style.pen(style.FOREGROUND, 1.6))
        self.armijo = self.plot.plot(pen=style.pen(ARMIJO_COLOUR, 1.4, Qt.PenStyle.DashLine))
        self.trials = pg.ScatterPlotItem(
            size=8, pen=style.pen("#ffffff", 1.0), brush=style.brush(TRIAL_COLOUR)
        )
        self.accepted = pg.ScatterPlotItem(
            size=13, pen=style.pen("#ffffff", 1.2), brush=style.brush(ACCEPTED_COLOUR)
        )
        for item in (self.trials, self.accepted):
            self.plot.addItem(item)
        self.message = QLabel(NO_SEARCH, self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #555555; padding: 8px")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.message)
        self._stack.addWidget(self.plot_widget)
        self._run: DescentRun | None = None
        self._trajectory: Trajectory | None = None
        self.update_shown: DirectionUpdate | None = None

    # -- the stage's protocol ------------------------------------------------------------

    def show_run(self, shown: ShownRun) -> None:
        run = shown.run
        search = run.config.line_search if run is not None else None
        has_search = search is not None
        self._run = run if has_search else None
        self._trajectory = shown.trajectory
        self._fill_legend(search is not None and search.name == "armijo")
        self._show_text(NO_SEARCH if not has_search else "Step to an iteration to see its trials.")

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass  # drawn for iteration k only

    def show_iteration(self, index: int) -> None:
        run, trajectory = self._run, self._trajectory
        if run is None or trajectory is None or not len(trajectory):
            return
        index = int(np.clip(index, 0, len(trajectory) - 1))
        last = index + 1 >= len(trajectory)
        update = None if last else replay_update(run, trajectory, index)
        self.update_shown = update
        if update is None or update.search is None or not update.search.trials:
            self._show_text(f"No update was made from iteration {index:,}: nothing to search.")
            return
        self._draw(run, trajectory, index, update)

    def clear(self) -> None:
        self._run = self._trajectory = self.update_shown = None
        self._show_text(NO_SEARCH)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """The legend only where it leaves room for the curve."""
        super().resizeEvent(event)
        self.legend.setVisible(self.width() >= LEGEND_WIDTH and self.height() >= LEGEND_HEIGHT)

    @property
    def has_search(self) -> bool:
        """Whether the shown run has a line search (the window shows this view for it)."""
        return self._run is not None

    # -- drawing -------------------------------------------------------------------------

    def _fill_legend(self, armijo: bool) -> None:
        self.legend.clear()
        entries = [(self.curve, "φ(α)"), (self.trials, "tried α"), (self.accepted, "accepted α")]
        if armijo:
            entries.append((self.armijo, "Armijo line"))
        for item, name in entries:
            self.legend.addItem(item, name)

    def _show_text(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def _draw(self, run: DescentRun, trajectory: Trajectory, index: int, update) -> None:
        search, point = update.search, trajectory.points[index]
        alphas = np.array([t.alpha for t in search.trials])
        sign = -1.0 if run.config.maximize else 1.0
        values = sign * np.array([t.value for t in search.trials])
        widest = float(np.nanmax(alphas)) * 1.15
        if run.config.line_search is not None and run.config.line_search.name == "exact":
            widest = max(widest, 2 * float(update.alpha))  # the minimum in the middle
        grid = np.linspace(0.0, widest, SAMPLES)
        with np.errstate(all="ignore"):
            along = np.asarray(run.objective.value(point + grid[:, None] * update.direction))
        self.curve.setData(grid, _drawable(along))
        self.trials.setData(alphas, _drawable(values))
        chosen = [t for t in search.trials if t.accepted]
        self.accepted.setData([t.alpha for t in chosen], [sign * t.value for t in chosen])
        settings = run.config.line_search
        value0 = float(trajectory.values[index])
        if settings is not None and settings.name == "armijo" and settings.c is not None:
            line = value0 + sign * settings.c * grid * update.slope
            self.armijo.setData(grid, line)
        else:
            self.armijo.setData([], [])
        self._frame(grid, along, value0, values)
        k = subscript(index)
        accepted = format_number(update.alpha) if chosen else "none"
        self.plot.setTitle(
            f"update {index:,}: φ(α) = f(x{k} + α·d{k}), {len(alphas)} trial(s), α = {accepted}",
            size="9pt",
        )
        self._stack.setCurrentWidget(self.plot_widget)

    def _frame(self, grid, along, value0: float, values) -> None:
        """α from 0 to past the widest trial; f from its lowest to a little above f(x_k) (a
        rejected trial far up would flatten the interesting part: it is left off screen)."""
        shown = np.concatenate([along[np.isfinite(along)], values[np.isfinite(values)]])
        low = float(np.min(shown)) if shown.size else value0 - 1.0
        high = value0 + 0.6 * max(value0 - low, 1e-12 * max(abs(value0), 1.0))
        self.plot.setXRange(0.0, float(grid[-1]), padding=0.02)
        self.plot.setYRange(low, high, padding=0.08)


def _drawable(values: np.ndarray) -> np.ndarray:
    out = np.array(values, dtype=float)
    out[~np.isfinite(out) | (np.abs(out) > 1e12)] = np.nan
    return out
