"""The Example box once the function is typed over: "Custom function", and what the example left.

Kept out of :mod:`.controls` (which builds the form) so each reads on a screen; the words come
from :mod:`gdexplorer.core.preset_origin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout

from gdexplorer.core.preset_origin import FormValues, is_custom, origin_note

if TYPE_CHECKING:
    from gdexplorer.core.presets import Preset
    from gdexplorer.ui.form.controls import ControlsForm

CHOOSE = "Choose an example…"
CUSTOM = "Custom function"


def show_preset_origin(form: ControlsForm) -> None:
    """Name the example, or say "Custom function" and which of its settings are still there."""
    preset, function = form._preset, form.function_field.text()
    values = FormValues(
        function=function,
        variant=form.variant().name,
        learning_rate=form.learning_rate.value(),
        iterations=form.iterations.value(),
        start=form.start_fields.values(),
    )
    custom = is_custom(preset, function) and not form.mode_switch.is_data_mode()
    form.preset_combo.setItemText(0, CUSTOM if custom else CHOOSE)
    if custom:
        form.preset_combo.setCurrentIndex(0)
        form.preset_hint.setText(origin_note(preset, values))
    elif preset is not None:
        form.preset_hint.setText(preset.shows)
    group = form.preset_hint.parentWidget()
    rows = group.layout() if group is not None else None
    shown = (custom or preset is not None) and not form.mode_switch.is_data_mode()
    if isinstance(rows, QFormLayout):  # the row, not only the label (show_mode hides rows)
        rows.setRowVisible(form.preset_hint, shown)
    form.preset_hint.setVisible(shown)


def where_to_look(
    preset: Preset | None, function: str, data_mode: bool
) -> tuple[tuple[tuple[float, float], ...] | None, tuple[tuple[float, ...], ...] | None]:
    """The example's plot range and minima while its function is the one typed; else None for
    both (the range is chosen around the start, and no minimum is known)."""
    if preset is None or data_mode or preset.config.function != function:
        return None, None
    return preset.plot_range, preset.minima
