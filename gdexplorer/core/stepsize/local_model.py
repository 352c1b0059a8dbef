"""The local quadratic model of f at x_k: what Newton's method sees, and jumps to.

m(x_k + s) = f(x_k) + ∇f(x_k)ᵀs + ½ sᵀ∇²f(x_k)s, the second-order Taylor polynomial. Its
stationary point x_k − H⁻¹∇f is where a pure Newton step (lr = 1) lands: the model's minimum
when H is positive definite, its maximum when H is negative definite, a saddle otherwise. The
window draws the model's level lines (2-D) or its parabola (1-D) over the plot of f.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.curvature import hessian_at

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import RunObjective

SINGULAR_CONDITION = 1e12
"""A Hessian with a larger condition number has no stationary point worth drawing."""
LEVEL_FRACTIONS = (0.02, 0.1, 0.25, 0.5, 0.75)
"""The model's level lines besides the one through x_k: these quantiles of its sampled values."""


@dataclass(frozen=True)
class LocalModel:
    """The second-order Taylor model of f at ``point``."""

    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """m at ``points`` (shape ``(..., d)``) -> shape ``(...)``."""
        s = np.asarray(points, dtype=float) - self.point
        quadratic = np.einsum("...i,ij,...j->...", s, self.hessian, s)
        return self.value + s @ self.gradient + 0.5 * quadratic

    @property
    def eigenvalues(self) -> np.ndarray:
        return np.linalg.eigvalsh(self.hessian)

    @property
    def kind(self) -> str:
        """``minimum``, ``maximum`` or ``saddle``: what the model's stationary point is."""
        eigenvalues = self.eigenvalues
        if np.all(eigenvalues > 0):
            return "minimum"
        if np.all(eigenvalues < 0):
            return "maximum"
        return "saddle"

    @property
    def stationary_point(self) -> np.ndarray | None:
        """x_k − H⁻¹∇f (where pure Newton lands), or None when H is (nearly) singular."""
        sizes = np.abs(self.eigenvalues)
        if np.min(sizes) == 0 or np.max(sizes) / np.min(sizes) > SINGULAR_CONDITION:
            return None
        return self.point - np.linalg.solve(self.hessian, self.gradient)


def local_model(objective: RunObjective, point: np.ndarray) -> LocalModel | None:
    """The model at ``point`` from f's value, exact gradient and Hessian; None where any of
    them is not finite."""
    point = np.asarray(point, dtype=float)
    with np.errstate(all="ignore"):
        value = float(objective.value(point))
        gradient = np.asarray(objective.gradient(point), dtype=float).reshape(point.shape)
        hessian = hessian_at(objective, point)
    if not (np.isfinite(value) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
        return None
    return LocalModel(point.copy(), value, gradient, hessian)


def model_levels(model: LocalModel, sampled: np.ndarray) -> np.ndarray:
    """Level values for the model's contour lines: the one through x_k (tangent to f's own
    contour there) and a few quantiles of its values over the view, distinct and sorted."""
    finite = sampled[np.isfinite(sampled)]
    levels = [model.value]
    if finite.size:
        levels += [float(v) for v in np.quantile(finite, LEVEL_FRACTIONS)]
    return np.unique(np.asarray(levels))


ELLIPSE_SCALES = (0.1, 0.35, 2.5, 6.0)
"""Besides the level through x_k: levels m* + s·(m(x_k) − m*) drawn for these s."""
ELLIPSE_POINTS = 241


@dataclass(frozen=True)
class PlaneEllipses:
    """The model's level lines in the plane of two coordinates, where it has a minimum there:
    ellipses around the plane's stationary point, the first one through x_k."""

    centre: np.ndarray
    through: np.ndarray
    others: tuple[np.ndarray, ...]


def plane_ellipses(model: LocalModel, axes: tuple[int, int]) -> PlaneEllipses | None:
    """The exact level ellipses of the model restricted to the plane of ``axes`` through x_k
    (the other coordinates held at x_k), each as points of shape ``(ELLIPSE_POINTS, 2)``.

    In the plane, m = m* + ½ sᵀHs with s the offset from the centre x* = x_k − H⁻¹g; the level
    through x_k is sᵀHs = c with c = s_kᵀHs_k, the points x* + V·diag(√(c/λ))·(cos t, sin t).
    None where the restricted Hessian is not positive definite (no ellipses: a saddle or a
    maximum) or is nearly singular.
    """
    pair = list(axes)
    hessian = model.hessian[np.ix_(pair, pair)]
    eigenvalues, vectors = np.linalg.eigh(hessian)
    if eigenvalues[0] <= 0 or eigenvalues[1] / eigenvalues[0] > SINGULAR_CONDITION:
        return None
    here = model.point[pair]
    centre = here - np.linalg.solve(hessian, model.gradient[pair])
    offset = here - centre
    height = float(offset @ hessian @ offset)
    angles = np.linspace(0.0, 2 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(angles), np.sin(angles)])

    def ellipse(scale: float) -> np.ndarray:
        radii = np.sqrt(scale * height / eigenvalues)
        return centre + ((vectors * radii) @ circle).T

    return PlaneEllipses(centre, ellipse(1.0), tuple(ellipse(s) for s in ELLIPSE_SCALES))
