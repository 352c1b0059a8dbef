"""The form's field widgets: numbers checked as typed, a log-scale learning rate.

Every field shows its own problem inline (red text under it) and reports whether it is valid,
so the form can disable Run; a typo never opens a dialog.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #c0392b;"
INVALID_FIELD_STYLE = "QLineEdit { border: 1px solid #c0392b; }"

HINT_STYLE = "color: palette(placeholder-text);"
HYPERPARAMETER_LABELS = {
    "momentum": "Momentum",
    "beta1": "β₁",
    "beta2": "β₂",
    "rho": "ρ",
    "eps": "ε",
}
HYPERPARAMETER_TIPS = {
    "momentum": "How much of the previous velocity is kept each step (0: plain gradient descent)",
    "beta1": "Decay of the running mean of gradients m",
    "beta2": "Decay of the running mean of squared gradients v",
    "rho": "Decay of the running mean of squared gradients s",
    "eps": "Added to the denominator so it is never zero",
}
Check = Callable[[float], str | None]
"""Returns what is wrong with a value, or None when it is fine."""


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``2``, ``0.001``, ``1e-08``)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def parse_number(text: str) -> float:
    """A finite float from typed text (scientific notation allowed); ValueError otherwise."""
    cleaned = text.strip().replace("−", "-")
    if not cleaned:
        raise ValueError("type a number")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a number (write e.g. 0.5 or 1e-3)") from None
    if not math.isfinite(value):
        raise ValueError("the number must be finite")
    return value


def positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 (off) or positive"


def unit_interval(value: float) -> str | None:
    return None if 0 <= value < 1 else "must be at least 0 and less than 1"


def difference_step(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be greater than 0 and at most 1"


class ErrorLabel(QLabel):
    """Red, word-wrapped, hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class NumberField(QWidget):
    """A line edit for any finite float, with the reason it is wrong shown under it.

    Signals
    -------
    edited():
        The text changed (typed or set); ``value()`` may now be None.
    """

    edited = Signal()

    def __init__(
        self, value: float, check: Check | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._check = check
        self.line_edit = QLineEdit(number_text(value), self)
        self.error_label = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.error_label)
        self.line_edit.textChanged.connect(self._on_text_changed)
        self._error: str | None = None

    def value(self) -> float | None:
        """The number, or None while the text is not acceptable."""
        try:
            value = parse_number(self.line_edit.text())
        except ValueError:
            return None
        return value if self._check is None or self._check(value) is None else None

    def set_value(self, value: float) -> None:
        self.line_edit.setText(number_text(value))

    def error(self) -> str | None:
        return self._error

    def set_active(self, active: bool) -> None:
        """Enable or disable; a disabled field never counts as wrong (h for exact gradients)."""
        self.setEnabled(active)
        self._on_text_changed(self.line_edit.text())

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        self._error = None
        if self.isEnabled():
            try:
                value = parse_number(text)
                self._error = self._check(value) if self._check else None
            except ValueError as problem:
                self._error = str(problem)
        self.error_label.show_message(self._error)
        self.line_edit.setStyleSheet(INVALID_FIELD_STYLE if self._error else "")
        self.edited.emit()


class LearningRateControl(QWidget):
    """A slider over log10(learning rate) coupled to a field that takes any positive number.

    The slider spans 1e-6 .. 10 so one drag explores orders of magnitude; the field accepts
    any positive value (the slider then rests at its nearest end).
    """

    edited = Signal()

    LOG_MIN, LOG_MAX, STEPS_PER_DECADE = -6, 1, 20

    def __init__(self, value: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = NumberField(value, positive, self)
        self.field.line_edit.setMaximumWidth(110)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(
            self.LOG_MIN * self.STEPS_PER_DECADE, self.LOG_MAX * self.STEPS_PER_DECADE
        )
        self.slider.setToolTip("Learning rate on a log scale: each notch is a factor of 10^(1/20)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.slider, 1, Qt.AlignmentFlag.AlignTop)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.field.edited.connect(self._on_field_edited)
        self._on_field_edited()

    def value(self) -> float | None:
        return self.field.value()

    def set_value(self, value: float) -> None:
        self.field.set_value(value)

    @Slot(int)
    def _on_slider_moved(self, position: int) -> None:
        value = float(f"{10 ** (position / self.STEPS_PER_DECADE):.3g}")
        current = self.field.value()
        if current is None or self._slider_position(current) != position:
            self.field.set_value(value)

    @Slot()
    def _on_field_edited(self) -> None:
        value = self.field.value()
        if value is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(self._slider_position(value))
            self.slider.blockSignals(False)
        self.edited.emit()

    def _slider_position(self, value: float) -> int:
        return round(math.log10(value) * self.STEPS_PER_DECADE)


class StartPointFields(QWidget):
    """One number field per variable, rebuilt when the variables change.

    Values of variables that keep their name survive a rebuild, so editing ``x^2 + y^2`` into
    ``x^2 + y^2 + z^2`` keeps x and y and adds z.
    """

    edited = Signal()
    NEW_VARIABLE_VALUE = 1.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._fields: dict[str, NumberField] = {}
        self._setting = False

    def variables(self) -> tuple[str, ...]:
        return tuple(self._fields)

    def rebuild(self, variables: tuple[str, ...]) -> None:
        if variables == self.variables():
            return
        kept = {name: field.value() for name, field in self._fields.items()}
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._fields = {}
        for name in variables:
            value = kept.get(name)
            field = NumberField(self.NEW_VARIABLE_VALUE if value is None else value, None, self)
            field.line_edit.setObjectName(f"start_{name}")
            field.edited.connect(self._on_field_edited)
            self._layout.addRow(f"{name}₀", field)
            self._fields[name] = field
        self.edited.emit()

    def field(self, name: str) -> NumberField:
        return self._fields[name]

    def values(self) -> tuple[float, ...] | None:
        """The start point, or None while a coordinate is not a number."""
        values = tuple(field.value() for field in self._fields.values())
        if not values or any(v is None for v in values):
            return None
        return values  # type: ignore[return-value]

    def set_values(self, point: Sequence[float]) -> None:
        """Set every coordinate, then report one edit (not one per coordinate)."""
        self._setting = True
        try:
            for field, value in zip(self._fields.values(), point, strict=False):
                field.set_value(float(value))
        finally:
            self._setting = False
        self.edited.emit()

    @Slot()
    def _on_field_edited(self) -> None:
        if not self._setting:
            self.edited.emit()

    def has_error(self) -> bool:
        return any(field.error() for field in self._fields.values())


def hint_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
