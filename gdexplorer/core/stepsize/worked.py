"""The worked example's part for curvature, Newton's method and line searches.

:mod:`gdexplorer.core.explain.example` writes every run's update from its variant's equations;
this module gives it what a direction run adds: the numbers ``d`` (the direction) and ``alpha``
(the step length) of update k, the update's equation, and sections of their own: the curvature
at x_k (every run on a typed function), Newton's direction and the line search's trials.
Update k is replayed from row k with the same function the run used
(:func:`~gdexplorer.core.stepsize.direction.update_from`), so the trials shown are the ones
that were made.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.curvature import curvature_at
from gdexplorer.core.explain.maths import format_number, format_vector, subscript
from gdexplorer.core.optimizers import NEWTON, Variant, get_variant
from gdexplorer.core.stepsize.direction import DirectionUpdate, update_from
from gdexplorer.core.stepsize.direction_run import DirectionRun
from gdexplorer.core.stepsize.schedules import RATE_COLUMN

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig
    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.core.trajectory import Trajectory

Lines = tuple[tuple[str, str], ...]


def direction_variant(config: RunConfig) -> Variant:
    """The rule a direction run shows: its title and its one equation over d and α."""
    base = NEWTON if config.variant == "newton" else get_variant(config.variant)
    if config.line_search is None:
        return base
    direction = "d = −H⁻¹g" if base is NEWTON else "d = −g"
    return Variant(
        name=base.name,
        title=f"{base.title}, {config.line_search.title}",
        equations=("step = alpha * d",),
        summary=f"{direction}; the step length α comes from the line search, starting at lr.",
        coordinatewise=False,
    )


def replay_update(run: DescentRun, trajectory: Trajectory, index: int) -> DirectionUpdate | None:
    """Update ``index`` (from row ``index``) made again, or None for other runs."""
    if not isinstance(run, DirectionRun) or not 0 <= index < len(trajectory):
        return None
    d = len(trajectory.variables)
    row = trajectory.rows[index]
    return update_from(
        run.problem, row[:d].copy(), float(row[d]), row[d + 1 : 2 * d + 1].copy(),
        float(trajectory.column(RATE_COLUMN)[index]),  # lr_k, as the run used it
    )  # fmt: skip


def direction_numbers(run: DescentRun, window: Trajectory, index: int) -> dict[str, np.ndarray]:
    """``d`` and ``alpha`` of update ``index`` for its equation (``window``: rows k, k + 1)."""
    if not isinstance(run, DirectionRun) or len(window) < 2:
        return {}
    update = replay_update(run, window, 0)
    assert update is not None
    numbers = {"d": update.direction}
    if window.has_column("alpha"):
        numbers["alpha"] = np.asarray(window.column("alpha")[1])
    return numbers


def worked_sections(run: DescentRun, trajectory: Trajectory, index: int) -> list[tuple[str, Lines]]:
    """The curvature at x_k, and for a direction run its Newton step and its trials."""
    out = []
    if not run.config.data:
        curvature = _curvature_section(run, trajectory.points[index], index)
        if curvature is not None:
            out.append(curvature)
    update = replay_update(run, trajectory, index) if index + 1 < len(trajectory) else None
    if update is not None and update.newton is not None:
        out.append(_newton_section(update, index))
    if update is not None and update.search is not None:
        if update.newton is None:
            out.append(
                (
                    "Direction",
                    ((f"d{subscript(index)}", "−g = " + format_vector(update.direction)),),
                )
            )
        out.append(_search_section(run, update, index, float(trajectory.values[index])))
    return out


def _curvature_section(run: DescentRun, point: np.ndarray, index: int):
    curvature = curvature_at(run.objective, point, run.config.maximize)
    if curvature is None:
        return None
    sub = subscript(index)
    of = "−f" if run.config.maximize else "f"
    lines = [
        (f"eigenvalues of ∇²{of}(x{sub})", format_vector(curvature.eigenvalues)),
        ("condition number", f"κ = |λ|max / |λ|min = {format_number(curvature.condition)}"),
    ]
    limit = curvature.rate_limit
    if limit is None:
        lines.append(("2/L", "none: no direction curves upward here (L ≤ 0)"))
    else:
        text = f"{format_number(limit)}, plain gd's largest stable lr here"
        if run.config.variant == "gd" and run.config.line_search is None:
            side = "above" if run.config.learning_rate > limit else "below"
            text += f" (lr = {run.config.learning_rate:g} is {side} it)"
        lines.append(("2/L", text))
    if not curvature.positive_definite:
        lines.append(("", "not positive definite: f curves down (or is flat) along some direction"))
    return ("Curvature at x" + sub, tuple(lines))


def _newton_section(update: DirectionUpdate, index: int):
    assert update.newton is not None
    sub = subscript(index)
    lines = [(f"d{sub}", f"−H⁻¹g = {format_vector(update.direction)}")]
    if update.newton.modified:
        used = np.maximum(np.abs(update.newton.eigenvalues), 1e-8)
        lines.append(("modified", "H is not positive definite: −H⁻¹g could point uphill"))
        lines.append(("", f"eigenvalues used as max(|λ|, 1e-8) = {format_vector(used)}"))
        lines.append(("", "d = −V·diag(1/max(|λᵢ|, 1e-8))·Vᵀg"))
    else:
        lines.append(("", "H is positive definite: d points to the local model's minimum"))
    return ("Newton's direction", tuple(lines))


def _search_section(run: DescentRun, update: DirectionUpdate, index: int, value: float):
    """The trials in f's own values (φ is −f when maximizing: its bound is turned back)."""
    assert update.search is not None and run.config.line_search is not None
    settings, sign, slope = (
        run.config.line_search,
        -1.0 if run.config.maximize else 1.0,
        update.slope,
    )
    of = "−f" if run.config.maximize else "f"
    lines: list[tuple[str, str]] = [("slope", f"∇{of}ᵀd = {format_number(slope)}")]
    if settings.name == "armijo":
        c = settings.c or 0.0
        lines.append(("rule", f"first α with {of}(x + αd) ≤ {of}(x) + c·α·∇{of}ᵀd"))
        for number, trial in enumerate(update.search.trials, 1):
            bound = sign * (sign * value + c * trial.alpha * slope)
            verdict = "accepted" if trial.accepted else "rejected"
            lines.append(
                (f"trial {number}", f"α = {format_number(trial.alpha)}: f = "
                 f"{format_number(sign * trial.value)}, bound {format_number(bound)}: {verdict}")
            )  # fmt: skip
    else:
        if len(update.search.trials) == 1:
            lines.append(("closed form", "α = −∇fᵀd / dᵀHd (the Hessian is constant)"))
        else:
            lines.append(("search", "bracket, then Brent's method on φ(α) = f(x + αd)"))
        for number, trial in enumerate(update.search.trials, 1):
            mark = " ← accepted" if trial.accepted else ""
            lines.append(
                (f"trial {number}", f"α = {format_number(trial.alpha)}: "
                 f"f = {format_number(sign * trial.value)}{mark}")
            )  # fmt: skip
    alpha = update.alpha
    lines.append((f"α{subscript(index)}", "—" if math.isnan(alpha) else format_number(alpha)))
    return (f"Line search of update {index:,}", tuple(lines))
