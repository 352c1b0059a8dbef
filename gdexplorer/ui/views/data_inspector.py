"""The batch of an update, for the inspector: its examples, their gradients and their mean.

Row k of a run on data holds the gradient that update k + 1 used: the mean of the per-example
gradients of that update's batch at x_k. This section lists the batch (at most
:data:`MAX_LISTED` examples, then "… and N more"), each example's loss and gradient at x_k
(computed by the core's ``example_values_and_gradients``), their mean, and the full-data
gradient for comparison, so a student sees how far one example's pull is from the average.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdexplorer.core.explain.maths import format_vector, subscript
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style

MAX_LISTED = 20


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


def batch_html(run: Any, trajectory: Trajectory | None, index: int) -> str:
    """The batch as a block of the inspector ("" when not a run on data): a title, a table of
    the examples (one line each), then the mean and the full-data gradient."""
    details = _details(run, trajectory, index)
    if details is None:
        return ""
    title, examples, summary = describe_batch(details)
    font = style.mono_font().family()
    grey = "color:#555555; padding-right:10px"
    cell = f"style=\"font-family:'{font}'; padding-right:10px\""
    head = "".join(f"<td style='{grey}' align='{a}'>{h}</td>" for h, a in _HEADER)
    listed = "".join(
        f"<tr><td {cell} align='right'>{i}</td><td {cell} align='right'>{loss}</td>"
        f"<td {cell}>{html.escape(gradient)}</td></tr>"
        for i, loss, gradient in examples
    )
    lines = "".join(
        f"<tr><td style='{grey}' align='right'>{html.escape(label)}</td>"
        f"<td style=\"font-family:'{font}'; white-space:pre-wrap\">{html.escape(text)}</td></tr>"
        for label, text in summary
    )
    table = '<table cellspacing="0" cellpadding="1">'
    return (
        f'<p style="margin-top:8px; margin-bottom:0"><b>{html.escape(title)}</b></p>'
        f"{table}<tr>{head}</tr>{listed}</table>{table}{lines}</table>"
    )


def batch_text(run: Any, trajectory: Trajectory | None, index: int) -> str:
    """The batch as plain text ("" when not a run on data)."""
    details = _details(run, trajectory, index)
    if details is None:
        return ""
    title, examples, summary = describe_batch(details)
    lines = [title]
    for i, loss, gradient in examples:
        lines.append(f"  example {i}: ℓ = {loss}   ∇ℓ = {gradient}" if i else f"  {gradient}")
    lines += [f"  {label}: {text}" if label else f"  {text}" for label, text in summary]
    return "\n".join(lines)


_HEADER = (("example", "right"), ("loss ℓ", "right"), ("gradient ∇ℓ", "left"))


def describe_batch(
    details: BatchDetails,
) -> tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The title, one ``(index, loss, gradient)`` per listed example (4 digits), and the
    summary lines ``(label, text)``: the mean, the full-data gradient."""
    k = details.update - 1
    now = subscript(k)
    size, n = len(details.indices), details.n_examples
    which = "all the examples" if size == n else f"{size:,} of {n:,} examples"
    title = f"Batch of update {details.update:,} (epoch {details.epoch:,}): {which} at x{now}"
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
        ("", f"= ∇f(x{now}) above, the gradient update {details.update:,} uses"),
    ]
    if size < n:
        summary.append((f"all {n:,}", format_vector(details.full_gradient)))
        summary.append(("", "the full-data gradient, which the batch's mean estimates"))
    return title, examples, summary


def _details(run: Any, trajectory: Trajectory | None, index: int) -> BatchDetails | None:
    return None if trajectory is None else batch_details(run, trajectory, index)


def _short(values: np.ndarray | float) -> str:
    """4 significant digits: one example's numbers fit on one line of the inspector."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    text = ", ".join(f"{v:.4g}" for v in arr)
    return text if arr.size == 1 else f"({text})"
