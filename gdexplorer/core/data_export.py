"""CSV export of a run on a dataset: one line per update, with the examples it used.

Columns: ``update`` (0 for the start), ``epoch``, ``batch`` (the 0-based example indices of the
update's batch, separated by spaces: ``"3 17 42"``), the parameters after the update,
``full_loss`` (the mean loss over all examples there), ``batch_loss`` (the mean loss of the
batch where its gradient was taken), ``batch_grad_<p>`` (the batch's averaged gradient that the
update used), ``step_<p>`` and the optimizer state. The start line leaves the update's fields
empty. Every field of a line is about the same update, so a reader can check
``<p> = previous <p> + step_<p>`` and, for plain gradient descent,
``step_<p> = -lr * batch_grad_<p>``. Floats are written with ``repr`` (they read back exactly).
The settings go to ``<name>.json`` beside the CSV; both writes are atomic.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data import load_dataset
from gdexplorer.core.data_engine import BatchSchedule
from gdexplorer.core.trajectory import Trajectory, atomic_write, float_text


def data_csv_header(trajectory: Trajectory) -> list[str]:
    params = trajectory.variables
    state = [f"{slot}_{p}" for slot in trajectory.state_slots for p in params]
    return [
        "update", "epoch", "batch", *params, "full_loss", "batch_loss",
        *(f"batch_grad_{p}" for p in params), *(f"step_{p}" for p in params), *state,
    ]  # fmt: skip


def data_csv_text(trajectory: Trajectory, schedule: BatchSchedule) -> str:
    """The CSV text of a data run's trajectory (see the module docstring)."""
    params = trajectory.variables
    state = [f"{slot}_{p}" for slot in trajectory.state_slots for p in params]
    numbers = np.column_stack(
        [trajectory.points, trajectory.column("full_loss"), trajectory.column("batch_loss")]
    )
    used_gradients = trajectory.gradients  # row k's gradient is what update k + 1 used
    rest = np.column_stack([trajectory.steps, *(trajectory.column(c) for c in state)])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(data_csv_header(trajectory))
    for k in range(len(trajectory)):
        if k == 0:
            batch, epoch, used = "", "0", [""] * len(params)
        else:
            batch = " ".join(map(str, schedule.batch_indices(k).tolist()))
            epoch = str(schedule.epoch_of(k))
            used = [float_text(g) for g in used_gradients[k - 1]]
        head = [float_text(v) for v in numbers[k]]
        if k == 0:
            head[-1] = ""  # no batch yet
        writer.writerow([str(k), epoch, batch, *head, *used, *map(float_text, rest[k])])
    return buffer.getvalue()


def write_data_csv(
    trajectory: Trajectory,
    path: str | os.PathLike,
    config: RunConfig,
    schedule: BatchSchedule | None = None,
) -> Path:
    """Write the CSV and ``<name>.json`` (the settings); ExportError if it cannot.

    ``schedule`` is the run's :class:`BatchSchedule`; without it the schedule is rebuilt from
    ``config`` (which reads the dataset again to count its examples).
    """
    if schedule is None:
        n_examples = len(load_dataset(config.data or ""))
        schedule = BatchSchedule(n_examples, config.batch_size, config.seed)
    target = Path(path)
    atomic_write(target, data_csv_text(trajectory, schedule))
    atomic_write(target.with_suffix(".json"), json.dumps(config.to_dict(), indent=2) + "\n")
    return target
