"""The row above the plot: which two variables a slice shows, the hover read-out, "fit view"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from gdexplorer.ui import style


class PlotHeader(QWidget):
    """Axis choosers (3+ variables only), the slice's fixed coordinates and the hover text.

    Signals
    -------
    axes_changed(int, int):
        The student chose other variables for the horizontal and vertical axes.
    fit_requested():
        "Fit view" was pressed: show the start, the path and the minima again.
    equal_scales_toggled(bool):
        "Equal scales" was switched: one unit is as long on both axes (the true shape of a
        valley, and -grad f perpendicular to the level lines) or each axis fits its range.
    legend_toggled(bool):
        "Legend" was switched: the legend above the plot is shown or hidden.
    """

    axes_changed = Signal(int, int)
    fit_requested = Signal()
    equal_scales_toggled = Signal(bool)
    legend_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontal = QComboBox()
        self.vertical = QComboBox()
        self.horizontal.setToolTip("The variable along the horizontal axis of the slice")
        self.vertical.setToolTip("The variable along the vertical axis of the slice")
        # Arrows, not words: with a slice's two axis choices, words would push the header (and
        # the window) past 1024 px; each arrow's tooltip says which axis it is.
        self._axis_labels = (QLabel("→"), QLabel("↑"))
        self._axis_labels[0].setToolTip(self.horizontal.toolTip())
        self._axis_labels[1].setToolTip(self.vertical.toolTip())
        self.slice_label = QLabel()
        self.slice_label.setToolTip(
            "With more than two variables the plot is a slice: the other variables are held "
            "at the current iterate's values (the start's before a run)."
        )
        self.hover_label = QLabel()
        self.hover_label.setFont(style.mono_font())
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit view")
        self.fit_button.setToolTip(
            "Show the start, the known minima and the path up to the current iterate, and "
            "follow the iterate again (panning or zooming stops following it)"
        )
        self.equal_scales = QCheckBox("Equal scales")
        self.equal_scales.setChecked(True)
        self.equal_scales.setToolTip(
            "One unit is as long on both axes, so elongated valleys look elongated and -∇f "
            "is drawn perpendicular to the level lines. Untick to stretch each axis to its range."
        )
        self.legend_box = QCheckBox("Legend")
        self.legend_box.setChecked(True)
        self.legend_box.setToolTip("Show the legend above the plot")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 0)
        for widget in (self._axis_labels[0], self.horizontal, self._axis_labels[1]):
            layout.addWidget(widget)
        layout.addWidget(self.vertical)
        layout.addWidget(self.slice_label)
        layout.addStretch(1)
        layout.addWidget(self.hover_label)
        layout.addWidget(self.legend_box)
        layout.addWidget(self.equal_scales)
        layout.addWidget(self.fit_button)
        self.horizontal.currentIndexChanged.connect(self._on_horizontal_changed)
        self.vertical.currentIndexChanged.connect(self._on_vertical_changed)
        self.fit_button.clicked.connect(self.fit_requested)
        self.equal_scales.toggled.connect(self.equal_scales_toggled)
        self.legend_box.toggled.connect(self.legend_toggled)
        self._current = (0, 1)
        self.set_variables((), (0, 1))

    def set_variables(self, names: Sequence[str], axes: tuple[int, ...]) -> None:
        """Offer ``names`` in both choosers (hidden when empty: 1 or 2 variables)."""
        shown = len(names) >= 3
        for combo in (self.horizontal, self.vertical):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(names))
            combo.blockSignals(False)
        if shown:
            self._set_indices(axes[0], axes[1])
        for widget in (self.horizontal, self.vertical, *self._axis_labels, self.slice_label):
            widget.setVisible(shown)
        self.slice_label.clear()
        self.hover_label.clear()

    def set_slice(self, names: Sequence[str], axes: Sequence[int], through: np.ndarray) -> None:
        """``slice at z = 1.5`` : the coordinates held fixed in the picture."""
        fixed = [f"{names[i]} = {through[i]:.4g}" for i in range(len(names)) if i not in axes]
        self.slice_label.setText(f"slice at {', '.join(fixed)}" if fixed else "")

    def set_hover(self, text: str) -> None:
        self.hover_label.setText(text)

    def _set_indices(self, horizontal: int, vertical: int) -> None:
        self._current = (horizontal, vertical)
        for combo, index in ((self.horizontal, horizontal), (self.vertical, vertical)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    @Slot(int)
    def _on_horizontal_changed(self, index: int) -> None:
        old_horizontal, vertical = self._current
        if vertical == index:  # the same variable twice: swap the axes instead
            vertical = old_horizontal
        self._set_indices(index, vertical)
        self.axes_changed.emit(index, vertical)

    @Slot(int)
    def _on_vertical_changed(self, index: int) -> None:
        horizontal, old_vertical = self._current
        if horizontal == index:
            horizontal = old_vertical
        self._set_indices(horizontal, index)
        self.axes_changed.emit(horizontal, index)
