"""A typed formula field, parsed after a pause in typing and shown back as understood.

The function field of the form and the loss field of data mode work the same way: parsing waits
for a 250 ms pause in typing (a QTimer restarted on every keystroke), then either shows a preview
of what was understood, or the problem in red under the field with a caret at the column it
names. Asking for the objective flushes a pending parse, so pressing Run right after typing uses
what was typed. Subclasses say only how text becomes an objective and how it is previewed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from gdexplorer.core.errors import ExpressionError, GdxError
from gdexplorer.ui.form.fields import INVALID_FIELD_STYLE, ErrorLabel, hint_label

if TYPE_CHECKING:
    import sympy

PARSE_DELAY_MS = 250
PREVIEW_LIMIT = 240
PREVIEW_STYLE = "color: palette(text); background: palette(alternate-base); padding: 4px;"

ObjectiveT = TypeVar("ObjectiveT")


def readable(expr: sympy.Expr) -> str:
    """One line, as a student writes it: ``100·(y - x^2)^2``."""
    import sympy  # already loaded by parse_function, which made the expression

    text = sympy.sstr(expr).replace("**", "^").replace("*", "·")
    return text if len(text) <= PREVIEW_LIMIT else text[: PREVIEW_LIMIT - 1] + "…"


def error_html(text: str, error: ExpressionError) -> str:
    """The message, and the typed text with a caret under the column it names."""
    message = f"<div>{html.escape(error.message)}</div>"
    if error.position is None or not text or len(text) > 120:
        return message
    caret = " " * min(error.position, len(text)) + "^"
    return (
        f"{message}<pre style='margin:0; font-family: monospace'>{html.escape(text)}\n{caret}</pre>"
    )


class DebouncedExpressionField(QWidget, Generic[ObjectiveT]):
    """A line edit parsed after a pause in typing, its preview and its inline error.

    Subclasses implement ``_build`` (text to objective, raising GdxError) and ``_show_preview``,
    and may override ``_unready`` to refuse without blaming the typed text (e.g. no data yet).

    Signals
    -------
    parsed(object):
        The text parsed into a new objective.
    rejected(str):
        The text does not parse; the message is shown under the field.
    """

    parsed = Signal(object)
    rejected = Signal(str)

    def __init__(
        self, placeholder: str, preview_tip: str, first_error: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.setClearButtonEnabled(True)
        self.error_label = ErrorLabel(self)
        self.note_label = hint_label(self)  # how an odd name was read (sinx, xy): not an error
        self.note_label.hide()
        self.preview = QLabel(self)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet(PREVIEW_STYLE)
        self.preview.setToolTip(preview_tip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.preview)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PARSE_DELAY_MS)
        self._timer.timeout.connect(self._on_parse_due)
        self._rewrap_timer = QTimer(self)  # see resizeEvent
        self._rewrap_timer.setSingleShot(True)
        self._rewrap_timer.setInterval(0)
        self._rewrap_timer.timeout.connect(self._on_rewrap_due)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self._objective: ObjectiveT | None = None
        self._error: str | None = first_error
        self._variables: tuple[str, ...] | None = None

    def text(self) -> str:
        return self.line_edit.text()

    def set_text(self, text: str, variables: Sequence[str] | None = None) -> None:
        """Show ``text`` and parse it now (with this variable order, if given)."""
        self._variables = tuple(variables) if variables is not None else None
        self.line_edit.setText(text)
        self.line_edit.setCursorPosition(0)  # show the beginning of a long formula
        self._parse_now()

    def variables(self) -> tuple[str, ...] | None:
        """The explicit variable order in use (from loaded settings), or None."""
        return self._variables

    def objective(self) -> ObjectiveT | None:
        """The parsed objective, or None when the text is wrong; parses pending edits first."""
        if self._timer.isActive():
            self._parse_now()
        return self._objective

    def error(self) -> str | None:
        return None if self._timer.isActive() else self._error

    def is_pending(self) -> bool:
        return self._timer.isActive()

    def note(self) -> str:
        """The gentle notes on how the text was read ('' when there are none)."""
        return self.note_label.text() if not self.note_label.isHidden() else ""

    def _notes(self, objective: ObjectiveT) -> tuple[str, ...]:
        """Notes on how ``objective``'s names were read (none by default)."""
        return ()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Have the form lay this field out again once its width has settled.

        The note and the preview wrap, so their height depends on the width; the form layout
        around the field keeps the height it computed for the earlier width (before the form's
        scroll bar appeared), which cut the preview's last line off under a note.
        """
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._rewrap_timer.start()

    @Slot()
    def _on_rewrap_due(self) -> None:
        self.updateGeometry()
        parent = self.parentWidget()
        rows = parent.layout() if parent is not None else None
        if rows is not None:
            rows.invalidate()

    def _build(self, text: str) -> ObjectiveT:
        """The objective ``text`` means; raises GdxError (ideally ExpressionError) if none."""
        raise NotImplementedError

    def _show_preview(self, objective: ObjectiveT) -> None:
        """Put what was understood in ``self.preview`` (shown afterwards)."""
        raise NotImplementedError

    def _unready(self, text: str) -> str | None:
        """Why nothing can be parsed yet, whatever the text says; None when it can be."""
        return None

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._variables = None  # an order loaded from settings belonged to the old text
        self._timer.start()

    @Slot()
    def _on_parse_due(self) -> None:
        self._parse()

    def _parse_now(self) -> None:
        self._timer.stop()
        self._parse()

    def _parse(self) -> None:
        text = self.line_edit.text()
        reason = self._unready(text)
        if reason is not None:
            self._reject(ExpressionError(reason), "", mark_text=False)
            return
        try:
            objective = self._build(text)
        except ExpressionError as problem:
            self._reject(problem, text)
            return
        except GdxError as problem:
            self._reject(ExpressionError(str(problem)), text)
            return
        self._accept(objective)

    def _accept(self, objective: ObjectiveT) -> None:
        self._objective = objective
        self._error = None
        self.error_label.show_message(None)
        self.line_edit.setStyleSheet("")
        self._show_preview(objective)
        notes = self._notes(objective)
        self.note_label.setText("\n".join(f"Note: {note}" for note in notes))
        self.note_label.setVisible(bool(notes))
        self.preview.show()
        self.parsed.emit(objective)

    def _reject(self, problem: ExpressionError, text: str, *, mark_text: bool = True) -> None:
        self._objective = None
        self._error = problem.message
        self.error_label.show_message(error_html(text, problem))
        self.line_edit.setStyleSheet(INVALID_FIELD_STYLE if mark_text else "")
        self.note_label.hide()
        self.preview.hide()
        self.rejected.emit(problem.message)
