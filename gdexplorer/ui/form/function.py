"""The function field: parsed as the student types, shown back as understood.

After a 250 ms pause in typing it shows ``f(x, y) = ...`` with its gradient, or the parser's
message in red under the field with a caret at the column it names. The debouncing, the
flush-on-Run and the inline error live in ``expression_field``, shared with data mode's loss.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gdexplorer.core.objective import Objective, build_objective
from gdexplorer.core.parse.hints import function_notes
from gdexplorer.ui.form.expression_field import DebouncedExpressionField, readable


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


class FunctionField(DebouncedExpressionField[Objective]):
    """The typed function, its parsed form and the parser's verdict.

    ``parsed`` carries the new :class:`Objective`; ``rejected`` the parser's message.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            placeholder="e.g. x^2 + 2y^2 or (1 - x)^2 + 100(y - x^2)^2",
            preview_tip="The function as gdexplorer understood it, and its gradient",
            first_error="type a function",
            parent=parent,
        )

    def _build(self, text: str) -> Objective:
        return build_objective(text, self._variables)

    def _show_preview(self, objective: Objective) -> None:
        self.preview.setText(describe(objective))

    def _notes(self, objective: Objective) -> tuple[str, ...]:
        return function_notes(objective.variables)
