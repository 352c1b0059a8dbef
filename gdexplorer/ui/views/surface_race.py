"""The race drawn on the 3-D surface as well: :class:`RaceOverlay` that tells a SurfaceView.

The Compare dock drives one race overlay (show the runs, move to iteration k, select a run,
clear). This subclass passes each of those calls on to the 3-D view after drawing the 2-D
race, so the dock needs no change and the surface shows the same runs in the same colours.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Slot

from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.multi_path import RaceEntry, RaceOverlay
from gdexplorer.ui.views.plot_view import PlotView
from gdexplorer.ui.views.surface_view import SurfaceView


class SurfaceRaceOverlay(RaceOverlay):
    """A race on the contour, the convergence plots and the 3-D surface."""

    def __init__(
        self, plot_view: PlotView, convergence: ConvergenceView, surface: SurfaceView
    ) -> None:
        super().__init__(plot_view, convergence)
        self.surface = surface

    def show_runs(self, entries: Sequence[RaceEntry], selected: int | None = None) -> None:
        super().show_runs(entries, selected)
        if self.entries:
            self.surface.show_race(self.entries, selected, self._index)

    def clear(self) -> None:
        super().clear()
        self.surface.clear_race()

    @Slot(int)
    def show_iteration(self, index: int) -> None:
        super().show_iteration(index)
        if self.entries:
            self.surface.race_iteration(self._index)

    def set_selected(self, selected: int | None) -> None:
        super().set_selected(selected)
        if self.entries:
            self.surface.select_race(selected)
