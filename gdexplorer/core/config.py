"""RunConfig: every setting of one run, frozen, validated and round-tripped through JSON."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gdexplorer.core import checks
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import check_gradient_mode
from gdexplorer.core.optimizers import HYPERPARAMETER_NAMES, get_variant
from gdexplorer.core.stepsize.search_settings import (
    LineSearchSettings,
    checked_line_search,
    line_search_field,
)
from gdexplorer.core.stepsize.settings import (
    ScheduleSettings,
    check_total_steps,
    schedule_from_json,
)

MAX_ITERATIONS = 10_000_000
MAX_TOLERANCE = 1e150
"""Largest tolerance: the run compares squared norms, and (1e150)^2 still fits in a float."""
START_LIMIT = 1e100
"""Largest start coordinate: beyond it a run counts as diverged (engine.DIVERGENCE_LIMIT)."""
MAX_SEED = 2**64 - 1
"""Largest seed numpy's random generators take as one word."""
SETTINGS_FORMAT = "gdexplorer-run/1"


@dataclass(frozen=True)
class RunConfig:
    """The settings of one run, as the form, the CLI and a settings file give them.

    Hyperparameters left as ``None`` take the variant's PyTorch default. A tolerance of 0
    switches that stopping rule off. The ``data``-related fields are used by runs on a dataset.
    """

    function: str
    start: tuple[float, ...]
    variables: tuple[str, ...] | None = None
    variant: str = "gd"
    learning_rate: float = 0.1
    momentum: float | None = None
    beta1: float | None = None
    beta2: float | None = None
    rho: float | None = None
    eps: float | None = None
    iterations: int = 1000
    tol_grad: float = 1e-6
    tol_step: float = 0.0
    gradient: str = "symbolic"
    h: float = 1e-5
    maximize: bool = False
    data: str | None = None
    batch_size: int | None = None
    epochs: int | None = None
    seed: int = 0
    standardize: bool = False
    line_search: LineSearchSettings | None = None
    schedule: ScheduleSettings | None = None

    def hyperparameter_overrides(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in HYPERPARAMETER_NAMES}

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def validated(self) -> RunConfig:
        """This config with names normalized; ConfigError for anything out of range.

        Every field is checked for its type first (a config built from a file or by a script
        may hold anything), then for its range: nan and infinity are refused everywhere, a
        tolerance whose square overflows, a start coordinate so large that f overflows there.
        """
        _check_types(self, "settings")
        variant = get_variant(self.variant)
        gradient = check_gradient_mode(self.gradient, self.h)
        _check_positive("learning rate", self.learning_rate)
        for name in ("momentum", "beta1", "beta2", "rho"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and 0 <= value < 1):
                raise ConfigError(f"{name} must be in [0, 1), got {value:g}")
        if self.eps is not None:
            _check_positive("eps", self.eps)
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise ConfigError(f"iterations must be between 1 and {MAX_ITERATIONS:,}")
        for name in ("tol_grad", "tol_step"):
            _check_tolerance(name.replace("_", " "), getattr(self, name))
        _check_start(self.start, self.variables)
        _check_data_fields(self)
        line_search = checked_line_search(self, variant.name, gradient)
        schedule = _checked_schedule(self)
        return self.replace(
            variant=variant.name, gradient=gradient, line_search=line_search, schedule=schedule
        )

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["start"] = list(self.start)
        out["variables"] = list(self.variables) if self.variables is not None else None
        out["line_search"] = self.line_search.to_dict() if self.line_search else None
        out.pop("schedule")
        if self.schedule is not None:
            out["schedule"] = self.schedule.to_dict()
        return {"format": SETTINGS_FORMAT, **out}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "settings") -> RunConfig:
        """Rebuild a config from :meth:`to_dict` output, checked whole before it is returned.

        Unknown keys, missing keys and every wrong type or range are a ConfigError naming the
        field (``where`` starts the message: ``settings: start must be a list, got null``).
        An ``outcome`` object (how the exported run ended) is checked and left out: it
        describes the file, it is not a setting.
        """
        body = dict(checks.mapping(data, where))
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(body) - fields - {"format", "outcome"})
        if unknown:
            listed = ", ".join(checks.describe(name) for name in unknown[:5])
            raise ConfigError(f"unknown setting(s) in the {where}: {listed}")
        for required in ("function", "start"):
            if required not in body:
                raise ConfigError(f"the {where} has no '{required}'")
        if "format" in body and body.pop("format") != SETTINGS_FORMAT:
            raise checks.problem(where, "format", f"'{SETTINGS_FORMAT}'", data["format"])
        check_outcome(body.pop("outcome", None), where)
        for name, value in body.items():
            body[name] = _FIELD_CHECKS[name](value, where, name)
        config = cls(**body)
        try:
            config.validated()
        except ConfigError as error:
            raise ConfigError(f"{where}: {error}") from None
        return config


