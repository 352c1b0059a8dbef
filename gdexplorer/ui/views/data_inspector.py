"""The batch of an update, for the inspector: its examples, their gradients and their mean.

Row k of a run on data holds the gradient that update k + 1 used: the mean of the per-example
gradients of that update's batch at x_k. This section lists the batch (at most
:data:`~gdexplorer.core.data.batch_details.MAX_LISTED` examples, then "… and N more"), each
example's loss and gradient at x_k (computed by the core's ``example_values_and_gradients``),
their mean, and the full-data gradient for comparison, so a student sees how far one example's
pull is from the average. The numbers and the sentences come from
:mod:`gdexplorer.core.data.batch_details`; this module only lays them out as HTML or plain text.
"""

from __future__ import annotations

import html
from typing import Any

from gdexplorer.core.data.batch_details import BatchDetails, batch_details, describe_batch
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style


def batch_html(run: Any, trajectory: Trajectory | None, index: int, ended: bool = False) -> str:
    """The batch as a block of the inspector ("" when not a run on data): a title, a table of
    the examples (one line each), then the mean and the full-data gradient. ``ended``: row
    ``index`` is the last of a finished run (no update used the batch)."""
    details = _details(run, trajectory, index)
    if details is None:
        return ""
    title, examples, summary = describe_batch(details, ended)
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


def batch_text(run: Any, trajectory: Trajectory | None, index: int, ended: bool = False) -> str:
    """The batch as plain text ("" when not a run on data)."""
    details = _details(run, trajectory, index)
    if details is None:
        return ""
    title, examples, summary = describe_batch(details, ended)
    lines = [title]
    for i, loss, gradient in examples:
        lines.append(f"  example {i}: ℓ = {loss}   ∇ℓ = {gradient}" if i else f"  {gradient}")
    lines += [f"  {label}: {text}" if label else f"  {text}" for label, text in summary]
    return "\n".join(lines)


_HEADER = (("example", "right"), ("loss ℓ", "right"), ("gradient ∇ℓ", "left"))


def _details(run: Any, trajectory: Trajectory | None, index: int) -> BatchDetails | None:
    return None if trajectory is None else batch_details(run, trajectory, index)
