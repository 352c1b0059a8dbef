"""How the window's panels share a screen: minimum sizes, the View menu and the default layout.

On a 1024x700 screen every panel must stay readable and nothing may push the window past the
screen: the docks get minimum sizes that add up to less than that, the settings form scrolls
under a fixed Run bar, and a student who closed, floated or moved a dock can bring the first
layout back with View > Restore layout. The layout itself (which docks, where, how big) is
saved with the window on close (:class:`~gdexplorer.ui.settings_store.SettingsStore`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QWidget,
)

SMALLEST_SCREEN = QSize(1024, 700)
"""The smallest screen the window is laid out for: its minimum size fits inside."""
CONVERGENCE_MINIMUM = QSize(240, 150)
"""The two small convergence plots, f and |∇f| against k."""
INSPECTOR_MINIMUM = QSize(240, 170)
"""The inspector: the iterate, f and the gradient, and the first lines of the update."""
PLAYBACK_BREATHING = 16
"""Pixels between the iteration counter and the speed control of the playback bar."""


class ScrollWidthKeeper(QObject):
    """Keeps a vertical-only scroll area at least as wide as its content's minimum, also when
    the content changes (typed function / data mode): its horizontal bar is off, so anything
    narrower would cut the fields off at the right."""

    def __init__(self, scroll: QScrollArea, content: QWidget) -> None:
        super().__init__(scroll)
        self._scroll, self._content = scroll, content
        content.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        bar = self._scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        frame = 2 * self._scroll.frameWidth()
        self._scroll.setMinimumWidth(self._content.minimumSizeHint().width() + bar + frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._content and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return False


def fit_scroll_width(scroll: QScrollArea, content: QWidget) -> ScrollWidthKeeper:
    """The scroll area's minimum width follows its content's (see :class:`ScrollWidthKeeper`)."""
    return ScrollWidthKeeper(scroll, content)


def fit_within(window: QWidget, available: QRect) -> bool:
    """Shrink and move ``window`` so that it lies inside ``available`` (a screen's free area):
    a size stored on a big monitor, or the 1400x900 default, never spills off a small screen.

    True when the window had to change.
    """
    frame = window.frameGeometry()
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    width = min(window.width(), available.width() - extra.width())
    height = min(window.height(), available.height() - extra.height())
    changed = (width, height) != (window.width(), window.height())
    if changed:
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    frame = window.frameGeometry()
    left = min(max(frame.left(), available.left()), available.right() - frame.width() + 1)
    top = min(max(frame.top(), available.top()), available.bottom() - frame.height() + 1)
    if (left, top) != (frame.left(), frame.top()):
        window.move(max(left, available.left()), max(top, available.top()))
        changed = True
    return changed


def never_widen(*labels: QLabel) -> None:
    """Let one-line read-outs (the slice's fixed coordinates, the hover values) be cut at the
    panel's edge rather than widen the window: six variables or a long hover text must not push
    it past the screen. Their tooltips keep the whole text."""
    for label in labels:
        label.setSizePolicy(QSizePolicy.Policy.Ignored, label.sizePolicy().verticalPolicy())
        label.setMinimumWidth(0)


def set_side_minimums(convergence: QWidget, inspector: QWidget) -> None:
    """Give the side panels a usable minimum size (together they fit 700 px with the compare
    tabs, the menu and the status bar)."""
    convergence.setMinimumSize(CONVERGENCE_MINIMUM)
    inspector.setMinimumSize(INSPECTOR_MINIMUM)


class LayoutKeeper(QObject):
    """The View menu: each dock's show/hide toggle and "Restore layout".

    The layout to restore is the one the window had when :meth:`remember_default` was called
    (after building, before a stored layout is applied). ``after_restore`` runs once the layout
    is back, for docks whose visibility follows the form (the data panel in data mode).
    """

    def __init__(
        self,
        window: QMainWindow,
        docks: Sequence[QDockWidget],
        after_restore: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._docks = tuple(docks)
        self._after_restore = after_restore
        self._default = QByteArray()
        self.restore_action = QAction("&Restore layout", window)
        self.restore_action.setToolTip("Put every panel back where it was at the start")
        self.restore_action.triggered.connect(self.restore_default)

    def fill_menu(self, menu: QMenu) -> None:
        for dock in self._docks:
            menu.addAction(dock.toggleViewAction())
        self._menu = menu
        self._separator = menu.addSeparator()
        menu.addAction(self.restore_action)

    def add_dock(self, dock: QDockWidget) -> None:
        """A dock built after the menu (the Lessons panel): its toggle joins the others."""
        self._docks = (*self._docks, dock)
        self._menu.insertAction(self._separator, dock.toggleViewAction())

    def remember_default(self) -> None:
        self._default = self._window.saveState()

    @Slot()
    def restore_default(self) -> None:
        """Show, dock and size every panel as at the start."""
        for dock in self._docks:
            dock.setFloating(False)
        self._window.restoreState(self._default)
        if self._after_restore is not None:
            self._after_restore()
