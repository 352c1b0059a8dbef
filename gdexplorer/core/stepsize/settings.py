"""The schedule settings of a run: one nested object, checked whole, round-tripped in JSON.

In a settings file it reads ``"schedule": {"name": "cosine", "t_max": 50}``: the schedule's
name and the options given (an option left out takes PyTorch's default). No ``schedule`` at all
is the constant rate, so settings files written before schedules existed still load. An option
given to a schedule that does not use it is an error, as on the command line.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from gdexplorer.core import checks
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.stepsize.schedules import SCHEDULES, Schedule

EVERY_CHOICES = ("update", "epoch")
"""When the scheduler steps in a run on data: after every update, or once per epoch."""

WHOLE_OPTIONS = ("step_size", "t_max", "total_steps", "patience", "cooldown")
"""Options that count updates (whole numbers); the others are real numbers."""

OPTION_FLAGS = {
    name: "--" + name.replace("_", "-") for name in (
        "step_size", "gamma", "t_max", "eta_min", "max_lr", "total_steps", "pct_start",
        "div_factor", "final_div_factor", "factor", "patience", "threshold", "cooldown",
        "min_lr",
    )
}  # fmt: skip
"""Each option's command-line flag; the settings file and the window use the bare names."""


@dataclass(frozen=True)
class ScheduleSettings:
    """A schedule's name and the options given (``None``: PyTorch's default).

    ``every`` says when the scheduler steps in a run on data (``"update"`` or ``"epoch"``);
    a run on a typed function steps it after every update.
    """

    name: str = "constant"
    step_size: int | None = None
    gamma: float | None = None
    t_max: int | None = None
    eta_min: float | None = None
    max_lr: float | None = None
    total_steps: int | None = None
    pct_start: float | None = None
    div_factor: float | None = None
    final_div_factor: float | None = None
    factor: float | None = None
    patience: int | None = None
    threshold: float | None = None
    cooldown: int | None = None
    min_lr: float | None = None
    every: str = "update"

    @property
    def schedule(self) -> Schedule:
        return get_schedule(self.name)

    def given(self) -> dict[str, Any]:
        """The options that were set (not ``None``), by name."""
        return {
            name: getattr(self, name) for name in OPTION_FLAGS if getattr(self, name) is not None
        }

    def options(self, total_steps: int) -> dict[str, Any]:
        """Every option the schedule uses: the given ones, else PyTorch's defaults
        (``total_steps`` when OneCycleLR's is not given: the run's number of steps)."""
        values: dict[str, Any] = dict(self.schedule.defaults)
        values.update({k: v for k, v in self.given().items() if k in values})
        if "total_steps" in values and values["total_steps"] is None:
            values["total_steps"] = total_steps
        return values

    def validated(self) -> ScheduleSettings:
        """These settings with the name normalized; a one-line ConfigError for any problem."""
        schedule = get_schedule(self.name)
        if self.every not in EVERY_CHOICES:
            raise ConfigError(f"schedule every must be 'update' or 'epoch', got '{self.every}'")
        unused = [name for name in self.given() if name not in schedule.options]
        if self.every == "epoch" and schedule.name == "constant":
            unused.append("schedule_every")
        if unused:
            flags = ", ".join(OPTION_FLAGS.get(n, "--schedule-every") for n in unused)
            uses = ", ".join(OPTION_FLAGS[n] for n in schedule.options) or "no options"
            raise ConfigError(f"the {schedule.name} schedule does not use {flags} (it uses {uses})")
        for name in schedule.required:
            if getattr(self, name) is None and name != "total_steps":
                raise ConfigError(f"the {schedule.name} schedule needs {OPTION_FLAGS[name]}")
        for name, value in self.given().items():
            _check_range(name, value)
        return dataclasses.replace(self, name=schedule.name)

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., <given options>}`` (and ``"every"`` when it is ``"epoch"``)."""
        out: dict[str, Any] = {"name": self.name, **self.given()}
        if self.every != "update":
            out["every"] = self.every
        return out


def get_schedule(name: str) -> Schedule:
    """The schedule called ``name``, or a ConfigError listing the choices."""
    if not isinstance(name, str) or name.strip().lower() not in SCHEDULES:
        shown = checks.describe(name)
        raise ConfigError(f"unknown schedule {shown}: choose one of {', '.join(SCHEDULES)}")
    return SCHEDULES[name.strip().lower()]


def schedule_from_json(value: Any, where: str, field: str) -> ScheduleSettings | None:
    """The ``schedule`` field of a settings file (or a ScheduleSettings already built)."""
    if value is None or isinstance(value, ScheduleSettings):
        return value
    body = dict(checks.mapping(value, f"{where}: {field}"))
    known = {f.name for f in dataclasses.fields(ScheduleSettings)}
    unknown = sorted(set(body) - known)
    if unknown:
        listed = ", ".join(checks.describe(name) for name in unknown[:5])
        raise ConfigError(f"{where}: unknown {field} option(s): {listed}")
    if "name" not in body:
        raise ConfigError(f"{where}: {field} has no 'name'")
    out: dict[str, Any] = {
        "name": checks.text(body.pop("name"), where, f"{field}.name", checks.MAX_NAME)
    }
    if "every" in body:
        out["every"] = checks.text(body.pop("every"), where, f"{field}.every", checks.MAX_NAME)
    for name, entry in body.items():
        if name in WHOLE_OPTIONS:
            out[name] = checks.optional_whole(entry, where, f"{field}.{name}")
        else:
            out[name] = checks.optional_number(entry, where, f"{field}.{name}")
    return ScheduleSettings(**out)


_POSITIVE = {"gamma", "max_lr", "div_factor", "final_div_factor"}
_NOT_NEGATIVE = {"eta_min", "threshold", "min_lr", "patience", "cooldown"}
_AT_LEAST_ONE = {"step_size", "t_max", "total_steps"}


def _check_range(name: str, value: Any) -> None:
    flag = OPTION_FLAGS[name]
    if name in WHOLE_OPTIONS and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{flag} must be a whole number, got {checks.describe(value)}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{flag} must be a finite number, got {checks.describe(value)}")
    if name in _POSITIVE and not value > 0:
        raise ConfigError(f"{flag} must be positive, got {value:g}")
    if name in _NOT_NEGATIVE and value < 0:
        raise ConfigError(f"{flag} must be 0 or more, got {value:g}")
    if name in _AT_LEAST_ONE and value < 1:
        raise ConfigError(f"{flag} must be at least 1, got {value:g}")
    if name in ("factor", "pct_start") and not 0 <= value < 1:
        raise ConfigError(f"{flag} must be in [0, 1), got {value:g}")


def check_total_steps(settings: ScheduleSettings | None, steps: int, noun: str) -> None:
    """OneCycleLR cannot step past its total: a run of ``steps`` scheduler steps needs
    ``total_steps >= steps`` (and a default total of ``steps`` must not divide by zero)."""
    if settings is None or settings.name != "onecycle":
        return
    total = settings.total_steps if settings.total_steps is not None else steps
    if total < steps:
        raise ConfigError(
            f"--total-steps {total:,} is less than the {steps:,} {noun} of the run: OneCycleLR "
            "cannot step past its total (raise --total-steps or leave it out)"
        )
    pct = settings.pct_start if settings.pct_start is not None else 0.3
    if pct * float(total) - 1 == 0:
        raise ConfigError(
            "--pct-start × total steps = 1 makes the warm-up phase zero steps long "
            "(OneCycleLR divides by it): choose another --pct-start"
        )
