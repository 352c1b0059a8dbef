"""The curvature of f: the largest eigenvalue L of its Hessian, constant or at a point.

Gradient descent on a quadratic is stable for lr < 2/L (heavy-ball momentum: 2(1+mu)/L,
Nesterov: 2(1+mu)/((1+2mu)L)); the diagnosis of a diverging run names that limit. Works for a
typed :class:`~gdexplorer.core.objective.Objective` and for a loss over data alike: both give
``expr`` and a vectorized exact ``gradient``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import RunObjective

RATE_LIMITS = {
    "gd": ("2/L", lambda mu: 2.0),
    "momentum": ("2(1+μ)/L", lambda mu: 2.0 * (1.0 + mu)),
    "nesterov": ("2(1+μ)/((1+2μ)L)", lambda mu: 2.0 * (1.0 + mu) / (1.0 + 2.0 * mu)),
}
"""The largest stable lr on a quadratic of largest curvature L, as ``numerator / L``."""


def constant_curvature(objective: RunObjective, maximize: bool) -> float | None:
    """L, the largest eigenvalue of f's Hessian (of -f when maximizing) when it is constant.

    The Hessian is constant when its sympy entries do not depend on the parameters (a loss over
    data may still depend on the data); it is then read from gradients at 0 and the unit
    vectors, which is exact for a quadratic up to rounding. None when it varies.
    """
    import sympy  # already loaded by parse_function, which made the objective

    parameters = objective.symbols
    hessian = sympy.hessian(objective.expr, parameters)
    if any(entry.free_symbols & set(parameters) for entry in hessian):
        return None
    d = len(parameters)
    at_zero = np.asarray(objective.gradient(np.zeros(d)), dtype=float)
    units = np.asarray(objective.gradient(np.eye(d)), dtype=float)
    return _largest_eigenvalue(units - at_zero, maximize)


@dataclass(frozen=True)
class Curvature:
    """The Hessian's eigenvalues at a point (of −f when maximizing), ascending, and what a
    student reads from them: L, the condition number and gradient descent's limit 2/L."""

    eigenvalues: np.ndarray

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def positive_definite(self) -> bool:
        return bool(self.eigenvalues[0] > 0)

    @property
    def condition(self) -> float:
        """|λ|max / |λ|min (infinite when an eigenvalue is 0)."""
        sizes = np.abs(self.eigenvalues)
        smallest = float(np.min(sizes))
        return float(np.max(sizes)) / smallest if smallest > 0 else float("inf")

    @property
    def rate_limit(self) -> float | None:
        """2/L, the largest stable lr of gradient descent on the local quadratic (None: L ≤ 0)."""
        return 2.0 / self.largest if self.largest > 0 else None


def hessian_at(objective: RunObjective, point: np.ndarray) -> np.ndarray:
    """The Hessian of f at ``point``: exact (symbolic) for a typed function, else central
    differences of the exact gradient (relative step 1e-5), symmetrized."""
    from gdexplorer.core.objective import Objective

    if isinstance(objective, Objective):
        matrix = objective.hessian(point)
    else:
        matrix = _differenced_hessian(objective, point)
    return (matrix + matrix.T) / 2


def curvature_at(objective: RunObjective, point: np.ndarray, maximize: bool) -> Curvature | None:
    """The curvature at ``point`` (of −f when maximizing); None where the Hessian is not finite.

    The inspector shows these numbers and the divergence diagnosis names the same L.
    """
    with np.errstate(all="ignore"):
        matrix = hessian_at(objective, np.asarray(point, dtype=float))
    if maximize:
        matrix = -matrix
    if not np.all(np.isfinite(matrix)):
        return None
    return Curvature(np.linalg.eigvalsh(matrix))


def largest_curvature(objective: RunObjective, point: np.ndarray, maximize: bool) -> float | None:
    """L at ``point``: the largest eigenvalue of the Hessian (:func:`curvature_at`). None where
    the Hessian is not finite."""
    curvature = curvature_at(objective, point, maximize)
    return curvature.largest if curvature is not None else None


def _differenced_hessian(objective: RunObjective, point: np.ndarray) -> np.ndarray:
    d = len(point)
    delta = 1e-5 * max(1.0, float(np.max(np.abs(point))))
    shifts = delta * np.eye(d)
    ahead = np.asarray(objective.gradient(point + shifts), dtype=float)
    behind = np.asarray(objective.gradient(point - shifts), dtype=float)
    return (ahead - behind) / (2 * delta)


def _largest_eigenvalue(columns: np.ndarray, maximize: bool) -> float | None:
    matrix = (columns + columns.T) / 2
    if maximize:
        matrix = -matrix
    if not np.all(np.isfinite(matrix)):
        return None
    return float(np.linalg.eigvalsh(matrix)[-1])
