"""The line-search settings of a run, and which runs may have them.

A run's ``line_search`` is None (no search: the step length is lr) or a
:class:`LineSearchSettings`: ``armijo`` backtracking (``shrink``, ``c``) or ``exact``
minimization along the ray. In a settings file it is the object
``{"name": "armijo", "shrink": 0.5, "c": 0.0001}`` (``{"name": "exact"}``), or null / absent.

Which runs: gradient descent and Newton's method, whose step is a direction times a length.
Momentum, Nesterov, AdaGrad, RMSProp and Adam keep a state (a velocity, running averages) that
shapes each step; searching along one step's ray would ignore that state, so they are refused.
A run on data is refused too: a mini-batch loss changes from update to update, so a search
along it would minimize the wrong function. Newton's method needs the exact Hessian, so it is
refused with finite-difference gradients.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gdexplorer.core import checks
from gdexplorer.core.errors import ConfigError

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig

LINE_SEARCHES: tuple[str, ...] = ("armijo", "exact")
DEFAULT_SHRINK = 0.5
DEFAULT_ARMIJO_C = 1e-4
MAX_TRIALS = 60
"""Armijo's backtracking gives up after this many trial step lengths (0.5^60 ≈ 8.7e-19)."""
SEARCHING_VARIANTS = ("gd", "newton")
"""The variants a line search may drive: a direction times a length, no state."""
STATE_WORDS = {
    "momentum": "a velocity of past gradients",
    "nesterov": "a velocity of past gradients",
    "adagrad": "a sum of squared gradients",
    "rmsprop": "a running average of squared gradients",
    "adam": "running averages of the gradient and its square",
}


@dataclass(frozen=True)
class LineSearchSettings:
    """How each update chooses its step length along its direction d.

    ``armijo``: α = lr, lr·shrink, lr·shrink², ... until f(x + αd) ≤ f(x) + c·α·∇fᵀd (Nocedal
    and Wright, Numerical Optimization, algorithm 3.1), at most :data:`MAX_TRIALS` trials.
    ``exact``: the α ≥ 0 that minimizes f(x + αd); ``shrink`` and ``c`` are then unused (None).
    None for ``shrink`` or ``c`` means the default until :meth:`validated` fills it in.
    """

    name: str = "armijo"
    shrink: float | None = None
    c: float | None = None

    def validated(self) -> LineSearchSettings:
        """The name normalized and armijo's defaults filled in; ConfigError when out of range."""
        name = self.name.strip().lower() if isinstance(self.name, str) else self.name
        if name not in LINE_SEARCHES:
            raise ConfigError(
                f"unknown line search {checks.describe(self.name)}: choose none, armijo or exact"
            )
        if name == "exact":
            for option, value in (("shrink", self.shrink), ("c", self.c)):
                if value is not None:
                    raise ConfigError(
                        f"the line search's {option} applies to armijo only, not to exact"
                    )
            return LineSearchSettings("exact")
        shrink = DEFAULT_SHRINK if self.shrink is None else self.shrink
        c = DEFAULT_ARMIJO_C if self.c is None else self.c
        if not (_is_number(shrink) and 0 < shrink < 1):
            raise ConfigError(
                f"the Armijo shrink factor must be in (0, 1), got {checks.describe(shrink)}"
            )
        if not (_is_number(c) and 0 < c < 1):
            raise ConfigError(f"the Armijo constant c must be in (0, 1), got {checks.describe(c)}")
        return LineSearchSettings("armijo", float(shrink), float(c))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object (the fields set; ``validated`` settings have all armijo's)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @property
    def title(self) -> str:
        if self.name == "exact":
            return "exact line search"
        shrink = DEFAULT_SHRINK if self.shrink is None else self.shrink
        c = DEFAULT_ARMIJO_C if self.c is None else self.c
        return f"Armijo backtracking (shrink {shrink:g}, c {c:g})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def line_search_field(value: Any, where: str, field: str) -> LineSearchSettings | None:
    """The ``line_search`` field as a file stores it (an object, or null), type-checked."""
    if value is None or isinstance(value, LineSearchSettings):
        return value
    body = checks.mapping(value, f"{where}: {field}")
    unknown = sorted(set(body) - {"name", "shrink", "c"})
    if unknown:
        listed = ", ".join(checks.describe(name) for name in unknown[:5])
        raise ConfigError(f"{where}: unknown key(s) in {field}: {listed}")
    if "name" not in body:
        raise ConfigError(f"{where}: {field} has no 'name' (armijo or exact)")
    name = checks.text(body["name"], where, f"{field}.name", checks.MAX_NAME)
    if name.strip().lower() == "none":
        return None
    return LineSearchSettings(
        name,
        checks.optional_number(body.get("shrink"), where, f"{field}.shrink"),
        checks.optional_number(body.get("c"), where, f"{field}.c"),
    )


def checked_line_search(
    config: RunConfig, variant: str, gradient: str
) -> LineSearchSettings | None:
    """The run's line search, validated, or a one-line ConfigError when this run cannot have
    it (see the module docstring); also refuses Newton's method where it cannot run."""
    check_newton(config, variant, gradient)
    if config.line_search is None:
        return None
    settings = config.line_search.validated()
    if variant not in SEARCHING_VARIANTS:
        raise ConfigError(
            f"a line search works with gd and newton only: {variant} keeps "
            f"{STATE_WORDS.get(variant, 'a state')} that a search along one step would ignore"
        )
    if config.data:
        raise ConfigError(
            "a line search works on a typed function, not on data: the mini-batch loss "
            "changes from update to update"
        )
    return settings


def check_newton(config: RunConfig, variant: str, gradient: str) -> None:
    """ConfigError when Newton's method is asked for where it has no exact Hessian."""
    if variant != "newton":
        return
    if config.data:
        raise ConfigError(
            "newton works on a typed function, not on data: use gd, momentum or adam there"
        )
    if gradient != "symbolic":
        raise ConfigError(
            "newton needs the exact Hessian: use the symbolic gradient, not a finite "
            f"difference ({gradient})"
        )


def uses_direction_loop(config: RunConfig) -> bool:
    """Whether the run's updates are a direction times a searched or Newton step (their own
    loop, :mod:`gdexplorer.core.stepsize.direction_run`), not the fused per-coordinate loop."""
    return config.line_search is not None or config.variant.strip().lower() == "newton"


def check_lanes(config: RunConfig) -> None:
    """ConfigError for a run the vectorized lanes (sweeps, basin maps) cannot reproduce."""
    if config.variant.strip().lower() == "newton":
        raise ConfigError(
            "sweeps and basin maps run the per-coordinate variants: newton is not one of them"
        )
    if config.line_search is not None:
        raise ConfigError(
            "sweeps and basin maps run without a line search: set the line search to none"
        )
