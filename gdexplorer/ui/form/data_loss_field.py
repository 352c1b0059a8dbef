"""The per-example loss field of data mode: parsed as the student types, names sorted out.

Every name in the loss that is a column of the data is data; every other name is a parameter
to learn. After a 250 ms pause in typing the field shows which is which, the loss and its
partial derivatives, or the problem in red (a typo, a column that seems missing, no parameters
left). Parameters are listed in the order they first appear in the loss, so ``(w*x + b - y)^2``
puts w across and b up on the contour, as a student reads it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from gdexplorer.core.data.datasets import Dataset, split_columns, standardize
from gdexplorer.core.data.objective import DataObjective, build_data_objective
from gdexplorer.core.parse.hints import function_notes
from gdexplorer.ui.form.expression_field import DebouncedExpressionField, readable

NO_DATA = "load a data set or pick a sample first"
LINE_LIMIT = 90
"""Longer formulas (the overflow-free cross-entropy) are cut in the preview; its tooltip has
them whole."""


def appearance_order(text: str, names: Sequence[str]) -> tuple[str, ...]:
    """``names`` sorted by where each first appears in ``text`` as a whole word."""

    def first(name: str) -> int:
        found = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        return found.start() if found else len(text)

    return tuple(sorted(names, key=first))


def build_loss(
    text: str, dataset: Dataset, variables: Sequence[str] | None, standardized: bool
) -> DataObjective:
    """The objective the run will use: parameters in reading order, features rescaled if asked.

    Raises ExpressionError or DataError (with a message for the student) when it cannot.
    """
    objective = build_data_objective(text, dataset, variables)
    if variables is None:
        order = appearance_order(text, objective.variables)
        by_name = dict(zip(objective.variables, objective.symbols, strict=True))
        objective = dataclasses.replace(objective, symbols=tuple(by_name[n] for n in order))
    if standardized:
        features, _ = split_columns(objective.data_columns, dataset.columns)
        objective = dataclasses.replace(objective, dataset=standardize(dataset, features))
    return objective


def describe_loss(objective: DataObjective, limit: int | None = None) -> str:
    """Which names are data, which are parameters, the loss and its partial derivatives.

    With ``limit`` (the preview), lines longer than that are cut with "…", and partial
    derivatives that long (the cross-entropy's) are named only: the tooltip shows them whole.
    """
    params = ", ".join(objective.variables)
    used = set(objective.data_columns)
    unused = [c for c in objective.dataset.columns if c not in used]
    lines = [f"data: {', '.join(objective.data_columns)}"]
    if unused:
        lines[0] += f"   (not used: {', '.join(unused)})"
    lines.append(f"parameters: {params}")
    lines.append(f"ℓ = {readable(objective.expr)}")
    lines.append(f"L({params}) = mean of ℓ over the examples")
    partials = [
        f"∂ℓ/∂{name} = {readable(derivative)}"
        for name, derivative in zip(objective.variables, objective.gradient_exprs, strict=True)
    ]
    if limit is not None and any(len(line) > limit for line in partials):
        names = ", ".join(f"∂ℓ/∂{name}" for name in objective.variables)
        partials = [f"{names}: long; hover here to read them"]
    lines = [line.replace("Abs(", "abs(") for line in lines + partials]
    if limit is not None:
        lines = [line if len(line) <= limit else line[: limit - 1] + "…" for line in lines]
    return "\n".join(lines)


class LossField(DebouncedExpressionField[DataObjective]):
    """The typed per-example loss, checked against the data set.

    ``parsed`` carries the new :class:`DataObjective` (the loss with the data); ``rejected``
    the reason there is none, shown under the field.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            placeholder="e.g. (w*x + b - y)^2",
            preview_tip="How gdexplorer reads the loss: data, parameters, gradient",
            first_error=NO_DATA,
            parent=parent,
        )
        self.line_edit.setToolTip(
            "The loss of one example. Column names are data; every other name is a parameter."
        )
        self._dataset: Dataset | None = None
        self._standardized = False
        self.preview.hide()

    def variables(self) -> tuple[str, ...] | None:
        """The parameter order to record: as loaded, or the reading order when it differs
        from the default (alphabetical) one, else None."""
        if self._variables is not None or self._objective is None:
            return self._variables
        names = self._objective.variables
        return None if list(names) == sorted(names) else names

    def set_data(self, dataset: Dataset | None, standardized: bool) -> None:
        """Check the loss against another data set (or the same one, rescaled or not)."""
        self._dataset, self._standardized = dataset, standardized
        self._parse_now()

    def _unready(self, text: str) -> str | None:
        if self._dataset is None:
            return NO_DATA
        if not text.strip():
            return "type the loss of one example, or pick a model"
        return None

    def _build(self, text: str) -> DataObjective:
        assert self._dataset is not None  # _unready refused otherwise
        return build_loss(text, self._dataset, self._variables, self._standardized)

    def _show_preview(self, objective: DataObjective) -> None:
        self.preview.setText(describe_loss(objective, LINE_LIMIT))
        self.preview.setToolTip(describe_loss(objective))

    def _notes(self, objective: DataObjective) -> tuple[str, ...]:
        """``wx`` in a loss is a parameter named "wx", not w times the column x: say so."""
        return function_notes(objective.variables)
