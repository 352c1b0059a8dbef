"""The function field: parsed as the student types, shown back as understood.

Parsing waits for a 250 ms pause in typing (a QTimer restarted on every keystroke), then either
shows ``f(x, y) = ...`` with its gradient, or the parser's message in red under the field with a
caret at the column it names. Asking for the objective flushes a pending parse, so pressing Run
right after typing uses what was typed.
"""

from __future__ import annotations

import html

import sympy
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from gdexplorer.core.errors import ExpressionError, GdxError
from gdexplorer.core.objective import Objective, build_objective
from gdexplorer.ui.form_fields import INVALID_FIELD_STYLE, ErrorLabel

PARSE_DELAY_MS = 250
PREVIEW_LIMIT = 240
PREVIEW_STYLE = "color: palette(text); background: palette(alternate-base); padding: 4px;"


def readable(expr: sympy.Expr) -> str:
    """One line, as a student writes it: ``100·(y - x^2)^2``."""
    text = sympy.sstr(expr).replace("**", "^").replace("*", "·")
    return text if len(text) <= PREVIEW_LIMIT else text[: PREVIEW_LIMIT - 1] + "…"


def describe(objective: Objective) -> str:
    """``f(x, y) = ...`` and one line per partial derivative."""
    names = ", ".join(objective.variables)
    lines = [f"f({names}) = {readable(objective.expr)}"]
    if objective.dimension == 1:
        lines.append(f"f'({names}) = {readable(objective.gradient_exprs[0])}")
        return "\n".join(lines)
    for name, derivative in zip(objective.variables, objective.gradient_exprs, strict=True):
        lines.append(f"∂f/∂{name} = {readable(derivative)}")
    return "\n".join(lines)


def error_html(text: str, error: ExpressionError) -> str:
    """The message, and the typed text with a caret under the column it names."""
    message = f"<div>{html.escape(error.message)}</div>"
    if error.position is None or not text or len(text) > 120:
        return message
    caret = " " * min(error.position, len(text)) + "^"
    return (
        f"{message}<pre style='margin:0; font-family: monospace'>{html.escape(text)}\n{caret}</pre>"
    )


class FunctionField(QWidget):
    """The typed function, its parsed form and the parser's verdict.

    Signals
    -------
    parsed(Objective):
        The text parsed into a new objective.
    rejected(str):
        The text does not parse; the message is shown under the field.
    """

    parsed = Signal(object)
    rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText("e.g. x^2 + 2y^2 or (1 - x)^2 + 100(y - x^2)^2")
        self.line_edit.setClearButtonEnabled(True)
        self.preview = QLabel(self)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet(PREVIEW_STYLE)
        self.preview.setToolTip("The function as gdexplorer understood it, and its gradient")
        self.error_label = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.preview)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PARSE_DELAY_MS)
        self._timer.timeout.connect(self._on_parse_due)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self._objective: Objective | None = None
        self._error: str | None = "type a function"
        self._variables: tuple[str, ...] | None = None

    def text(self) -> str:
        return self.line_edit.text()

    def set_text(self, text: str, variables: tuple[str, ...] | None = None) -> None:
        """Show ``text`` and parse it now (with this variable order, if given)."""
        self._variables = variables
        self.line_edit.setText(text)
        self.line_edit.setCursorPosition(0)  # show the beginning of a long function
        self._timer.stop()
        self._parse()

    def variables(self) -> tuple[str, ...] | None:
        """The explicit variable order in use (from loaded settings), or None."""
        return self._variables

    def objective(self) -> Objective | None:
        """The parsed function, or None when the text is wrong; parses pending edits first."""
        if self._timer.isActive():
            self._timer.stop()
            self._parse()
        return self._objective

    def error(self) -> str | None:
        return None if self._timer.isActive() else self._error

    def is_pending(self) -> bool:
        return self._timer.isActive()

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._variables = None  # an order loaded from settings belonged to the old text
        self._timer.start()

    @Slot()
    def _on_parse_due(self) -> None:
        self._parse()

    def _parse(self) -> None:
        text = self.line_edit.text()
        try:
            objective = build_objective(text, self._variables)
        except ExpressionError as problem:
            self._reject(problem, text)
            return
        except GdxError as problem:
            self._reject(ExpressionError(str(problem)), text)
            return
        self._objective = objective
        self._error = None
        self.error_label.show_message(None)
        self.line_edit.setStyleSheet("")
        self.preview.setText(describe(objective))
        self.preview.show()
        self.parsed.emit(objective)

    def _reject(self, problem: ExpressionError, text: str) -> None:
        self._objective = None
        self._error = problem.message
        self.error_label.show_message(error_html(text, problem))
        self.line_edit.setStyleSheet(INVALID_FIELD_STYLE)
        self.preview.hide()
        self.rejected.emit(problem.message)
