"""The form's line-search choice: none, Armijo backtracking (shrink, c) or exact.

It sits in the optimizer group and follows the chosen variant: a line search drives gradient
descent and Newton's method only (the other variants keep a state a search would ignore, see
:mod:`gdexplorer.core.stepsize.search_settings`), so for them the choice is set to none and
disabled, with the reason beside it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from gdexplorer.core.stepsize.search_settings import (
    DEFAULT_ARMIJO_C,
    DEFAULT_SHRINK,
    MAX_TRIALS,
    SEARCHING_VARIANTS,
    LineSearchSettings,
)
from gdexplorer.ui.form.fields import NumberField, hint_label

CHOICES = (
    ("None (step length lr)", None),
    ("Armijo backtracking", "armijo"),
    ("Exact (minimize along the ray)", "exact"),
)
HINTS = {
    None: "",
    "armijo": f"Tries α = lr, lr·shrink, … (at most {MAX_TRIALS}) until f(x + αd) ≤ f(x) + "
    "c·α·∇fᵀd: each step lowers f enough.",
    "exact": "Takes the α that minimizes f(x + αd): the closed form −∇fᵀd / dᵀHd when the "
    "Hessian is constant, else a bracket and Brent's method.",
}


def _open_unit_interval(value: float) -> str | None:
    return None if 0 < value < 1 else "must be greater than 0 and less than 1"


class LineSearchGroup(QWidget):
    """The line-search combo, Armijo's shrink and c, and a hint saying what the choice does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        for title, name in CHOICES:
            self.combo.addItem(title, name)
        form.addRow("Line search", self.combo)
        self.shrink = NumberField(DEFAULT_SHRINK, _open_unit_interval, self)
        self.shrink.setToolTip("Armijo: multiply the trial step length by this after a failure")
        form.addRow("shrink", self.shrink)
        self.c = NumberField(DEFAULT_ARMIJO_C, _open_unit_interval, self)
        self.c.setToolTip("Armijo: the fraction of the predicted decrease a step must achieve")
        form.addRow("c", self.c)
        self.hint = hint_label(self)
        form.addRow(self.hint)
        self._form = form
        self.combo.currentIndexChanged.connect(self._show_choice)
        self._show_choice()

    def fields(self) -> dict[str, LineSearchSettings | None] | None:
        """``{"line_search": settings}`` for a RunConfig, or None while a field is wrong."""
        name = self.combo.currentData() if self.combo.isEnabled() else None
        if name is None:
            return {"line_search": None}
        if name == "exact":
            return {"line_search": LineSearchSettings("exact")}
        shrink, c = self.shrink.value(), self.c.value()
        if shrink is None or c is None:
            return None
        return {"line_search": LineSearchSettings("armijo", shrink, c)}

    def set_settings(self, settings: LineSearchSettings | None) -> None:
        """Show ``settings`` (a preset, a settings file, the last session)."""
        name = settings.name if settings is not None else None
        self.combo.setCurrentIndex(max(self.combo.findData(name), 0))
        if settings is not None and settings.name == "armijo":
            self.shrink.set_value(DEFAULT_SHRINK if settings.shrink is None else settings.shrink)
            self.c.set_value(DEFAULT_ARMIJO_C if settings.c is None else settings.c)

    def follow_variant(self, variant: str) -> None:
        """Offer the choice only to the variants a line search can drive."""
        allowed = variant in SEARCHING_VARIANTS
        self.combo.setEnabled(allowed)
        if not allowed:
            self.combo.setCurrentIndex(0)
        self._show_choice()
        if not allowed:
            self.hint.setText("Line searches work with gradient descent and Newton's method.")
            self.hint.setVisible(True)

    def _show_choice(self) -> None:
        name = self.combo.currentData()
        armijo = name == "armijo"
        for field in (self.shrink, self.c):
            self._form.setRowVisible(field, armijo)
            field.set_active(armijo)
        self.hint.setText(HINTS[name])
        self.hint.setVisible(bool(HINTS[name]))
