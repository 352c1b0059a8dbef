"""The form's learning-rate schedule: the schedule, and only the options it uses.

The schedules are PyTorch's (:mod:`gdexplorer.core.stepsize`); each option field starts at
PyTorch's default (or, where PyTorch has none, at a value to start from), and an option left at
its default is not written into the settings. ``onecycle`` sets its own rates from max_lr: the
group says so and emits :attr:`ScheduleGroup.rate_ignored`, and the form greys out its
learning rate. In data mode a choice says whether the scheduler steps per update or per epoch.
Wrong values are said inline, in one line, as every field of the form does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from gdexplorer.core.errors import ConfigError
from gdexplorer.core.stepsize.schedules import SCHEDULES
from gdexplorer.core.stepsize.settings import WHOLE_OPTIONS, ScheduleSettings
from gdexplorer.ui.form.fields import ErrorLabel, NumberField, hint_label, non_negative, positive

LABELS = {
    "step_size": "Step size", "gamma": "γ (decay)", "t_max": "T_max", "eta_min": "η_min",
    "max_lr": "max_lr", "total_steps": "Total steps", "pct_start": "Warm-up share",
    "div_factor": "div_factor", "final_div_factor": "final_div_factor", "factor": "Factor",
    "patience": "Patience", "threshold": "Threshold", "cooldown": "Cooldown",
    "min_lr": "min_lr",
}  # fmt: skip
STARTING_VALUES = {"step_size": 100, "gamma": 0.1, "t_max": 100, "max_lr": 0.1}
"""Where PyTorch has no default: values to start from (exponential's γ: see below)."""
EXPONENTIAL_GAMMA = 0.99
RATE_IGNORED = "onecycle ignores the learning rate above: its rates follow max_lr."
MAX_COUNT = 10_000_000


class ScheduleGroup(QGroupBox):
    """Schedule choice, its summary and formula, its options, and (data) when it steps.

    Signals
    -------
    edited():
        The schedule or an option changed.
    rate_ignored(bool):
        True when the chosen schedule ignores the learning rate (onecycle).
    """

    edited = Signal()
    rate_ignored = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Learning-rate schedule", parent)
        self._form = form = QFormLayout(self)
        self.combo = QComboBox(self)
        for schedule in SCHEDULES.values():
            self.combo.addItem(schedule.title, schedule.name)
        self.combo.setToolTip("As torch.optim.lr_scheduler: update k uses lr_k")
        form.addRow("Schedule", self.combo)
        self.hint = hint_label(self)
        form.addRow(self.hint)
        self.fields: dict[str, QWidget] = {}
        for name in LABELS:
            field = self._whole_field(name) if name in WHOLE_OPTIONS else self._number_field(name)
            form.addRow(LABELS[name], field)
            self.fields[name] = field
        self.every = QComboBox(self)
        self.every.addItem("after every update", "update")
        self.every.addItem("once per epoch", "epoch")
        form.addRow("Steps", self.every)
        self.every.currentIndexChanged.connect(self._on_edited)
        self.error_label = ErrorLabel(self)
        form.addRow(self.error_label)
        self._data = False
        self.combo.currentIndexChanged.connect(self._on_schedule_changed)
        self._on_schedule_changed()

    def _number_field(self, name: str) -> NumberField:
        check = non_negative if name in ("eta_min", "threshold", "min_lr", "factor") else positive
        field = NumberField(0.0, check, self)
        field.edited.connect(self._on_edited)
        return field

    def _whole_field(self, name: str) -> QSpinBox:
        field = QSpinBox(self)
        low = 0 if name in ("patience", "cooldown", "total_steps") else 1
        field.setRange(low, MAX_COUNT)
        if name == "total_steps":
            field.setSpecialValueText("= max iterations")  # 0: the run's own count
        field.valueChanged.connect(self._on_edited)
        return field

    @classmethod
    def attached(cls, form: Any, layout: Any, on_edit: Any) -> ScheduleGroup:
        """A group added to ``form``'s ``layout`` and wired to it: edits call ``on_edit``,
        onecycle greys out ``form.learning_rate``, the data mode shows the per-epoch choice."""
        group = cls(form)
        group.edited.connect(on_edit)
        group.rate_ignored.connect(form.learning_rate.setDisabled)
        form.mode_switch.mode_changed.connect(group.set_data_mode)
        layout.addWidget(group)
        return group

    # -- public API ----------------------------------------------------------------------

    def name(self) -> str:
        return str(self.combo.currentData())

    def settings(self) -> ScheduleSettings | None:
        """The schedule as set (None for constant), or None while something is wrong (the
        group then says what, inline; see :meth:`error`)."""
        settings, _ = self._read()
        return settings

    def error(self) -> str | None:
        return self._read()[1]

    def set_settings(self, settings: ScheduleSettings | None) -> None:
        """Show ``settings`` (None: constant); options not given show PyTorch's defaults."""
        settings = settings or ScheduleSettings()
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(self.combo.findData(settings.name), 0))
        self.combo.blockSignals(False)
        self._on_schedule_changed()
        for name, value in settings.given().items():
            self._set(name, value)
        self.every.setCurrentIndex(max(self.every.findData(settings.every), 0))
        self._on_edited()

    @Slot(bool)
    def set_data_mode(self, data: bool) -> None:
        """In data mode the scheduler may step per epoch: show that choice."""
        self._data = data
        self._form.setRowVisible(self.every, data and self.name() != "constant")
        self._on_edited()

    # -- internals -----------------------------------------------------------------------

    def _read(self) -> tuple[ScheduleSettings | None, str | None]:
        name = self.name()
        if name == "constant":
            return None, None
        schedule = SCHEDULES[name]
        given: dict[str, Any] = {}
        for option, default in schedule.defaults.items():
            value = self._value(option)
            if value is None and option != "total_steps":  # total_steps None: the run's count
                return None, f"{LABELS[option]}: type a valid number"
            if value != default:
                given[option] = value
        every = str(self.every.currentData()) if self._data else "update"
        try:
            return ScheduleSettings(name, every=every, **given).validated(), None
        except ConfigError as problem:
            return None, str(problem)

    def _value(self, name: str) -> float | int | None:
        field = self.fields[name]
        if isinstance(field, QSpinBox):
            value = field.value()
            return None if name == "total_steps" and value == 0 else value
        assert isinstance(field, NumberField)
        return field.value()

    def _set(self, name: str, value: float | int | None) -> None:
        field = self.fields[name]
        if isinstance(field, QSpinBox):
            field.setValue(int(value or 0))
        elif isinstance(field, NumberField):
            field.set_value(float(value or 0.0))

    @Slot()
    def _on_schedule_changed(self) -> None:
        schedule = SCHEDULES[self.name()]
        for name, field in self.fields.items():
            used = name in schedule.defaults
            self._form.setRowVisible(field, used)
            if used:
                default = schedule.defaults[name]
                if name == "gamma" and schedule.name == "exponential":
                    default = EXPONENTIAL_GAMMA
                self._set(name, STARTING_VALUES.get(name) if default is None else default)
        self.hint.setText(f"{schedule.summary}\n{schedule.equation}")
        self._form.setRowVisible(self.every, self._data and schedule.name != "constant")
        self.rate_ignored.emit(not schedule.uses_base_rate)
        self._on_edited()

    @Slot()
    def _on_edited(self) -> None:
        error = self._read()[1]
        ignored = not SCHEDULES[self.name()].uses_base_rate
        self.error_label.setStyleSheet("" if error is None else "color: #c0392b;")
        self.error_label.show_message(error or (RATE_IGNORED if ignored else None))
        self.edited.emit()
