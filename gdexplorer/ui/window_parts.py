"""Small pieces of the main window that need none of its state: docks, menu actions, the
About box and dropped files (the Help pages are in :mod:`.help_dialogs`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gdexplorer import __version__
from gdexplorer.core.objective import Objective
from gdexplorer.core.trajectory import Trajectory


def add_dock(
    window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    """A movable, floatable, closable dock named after the first word of its title (the
    name is how the stored window layout finds it again)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock_{title.split()[0].lower()}")
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    return dock


def scrolled(widget: QWidget, min_width: int) -> QScrollArea:
    """``widget`` in a vertical scroll area at least ``min_width`` wide (the settings form)."""
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(min_width)
    return scroll


def stacked(top: QWidget, bottom: QWidget) -> QWidget:
    """``top`` over ``bottom``, edge to edge; ``top`` takes the spare height."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(top, 1)
    layout.addWidget(bottom)
    return column


def add_action(
    menu: QMenu,
    text: str,
    slot: Callable[[], object],
    shortcut: str | QKeySequence.StandardKey | None = None,
) -> QAction:
    """An action of ``menu`` that calls ``slot``, with an optional shortcut."""
    action = QAction(text, menu.parent())
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def about_html() -> str:
    return (
        f"<p><b>gdexplorer {__version__}</b></p><p>Type a function, run gradient descent on "
        "it and step through every iteration: the path on the landscape, f and |∇f| "
        "against the iteration, and each update written out with its numbers.</p>"
    )


def show_message(parent: QWidget, title: str, html: str) -> None:
    """A non-modal message box that deletes itself when closed."""
    box = QMessageBox(QMessageBox.Icon.Information, title, html, parent=parent)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()


def dropped_path(event: QDropEvent | QDragEnterEvent) -> str | None:
    """The first local .json or .csv file being dropped, if any."""
    for url in event.mimeData().urls():
        path = url.toLocalFile()
        if path.lower().endswith((".json", ".csv")):
            return path
    return None


def plots_on(objective: Objective | None, trajectory: Trajectory) -> bool:
    """Whether a trajectory without settings can be shown on the typed function."""
    return objective is not None and objective.variables == trajectory.variables


def unknown_function_message(trajectory: Trajectory) -> str:
    return (
        "That CSV has no settings file beside it, so its function is unknown; "
        f"type a function of {', '.join(trajectory.variables)} first"
    )
