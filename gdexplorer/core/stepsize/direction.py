"""One update as a direction times a step length: d = −g (gd) or −H⁻¹g (newton), then α.

The step length is the run's base length (its lr, or a schedule's lr_k: :func:`update_from`
takes it as one argument) or what a line search finds along d: Armijo starts from the base
length; the exact search brackets the minimum from where the local quadratic model puts it,
α = −∇fᵀd / dᵀ∇²f(x)d (from the base length where that model curves down along d), so the
minimum it finds along the ray does not depend on lr. The run loop
(:mod:`gdexplorer.core.stepsize.direction_run`) calls :func:`update_from` once per update; the
inspector and the φ(α) view call it again for row k's point to show the same trials, so the
recorded numbers and the shown ones come from one function.

With ``maximize`` the function minimized is F = −f: its gradient −g, its Hessian −H.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.gradients import GradientFn, make_gradient
from gdexplorer.core.stepsize.line_search import (
    SearchResult,
    armijo,
    exact_bracketing,
    exact_quadratic,
)
from gdexplorer.core.stepsize.newton import NewtonDirection, newton_direction

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig
    from gdexplorer.core.objective import Objective


@dataclass(frozen=True)
class DirectionUpdate:
    """What one update did: the direction, its step length, the step, and how they came."""

    direction: np.ndarray
    alpha: float
    step: np.ndarray
    slope: float
    """∇Fᵀd, the derivative of φ at α = 0 (F = f, or −f when maximizing)."""
    search: SearchResult | None
    newton: NewtonDirection | None
    failure: str | None = None
    undefined: bool = False
    """True when the failure is f's Hessian undefined at x_k (not a search that failed)."""


class DirectionProblem:
    """A run's function, gradient and settings, as the updates of a direction run need them."""

    def __init__(self, objective: Objective, config: RunConfig) -> None:
        self.objective = objective
        self.config = config
        self.sign = -1.0 if config.maximize else 1.0
        self.gradient: GradientFn = (
            objective.gradient_at
            if config.gradient == "symbolic"
            else make_gradient(objective, config.gradient, config.h)
        )
        self.newton = config.variant == "newton"
        self.line_search = config.line_search

    @cached_property
    def constant_hessian(self) -> np.ndarray | None:
        """H of F when it is the same everywhere (decided symbolically), else None."""
        if not self.objective.hessian_is_constant:
            return None
        return self.sign * self.objective.hessian(np.zeros(self.objective.dimension))

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """The exact Hessian of F (f, or −f when maximizing) at ``point``."""
        constant = self.constant_hessian
        return constant if constant is not None else self.sign * self.objective.hessian(point)

    def phi(self, point: np.ndarray, direction: np.ndarray):
        """φ(α) = F(x + α·d) as a function of α (NaN outside f's domain; call it inside
        ``np.errstate(all="ignore")``). Python floats: a search calls it dozens of times."""
        value, sign = self.objective.value_at, self.sign
        base, step = point.tolist(), direction.tolist()

        def along(alpha: float) -> float:
            return sign * value([b + alpha * s for b, s in zip(base, step, strict=True)])

        return along


@np.errstate(all="ignore")  # NaN and inf are looked at, not warned about
def update_from(
    problem: DirectionProblem,
    point: np.ndarray,
    value: float,
    gradient: np.ndarray,
    base_length: float,
) -> DirectionUpdate:
    """The update from x_k (f and the gradient there as recorded) with base step length
    ``base_length``: Newton's lr and Armijo's first trial α (a schedule's lr_k goes here)."""
    slope_gradient = problem.sign * gradient
    newton = None
    if problem.newton:
        hessian = problem.hessian(point)
        if not np.all(np.isfinite(hessian)):
            return _failed(point, "the Hessian of f is not defined here")
        newton = newton_direction(hessian, slope_gradient)
        direction = newton.direction
    else:
        direction = -slope_gradient
    slope = float(slope_gradient @ direction)
    search = _search(problem, point, problem.sign * value, slope, direction, base_length)
    if search is None:
        return DirectionUpdate(direction, base_length, base_length * direction, slope, None, newton)
    if not search.found:
        return DirectionUpdate(direction, math.nan, direction * 0, slope, search, newton,
                               search.failure)  # fmt: skip
    return DirectionUpdate(direction, search.alpha, search.alpha * direction, slope, search, newton)


def _search(
    problem: DirectionProblem,
    point: np.ndarray,
    value: float,
    slope: float,
    direction: np.ndarray,
    base_length: float,
) -> SearchResult | None:
    settings = problem.line_search
    if settings is None:
        return None
    phi = problem.phi(point, direction)
    if settings.name == "armijo":
        assert settings.shrink is not None and settings.c is not None  # validated
        return armijo(phi, value, slope, base_length, settings.shrink, settings.c)
    constant = problem.constant_hessian
    if constant is not None:
        return exact_quadratic(phi, slope, float(direction @ constant @ direction))
    with np.errstate(all="ignore"):
        curvature = float(direction @ problem.hessian(point) @ direction)
    model = -slope / curvature if curvature > 0 else math.nan  # the local model's minimizer
    guess = model if math.isfinite(model) and model > 0 else base_length
    return exact_bracketing(phi, value, slope, guess)


def _failed(point: np.ndarray, reason: str) -> DirectionUpdate:
    nothing = np.full_like(point, math.nan)
    return DirectionUpdate(nothing, math.nan, nothing, math.nan, None, None, reason, True)
