"""The curvature of f: the largest eigenvalue L of its Hessian, constant or at a point.

Gradient descent on a quadratic is stable for lr < 2/L (heavy-ball momentum: 2(1+mu)/L,
Nesterov: 2(1+mu)/((1+2mu)L)); the diagnosis of a diverging run names that limit. Works for a
typed :class:`~gdexplorer.core.objective.Objective` and for a loss over data alike: both give
``expr`` and a vectorized exact ``gradient``.
"""

from __future__ import annotations

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


def largest_curvature(objective: RunObjective, point: np.ndarray, maximize: bool) -> float | None:
    """L at ``point``: the largest eigenvalue of the Hessian, from differences of the exact
    gradient (central, relative step 1e-5). None where the gradient is not finite."""
    d = len(point)
    delta = 1e-5 * max(1.0, float(np.max(np.abs(point))))
    shifts = delta * np.eye(d)
    ahead = np.asarray(objective.gradient(point + shifts), dtype=float)
    behind = np.asarray(objective.gradient(point - shifts), dtype=float)
    return _largest_eigenvalue((ahead - behind) / (2 * delta), maximize)


def _largest_eigenvalue(columns: np.ndarray, maximize: bool) -> float | None:
    matrix = (columns + columns.T) / 2
    if maximize:
        matrix = -matrix
    if not np.all(np.isfinite(matrix)):
        return None
    return float(np.linalg.eigvalsh(matrix)[-1])
