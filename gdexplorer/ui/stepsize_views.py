"""The window's step-size views: the φ(α) dock and the local quadratic model over the plot.

:func:`install_step_size_views` builds both, registers them with the stage and adds their
entries to the View menu, so the main window wires them with one line. The φ(α) dock appears
when a run with a line search is shown; the quadratic model is a check box of the View menu,
switched on the first time a Newton run is shown (until the student sets it themselves).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction

from gdexplorer.ui import window_parts as parts
from gdexplorer.ui.views.line_search_view import LineSearchView
from gdexplorer.ui.views.quadratic_overlay import QuadraticOverlay

if TYPE_CHECKING:
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.stage import ShownRun


ROOMY_HEIGHT = 800
"""Below this window height the φ(α) dock shares the inspector's place as a tab."""


class StepSizeViews(QObject):
    """Owns the φ(α) view, its dock and the quadratic model overlay; follows the stage."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.line_search = LineSearchView()
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.dock = parts.add_dock(window, "Line search φ(α)", self.line_search, right)
        window.splitDockWidget(window.inspector_dock, self.dock, Qt.Orientation.Vertical)
        self.dock.hide()
        self.overlay = QuadraticOverlay(window.plot)
        self.model_action = QAction("Local &quadratic model on the plot", window)
        self.model_action.setCheckable(True)
        self.model_action.setToolTip("Draw the second-order Taylor model of f at iteration k")
        self.model_action.toggled.connect(self.overlay.set_enabled)
        self.model_action.triggered.connect(self._on_model_chosen)
        self._model_chosen = False
        self._search_choice = window.form.optimizer.line_search
        window.form.mode_switch.mode_changed.connect(self._on_data_mode_changed)
        window.stage.add_view(self.line_search)
        window.stage.add_view(self.overlay)
        window.stage.add_view(self)
        view_menu = _menu(window, "&View")
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.dock.toggleViewAction())
            view_menu.addAction(self.model_action)

    def show_run(self, shown: ShownRun) -> None:
        run = shown.run
        if run is not None and run.config.line_search is not None:
            self.reveal_dock()
        if run is not None and run.config.variant == "newton" and not self._model_chosen:
            self.model_action.setChecked(True)

    def reveal_dock(self) -> None:
        """Show the φ(α) dock in its place (a run with a line search, a lesson pointing at it):
        a tab beside the inspector in a small window, else under it with its share of height."""
        if not self.dock.isHidden():
            return
        if self._window.height() < ROOMY_HEIGHT:  # a small window: a tab beside the inspector
            self._window.tabifyDockWidget(self._window.inspector_dock, self.dock)
        self.dock.show()
        QTimer.singleShot(0, self._share_height)  # once the dock has its first geometry

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass

    def show_iteration(self, index: int) -> None:
        pass

    def clear(self) -> None:
        pass

    @Slot()
    def _share_height(self) -> None:
        """Split the right-hand column: convergence 40 %, inspector and φ(α) 30 % each."""
        window = self._window
        docks = [window.convergence_dock, window.inspector_dock, self.dock]
        if any(dock.isFloating() or dock.isHidden() for dock in docks):
            return
        if window.tabifiedDockWidgets(self.dock):
            return  # sharing a place as tabs: nothing to split
        total = sum(dock.height() for dock in docks)
        shares = [int(total * 0.4), int(total * 0.3), int(total * 0.3)]
        window.resizeDocks(docks, shares, Qt.Orientation.Vertical)

    @Slot(bool)
    def _on_data_mode_changed(self, data: bool) -> None:
        """A run on data has no line search (refused): the choice leaves the form there."""
        self._search_choice.setVisible(not data)

    @Slot(bool)
    def _on_model_chosen(self, _checked: bool) -> None:
        self._model_chosen = True  # the student decides from now on


def _menu(window: MainWindow, title: str):
    for action in window.menuBar().actions():
        if action.text() == title:
            return action.menu()
    return None


def install_step_size_views(window: MainWindow) -> StepSizeViews:
    """Build the step-size views into ``window`` (after its stage and menus exist)."""
    return StepSizeViews(window)