def check_outcome(value: Any, where: str) -> dict[str, Any] | None:
    """The ``outcome`` object of an export (``reason``, ``iterations``, ``message``), checked."""
    if value is None:
        return None
    outcome = checks.mapping(value, f"{where}: outcome")
    expected = {"reason", "iterations", "message"}
    if set(outcome) != expected:
        raise checks.problem(where, "outcome", "an object with reason, iterations, message", value)
    return {
        "reason": checks.text(outcome["reason"], where, "outcome.reason", checks.MAX_NAME),
        "iterations": checks.whole(outcome["iterations"], where, "outcome.iterations"),
        "message": checks.text(outcome["message"], where, "outcome.message"),
    }


_FIELD_CHECKS: dict[str, Callable[[Any, str, str], Any]] = {
    "function": checks.text,
    "start": checks.numbers,
    "variables": checks.optional_names,
    "variant": lambda v, w, f: checks.text(v, w, f, checks.MAX_NAME),
    "learning_rate": checks.number,
    "momentum": checks.optional_number,
    "beta1": checks.optional_number,
    "beta2": checks.optional_number,
    "rho": checks.optional_number,
    "eps": checks.optional_number,
    "iterations": checks.whole,
    "tol_grad": checks.number,
    "tol_step": checks.number,
    "gradient": lambda v, w, f: checks.text(v, w, f, checks.MAX_NAME),
    "h": checks.number,
    "maximize": checks.flag,
    "data": lambda v, w, f: checks.optional_text(v, w, f, checks.MAX_PATH),
    "batch_size": checks.optional_whole,
    "epochs": checks.optional_whole,
    "seed": lambda v, w, f: checks.whole(v, w, f, 0, MAX_SEED),
    "standardize": checks.flag,
    "line_search": line_search_field,
    "schedule": schedule_from_json,
}
"""The type and size check of each field, as it is stored in JSON."""


def _check_types(config: RunConfig, where: str) -> None:
    """Each field's type (floats, finite or not, are left to the range checks' messages)."""
    for name, check in _FIELD_CHECKS.items():
        value = getattr(config, name)
        if isinstance(value, float) or (
            isinstance(value, tuple) and all(isinstance(v, float) for v in value)
        ):
            continue
        check(value, where, name)


def _check_tolerance(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ConfigError(f"{name} must be 0 (off) or positive")
    if value > MAX_TOLERANCE:
        raise ConfigError(
            f"{name} = {value:g} is too large: its square overflows a float; use at most "
            f"{MAX_TOLERANCE:g} (or 0 for off)"
        )


def _check_start(start: tuple[float, ...], variables: tuple[str, ...] | None) -> None:
    if not start or not all(math.isfinite(v) for v in start):
        raise ConfigError("the start point needs a finite number for every variable")
    if variables is not None and len(variables) != len(start):
        raise ConfigError(
            f"variables lists {len(variables)} name(s) but the start point has {len(start)} "
            "coordinate(s)"
        )
    names = variables if variables is not None and len(variables) == len(start) else None
    for position, value in enumerate(start):
        if abs(value) > START_LIMIT:
            name = names[position] if names else f"coordinate {position + 1}"
            raise ConfigError(
                f"the start's {name} = {value:g} overflows: f and its gradient cannot be "
                f"computed that far out (the limit is ±{START_LIMIT:g})"
            )


def _check_data_fields(config: RunConfig) -> None:
    if config.batch_size is not None and config.batch_size < 1:
        raise ConfigError("the batch size must be a whole number of at least 1 (or empty: all)")
    if config.epochs is not None and config.epochs < 1:
        raise ConfigError("the number of epochs must be at least 1 (or empty: no limit)")
    if not 0 <= config.seed <= MAX_SEED:
        raise ConfigError(f"the seed must be a whole number from 0 to {MAX_SEED:,}")


def _checked_schedule(config: RunConfig) -> ScheduleSettings | None:
    """The schedule settings, checked (None stays None: the constant rate)."""
    if config.schedule is None:
        return None
    schedule = config.schedule.validated()
    if schedule.every == "epoch" and not config.data:
        raise ConfigError("--schedule-every epoch needs a data set: a function run has no epochs")
    if not config.data:  # a run on data counts its scheduler steps itself (DataRun)
        check_total_steps(schedule, config.iterations, "iterations")
    return schedule


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ConfigError(f"the {name} must be a positive number, got {value}")
