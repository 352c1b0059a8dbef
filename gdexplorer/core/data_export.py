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
:func:`read_data_csv` rebuilds the trajectory from the CSV and the run of those settings.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data import load_dataset
from gdexplorer.core.data_engine import BatchSchedule
from gdexplorer.core.errors import ExportError
from gdexplorer.core.trajectory import Trajectory, atomic_write, float_text

if TYPE_CHECKING:
    from gdexplorer.core.data_engine import DataRun


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
    settings: dict | None = None,
) -> Path:
    """Write the CSV and ``<name>.json`` (the settings); ExportError if it cannot.

    ``schedule`` is the run's :class:`BatchSchedule`; without it the schedule is rebuilt from
    ``config`` (which reads the dataset again to count its examples). ``settings`` replaces
    ``config.to_dict()`` in the JSON (e.g. with the run's outcome added).
    """
    if schedule is None:
        n_examples = len(load_dataset(config.data or ""))
        schedule = BatchSchedule(n_examples, config.batch_size, config.seed)
    target = Path(path)
    atomic_write(target, data_csv_text(trajectory, schedule))
    settings = settings if settings is not None else config.to_dict()
    atomic_write(target.with_suffix(".json"), json.dumps(settings, indent=2) + "\n")
    return target


def is_data_csv_header(header: list[str]) -> bool:
    """True for the header of a CSV written by :func:`write_data_csv`."""
    return header[:3] == ["update", "epoch", "batch"]


def read_data_csv(path: str | os.PathLike, run: DataRun) -> Trajectory:
    """The trajectory of a data run exported with :func:`write_data_csv`; ``run`` is the
    (unstarted) run of the settings written beside it. ExportError if the file does not fit.

    Row k's gradient is the one update k + 1 used (``batch_grad`` of line k + 1); the last
    row's, which no line holds, is recomputed on its batch, as the run did.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            lines = [line for line in reader if line]
    except (OSError, StopIteration, UnicodeDecodeError) as error:
        raise ExportError(f"cannot read {path}: {error}") from None
    trajectory = run.new_trajectory()
    if header != data_csv_header(trajectory):
        raise ExportError("the CSV's columns do not match the settings file beside it")
    if not lines:
        raise ExportError(f"{path} has no rows")
    try:
        table = np.array(
            [[float(x) if x else math.nan for x in line[:2] + line[3:]] for line in lines]
        )
    except ValueError as error:
        raise ExportError(f"cannot read {path}: {error}") from None
    if table.shape != (len(lines), len(header) - 1):
        raise ExportError(f"{path} has lines with missing or extra fields")
    numbers = header[:2] + header[3:]
    params = trajectory.variables

    def columns(names) -> np.ndarray:
        return table[:, [numbers.index(name) for name in names]]

    points = columns(params)
    gradients = np.empty_like(points)
    gradients[:-1] = columns([f"batch_grad_{p}" for p in params])[1:]
    _, gradients[-1] = run.objective.batch_value_and_gradient(
        points[-1], run.batch_indices(len(table))
    )
    state = [f"{slot}_{p}" for slot in trajectory.state_slots for p in params]
    full_loss = columns(["full_loss"])
    rows = np.column_stack([
        points, full_loss, gradients, columns([f"step_{p}" for p in params]), columns(state),
        columns(["epoch", "batch_loss"]), full_loss,
    ])  # fmt: skip
    trajectory.append(rows)
    return trajectory
