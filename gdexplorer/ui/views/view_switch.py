"""The centre of the window: the contour, the 3-D surface, or both side by side.

A row of three buttons chooses what the centre shows. Side by side needs room
(:data:`SIDE_BY_SIDE_WIDTH`): in a narrower centre its button is disabled and, if it was
chosen, the surface alone is shown until the centre is wide enough again. For a function of
one variable only the curve is offered.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdexplorer.ui.views.plot_view import PlotView
from gdexplorer.ui.views.surface_view import SurfaceView

SIDE_BY_SIDE_WIDTH = 900
"""The centre's width (pixels) from which contour and surface fit side by side."""


class ViewMode(Enum):
    """What the centre shows (the values are the command line's ``--view`` words)."""

    CONTOUR = "contour"
    SURFACE = "3d"
    BOTH = "both"


class CentralViews(QWidget):
    """The contour and the surface in a splitter, with the buttons that choose between them.

    Signals
    -------
    mode_changed(ViewMode):
        What the centre shows changed (by a button or :meth:`set_mode`).
    """

    mode_changed = Signal(object)

    def __init__(self, plot: PlotView, surface: SurfaceView, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot, self.surface = plot, surface
        self._mode = ViewMode.CONTOUR
        self._wanted = ViewMode.CONTOUR  # what was chosen, shown again when offered again
        self._wide = False
        self.buttons: dict[ViewMode, QToolButton] = {}
        group = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 3, 6, 0)
        bar.setSpacing(0)
        texts = {ViewMode.CONTOUR: "Contour", ViewMode.SURFACE: "3-D surface",
                 ViewMode.BOTH: "Side by side"}  # fmt: skip
        for mode, text in texts.items():
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setAutoRaise(False)
            group.addButton(button)
            bar.addWidget(button)
            self.buttons[mode] = button
            button.clicked.connect(self._on_button_clicked)
        bar.addStretch(1)
        self.buttons[ViewMode.CONTOUR].setChecked(True)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(plot)
        self.splitter.addWidget(surface)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        surface.offered_changed.connect(self._on_offered_changed)
        self._on_offered_changed(surface.offered)
        self._apply()

    def mode(self) -> ViewMode:
        return self._mode

    def set_mode(self, mode: ViewMode) -> None:
        """Show the contour, the surface or both (the surface only when it is offered: for a
        function of one variable the contour's curve shows, and the choice comes back with
        a function of two)."""
        self._wanted = mode
        self._show(mode)

    def view_problem(self) -> str | None:
        """Why the chosen 3-D view cannot be shown (for ``--screenshot --view 3d``), or None."""
        if self._wanted is ViewMode.CONTOUR:
            return None
        if self.surface.problem is not None:
            return f"3-D needs OpenGL: {self.surface.problem}"
        if not self.surface.offered:
            return "the 3-D view needs a function of two or more variables"
        return None

    def _show(self, mode: ViewMode) -> None:
        if mode is not ViewMode.CONTOUR and not self.surface.offered:
            mode = ViewMode.CONTOUR
        self.buttons[mode].setChecked(True)
        if mode is not self._mode:
            self._mode = mode
            self._apply()
            self.mode_changed.emit(mode)

    def _apply(self) -> None:
        """Show the widgets the mode asks for, as the centre's width allows."""
        wide = self._wide = self.width() >= SIDE_BY_SIDE_WIDTH
        self.buttons[ViewMode.BOTH].setEnabled(wide and self.surface.offered)
        if self._mode is ViewMode.BOTH:  # narrow: the surface shows, and its button says so
            self.buttons[ViewMode.BOTH if wide else ViewMode.SURFACE].setChecked(True)
        shows_plot = self._mode is ViewMode.CONTOUR or (self._mode is ViewMode.BOTH and wide)
        shows_surface = self._mode is not ViewMode.CONTOUR
        self.plot.setVisible(shows_plot)
        self.surface.setVisible(shows_surface)
        if shows_plot and shows_surface:
            half = max(self.splitter.width() // 2, 1)
            self.splitter.setSizes([half, half])

    @Slot()
    def _on_button_clicked(self) -> None:
        for mode, button in self.buttons.items():
            if button.isChecked():
                self.set_mode(mode)
                return

    @Slot(bool)
    def _on_offered_changed(self, offered: bool) -> None:
        tip = "" if offered else "A function of one variable: its curve is the picture"
        for mode in (ViewMode.SURFACE, ViewMode.BOTH):
            self.buttons[mode].setEnabled(offered)
            self.buttons[mode].setToolTip(tip)
        self._show(self._wanted)
        self._apply()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if (self.width() >= SIDE_BY_SIDE_WIDTH) != self._wide:
            self._apply()
