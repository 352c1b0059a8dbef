"""The batch behind one update of a run on data: its examples, their losses and gradients.

Row k of a run on data holds the gradient that update k + 1 used: the mean of the per-example
gradients of that update's batch at x_k. :func:`batch_details` recomputes that batch's numbers
(and the full-data gradient, which the batch's mean estimates) and :func:`describe_batch` puts
them into the sentences the inspector shows (:mod:`gdexplorer.ui.views.data_inspector` lays them
out). Qt-free, so a test checks them without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gdexplorer.core.explain.maths import format_vector, subscript
from gdexplorer.core.trajectory import Trajectory

MAX_LISTED = 20
"""Examples listed one by one; a larger batch ends with "… and N more"."""


@dataclass(frozen=True)
class BatchDetails:
    """The batch of update ``update`` (taken at row ``update - 1``) and its numbers."""

    update: int
    epoch: int
    n_examples: int
    point: np.ndarray
    indices: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    mean_gradient: np.ndarray
    recorded_gradient: np.ndarray
    full_gradient: np.ndarray


def batch_details(run: Any, trajectory: Trajectory, index: int) -> BatchDetails | None:
    """The batch whose averaged gradient row ``index`` holds; None when not a run on data."""
    if run is None or not hasattr(run, "batch_indices") or not 0 <= index < len(trajectory):
        return None
    objective = run.objective
    point = trajectory.points[index].copy()
    indices = np.asarray(run.batch_indices(index + 1))
    with np.errstate(all="ignore"):
        losses, gradients = objective.example_values_and_gradients(point, indices)
        mean = gradients.mean(axis=0)
        full = np.asarray(objective.gradient(point), dtype=float)
    return BatchDetails(
        update=index + 1,
        epoch=run.schedule.epoch_of(index + 1),
        n_examples=len(run.dataset),
        point=point,
        indices=indices,
        losses=losses,
        gradients=gradients,
        mean_gradient=mean,
        recorded_gradient=trajectory.gradients[index].copy(),
        full_gradient=full,
    )


def describe_batch(
    details: BatchDetails, ended: bool = False
) -> tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The title, one ``(index, loss, gradient)`` per listed example (4 digits), and the
    summary lines ``(label, text)``: the mean, the full-data gradient.

    ``ended``: row k is the run's last, so no update used this batch; the words say so
    instead of speaking of an update that never came."""
    k = details.update - 1
    now = subscript(k)
    size, n = len(details.indices), details.n_examples
    which = "all the examples" if size == n else f"{size:,} of {n:,} examples"
    title = f"Batch of update {details.update:,} (epoch {details.epoch:,}): {which} at x{now}"
    use = f"the gradient update {details.update:,} uses"
    if ended:
        title = f"Batch drawn at x{now}, the last row: {which} (the run ended, no update used it)"
        use = "the gradient recorded at the last row"
    examples = [
        (str(int(i)), _short(loss), _short(gradient))
        for i, loss, gradient in zip(
            details.indices[:MAX_LISTED], details.losses, details.gradients, strict=False
        )
    ]
    if size > MAX_LISTED:
        examples.append(("", "", f"… and {size - MAX_LISTED:,} more"))
    summary = [
        (f"mean of {size:,}", format_vector(details.mean_gradient)),
        ("", f"= ∇f(x{now}) above, {use}"),
    ]
    if size < n:
        summary.append((f"all {n:,}", format_vector(details.full_gradient)))
        summary.append(("", "the full-data gradient, which the batch's mean estimates"))
    return title, examples, summary


def _short(values: np.ndarray | float) -> str:
    """4 significant digits: one example's numbers fit on one line of the inspector."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    text = ", ".join(f"{v:.4g}" for v in arr)
    return text if arr.size == 1 else f"({text})"
