"""RunConfig: every setting of one run, frozen, validated and round-tripped through JSON."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import check_gradient_mode
from gdexplorer.core.optimizers import HYPERPARAMETER_NAMES, get_variant

MAX_ITERATIONS = 10_000_000
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

    def hyperparameter_overrides(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in HYPERPARAMETER_NAMES}

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def validated(self) -> RunConfig:
        """This config with names normalized; ConfigError for anything out of range."""
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
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ConfigError(f"{name.replace('_', ' ')} must be 0 (off) or positive")
        if not self.start or not all(math.isfinite(v) for v in self.start):
            raise ConfigError("the start point needs a finite number for every variable")
        return self.replace(variant=variant.name, gradient=gradient)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["start"] = list(self.start)
        out["variables"] = list(self.variables) if self.variables is not None else None
        return {"format": SETTINGS_FORMAT, **out}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        """Rebuild a config from :meth:`to_dict` output; unknown keys are an error.

        ``outcome`` (how the exported run ended, written for people) is ignored.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        body = {k: v for k, v in data.items() if k not in ("format", "outcome")}
        unknown = sorted(set(body) - set(fields))
        if unknown:
            raise ConfigError(f"unknown setting(s) in the file: {', '.join(unknown)}")
        for required in ("function", "start"):
            if required not in body:
                raise ConfigError(f"the settings file has no '{required}'")
        try:
            body["start"] = tuple(float(v) for v in body["start"])
            if body.get("variables") is not None:
                body["variables"] = tuple(str(v) for v in body["variables"])
            return cls(**body)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"the settings file has a malformed value: {error}") from None


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ConfigError(f"the {name} must be a positive number, got {value}")
