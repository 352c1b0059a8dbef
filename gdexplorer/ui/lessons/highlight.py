"""Outline the controls a lesson step points at.

Each outline is a frame drawn over its control (a child of it, transparent for the mouse), so
the control looks and works as always and the outline follows it when it moves or resizes.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QScrollArea, QWidget

OUTLINE = "#f0a000"


class _Outline(QFrame):
    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("lesson_outline")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            f"#lesson_outline {{ border: 3px solid {OUTLINE}; border-radius: 4px; }}"
        )
        self.setGeometry(target.rect())
        self.show()
        self.raise_()


class Highlighter(QObject):
    """Draws outlines over widgets until told to clear them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outlines: dict[QWidget, _Outline] = {}
        self._first: QWidget | None = None

    @property
    def targets(self) -> list[QWidget]:
        return list(self._outlines)

    def show_on(self, widgets: list[QWidget]) -> None:
        """Outline exactly ``widgets`` (and scroll the first into view: a step names the
        control to use first)."""
        self.clear()
        for widget in widgets:
            self._outlines[widget] = _Outline(widget)
            widget.installEventFilter(self)
        if widgets:
            self._first = widgets[0]
            QTimer.singleShot(0, self._on_laid_out)  # after the form's new fields are laid out

    @Slot()
    def _on_laid_out(self) -> None:
        if self._first in self._outlines and shiboken6.isValid(self._first):
            _scroll_into_view(self._first)

    def clear(self) -> None:
        for widget, outline in self._outlines.items():
            widget.removeEventFilter(self)
            outline.hide()
            outline.deleteLater()
        self._outlines.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        outline = self._outlines.get(watched)  # type: ignore[call-overload]
        if outline is not None and event.type() == QEvent.Type.Resize:
            outline.setGeometry(outline.parentWidget().rect())
            outline.raise_()
        return False


def _scroll_into_view(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
            return
        if isinstance(parent, QAbstractScrollArea):
            return
        parent = parent.parentWidget()
