"""Why a run diverged, as a clause for its message: the rate against the curvature.

The stability limit a plain or momentum step must stay below (2/L, 2(1 + μ)/L, ...) is weighed
against the rate the run used (the setting, or the largest scheduled rate of its last rows), at
the curvature where it applies (constant for a quadratic, else at the start and where the growth
began); adaptive variants, line searches and Newton's method get what is true for them instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.curvature import RATE_LIMITS, constant_curvature, largest_curvature

if TYPE_CHECKING:
    from gdexplorer.core.diagnosis import RunFacts, RunTail

NEWTON_CAUSE = (
    "Newton's step jumps to the minimum of the local quadratic model, far off where f is not "
    "close to quadratic: a line search (armijo) only accepts steps that lower f"
)


def _rate_in_use(facts: RunFacts, tail: RunTail) -> tuple[float, str]:
    """The rate to weigh against the limit, and its name: the setting, or with a schedule the
    largest rate of the last rows (column ``lr``, after the optimizer state)."""
    schedule, d = facts.config.schedule, tail.dimension
    column = 3 * d + 1 + d * len(facts.variant.state_slots)
    if schedule is None or schedule.name == "constant" or tail.rows.shape[1] <= column:
        return facts.config.learning_rate, "lr"
    return float(np.nanmax(tail.rows[:, column])), "the scheduled lr"


def rate_cause(facts: RunFacts, tail: RunTail) -> str:
    """A clause naming the stability limit lr exceeds, or what is true for the variant."""
    (lr, name), variant = _rate_in_use(facts, tail), facts.variant
    if facts.config.line_search is not None:
        return ""  # the search chooses each step's length: no limit on lr applies
    if not variant.coordinatewise:
        return "; " + NEWTON_CAUSE
    if variant.name not in RATE_LIMITS:
        return (
            f"; {variant.title} divides each step by a running size of the gradient (steps of "
            f"about lr), so no 2/L limit applies: a smaller lr than {lr:g} shortens the steps"
        )
    label, numerator = RATE_LIMITS[variant.name]
    mu = facts.hyperparameters.get("momentum", 0.0)
    factor = numerator(mu)
    about = f"μ = {mu:g}, " if variant.name != "gd" else ""
    constant = constant_curvature(facts.objective, facts.config.maximize)
    if constant is not None:
        if constant > 0 and lr > factor / constant:
            return (
                f"; {name} = {lr:g} is above {label} = {factor / constant:.3g} "
                f"({about}L = {constant:.3g}, the largest curvature)"
            )
        return ""
    places = [("at the start", tail.start_point), ("where the growth began", tail.best_point)]
    for where, point in places:
        curvature = largest_curvature(facts.objective, point, facts.config.maximize)
        if curvature is not None and curvature > 0 and lr > factor / curvature:
            if where != "at the start":
                where += f" (iteration {tail.best_index:,})"
            return (
                f"; {name} = {lr:g} is above {label} = {factor / curvature:.3g} {where} "
                f"({about}L = {curvature:.3g}, the largest curvature there)"
            )
    return ""
