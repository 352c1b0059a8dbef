"""Gradient providers: exact (symbolic) and the articles' finite differences.

``central``: (f(x + h e_i) - f(x - h e_i)) / 2h, error O(h^2).
``forward``: (f(x + h e_i) - f(x)) / h, error O(h).
Both take an absolute step ``h`` (default 1e-5), as in the articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.errors import ConfigError

if TYPE_CHECKING:
    from gdexplorer.core.objective import Objective

GRADIENT_MODES: tuple[str, ...] = ("symbolic", "central", "forward")
GRADIENT_TITLES = {
    "symbolic": "exact (symbolic)",
    "central": "central difference",
    "forward": "forward difference",
}
DEFAULT_H = 1e-5

GradientFn = Callable[[np.ndarray], np.ndarray]


def check_gradient_mode(mode: str, h: float) -> str:
    """The normalized mode name, or a ConfigError for an unknown mode or a bad ``h``."""
    name = mode.strip().lower()
    if name == "exact":
        name = "symbolic"
    if name not in GRADIENT_MODES:
        raise ConfigError(f"unknown gradient '{mode}': choose symbolic, central or forward")
    if name != "symbolic" and not (np.isfinite(h) and 0 < h <= 1):
        raise ConfigError(f"the finite-difference step h must be in (0, 1], got {h}")
    return name


def check_step_at_start(mode: str, h: float, start: np.ndarray) -> None:
    """ConfigError when a finite difference's ``h`` is below machine precision at the start.

    The rule: h must exceed ``np.spacing(max |x_i|)``, the gap between the floats next to the
    largest coordinate of the start. At or below it, x + h rounds to x (or to its neighbour)
    and the difference is 0 or pure rounding noise. A good h is about √ε·|x| (1.5e-8·|x|) for
    a forward difference and ∛ε·|x| (6e-6·|x|) for a central one.
    """
    if mode == "symbolic" or start.size == 0:
        return
    largest = float(np.max(np.abs(start)))
    gap = float(np.spacing(largest))
    if h <= gap:
        good = (1.5e-8 if mode == "forward" else 6e-6) * max(largest, 1.0)
        raise ConfigError(
            f"the finite-difference step h = {h:g} is below machine precision at the start "
            f"point (the floats near |x| = {largest:g} are {gap:.2g} apart): try h ≈ {good:.1g}"
        )


def make_gradient(objective: Objective, mode: str = "symbolic", h: float = DEFAULT_H) -> GradientFn:
    """A function from points ``(..., d)`` to gradients ``(..., d)``."""
    mode = check_gradient_mode(mode, h)
    if mode == "symbolic":
        return objective.gradient
    if mode == "central":
        return lambda x: _difference(objective, np.asarray(x, dtype=float), h, central=True)
    return lambda x: _difference(objective, np.asarray(x, dtype=float), h, central=False)


def _difference(objective: Objective, x: np.ndarray, h: float, central: bool) -> np.ndarray:
    base = None if central else objective.value(x)
    parts = []
    for i in range(objective.dimension):
        ahead = x.copy()
        ahead[..., i] = x[..., i] + h
        if central:
            behind = x.copy()
            behind[..., i] = x[..., i] - h
            parts.append((objective.value(ahead) - objective.value(behind)) / (2 * h))
        else:
            parts.append((objective.value(ahead) - base) / h)
    return np.stack(parts, axis=-1)
