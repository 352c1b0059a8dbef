"""CSV export of a run on a dataset: one line per update, with the examples it used.

Columns: ``update`` (0 for the start), ``epoch``, ``batch`` (the 0-based example indices of the
update's batch, separated by spaces: ``"3 17 42"``), the parameters after the update,
``full_loss`` (the mean loss over all examples there), ``batch_loss`` (the mean loss of the
batch where its gradient was taken), ``batch_grad_<p>`` (the batch's averaged gradient that the
update used), ``step_<p>``, the optimizer state and ``lr`` (the learning rate the update used,
set by the schedule). The start line leaves the update's fields empty. Every field of a line
is about the same update, so a reader can check ``<p> = previous <p> + step_<p>`` and, for
plain gradient descent, ``step_<p> = -lr * batch_grad_<p>``. Floats are written with ``repr``
(they read back exactly). The settings go to ``<name>.json`` beside the CSV; the two are
written as a pair (:mod:`gdexplorer.core.files.safe_write`).
:func:`read_data_csv` rebuilds the trajectory from the CSV and the run of those settings.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.batches import BatchSchedule
from gdexplorer.core.data.datasets import load_dataset
from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.csv_table import first_line, read_table, write_table
from gdexplorer.core.files.safe_write import paired_targets, text_writer, write_files
from gdexplorer.core.stepsize.schedules import RATE_COLUMN
from gdexplorer.core.trajectory import Trajectory

if TYPE_CHECKING:
    from gdexplorer.core.data.engine import DataRun


def data_csv_header(trajectory: Trajectory) -> list[str]:
    params = trajectory.variables
    state = [f"{slot}_{p}" for slot in trajectory.state_slots for p in params]
    return [
        "update", "epoch", "batch", *params, "full_loss", "batch_loss",
        *(f"batch_grad_{p}" for p in params), *(f"step_{p}" for p in params), *state,
        RATE_COLUMN,
    ]  # fmt: skip


def data_csv_columns(
    trajectory: Trajectory, schedule: BatchSchedule
) -> tuple[list, dict[int, np.ndarray]]:
    """The columns of :func:`data_csv_header` and the cells left empty (the start's batch)."""
    params = trajectory.variables
    rows = len(trajectory)
    updates = np.arange(rows, dtype=np.int64)
    epochs = np.where(updates > 0, (updates - 1) // schedule.updates_per_epoch + 1, 0)
    batches = [
        "",
        *(" ".join(map(str, schedule.batch_indices(k).tolist())) for k in range(1, rows)),
    ]
    used = np.full((rows, len(params)), np.nan)
    used[1:] = trajectory.gradients[:-1]  # row k's gradient is what update k + 1 used
    rates = np.full(rows, np.nan)
    rates[1:] = trajectory.column(RATE_COLUMN)[:-1]  # and so is its rate
    state = [f"{slot}_{p}" for slot in trajectory.state_slots for p in params]
    columns = [
        updates, epochs, batches, *trajectory.points.T, trajectory.column("full_loss"),
        trajectory.column("batch_loss"), *used.T, *trajectory.steps.T,
        *(trajectory.column(c) for c in state), rates,
    ]  # fmt: skip
    start_only = updates == 0
    blank = {3 + len(params) + 1 + i: start_only for i in range(len(params) + 1)}
    blank[len(columns) - 1] = start_only
    return columns, blank


def data_csv_text(
    trajectory: Trajectory, schedule: BatchSchedule, engine: str | None = None
) -> str:
    """The CSV text of a data run's trajectory (see the module docstring)."""
    buffer = io.BytesIO()
    columns, blank = data_csv_columns(trajectory, schedule)
    write_table(buffer, data_csv_header(trajectory), columns, blank, engine)
    return buffer.getvalue().decode("utf-8")


def write_data_csv(
    trajectory: Trajectory,
    path: str | os.PathLike,
    config: RunConfig,
    schedule: BatchSchedule | None = None,
    engine: str | None = None,
    settings: dict | None = None,
) -> Path:
    """Write the CSV and ``<name>.json`` (the settings) as a pair; ExportError if it cannot.

    ``schedule`` is the run's :class:`BatchSchedule`; without it the schedule is rebuilt from
    ``config`` (which reads the dataset again to count its examples). ``settings`` replaces
    ``config.to_dict()`` in the JSON (e.g. with the run's outcome added). The targets are
    checked and written as :func:`gdexplorer.core.trajectory.write_csv` does.
    """
    target, settings_path = paired_targets(path)
    if schedule is None:
        n_examples = len(load_dataset(config.data or ""))
        schedule = BatchSchedule(n_examples, config.batch_size, config.seed)
    columns, blank = data_csv_columns(trajectory, schedule)
    header = data_csv_header(trajectory)

    def write_rows(handle: BinaryIO) -> None:
        write_table(handle, header, columns, blank, engine)

    content = settings if settings is not None else config.to_dict()
    write_files(
        [(target, write_rows), (settings_path, text_writer(json.dumps(content, indent=2) + "\n"))]
    )
    return target


def is_data_csv_header(header: list[str]) -> bool:
    """True for the header of a CSV written by :func:`write_data_csv`."""
    return header[:3] == ["update", "epoch", "batch"]


def read_data_csv(path: str | os.PathLike, run: DataRun, engine: str | None = None) -> Trajectory:
    """The trajectory of a data run exported with :func:`write_data_csv`; ``run`` is the
    (unstarted) run of the settings written beside it. ExportError if the file does not fit.

    Row k's gradient is the one update k + 1 used (``batch_grad`` of line k + 1); the last
    row's, which no line holds, is recomputed on its batch, as the run did.
    """
    trajectory = run.new_trajectory()
    numbers, table = read_table(path, skip=("batch",), engine=engine)
    header = data_csv_header(trajectory)
    if first_line(path) not in (header, header[:-1]):  # without lr: written before schedules
        raise ExportError("the CSV's columns do not match the settings file beside it")
    if not len(table):
        raise ExportError(f"{path} has no rows")
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
    rates = replayed_rates(run, columns(["batch_loss"])[:, 0], full_loss[:, 0])
    if RATE_COLUMN in numbers:
        rates[:-1] = columns([RATE_COLUMN])[1:, 0]
    rows = np.column_stack([
        points, full_loss, gradients, columns([f"step_{p}" for p in params]), columns(state),
        rates, columns(["epoch", "batch_loss"]), full_loss,
    ])  # fmt: skip
    trajectory.append(rows)
    return trajectory


def replayed_rates(run: DataRun, batch_losses: np.ndarray, full_losses: np.ndarray) -> np.ndarray:
    """lr_k of rows 0 .. n - 1 of a run on data, its scheduler stepped again as the run did:
    after each update with its batch loss, or after each epoch with the full-data loss.

    A file holds the rate each update used, but not the last row's (no update used it yet);
    a file written before schedules existed holds none.
    """
    scheduler = run.new_scheduler()
    per_epoch = run.schedule.updates_per_epoch
    rates = np.empty(len(batch_losses))
    rates[0] = scheduler.rate
    for k in range(1, len(rates)):
        if not run.schedule_per_epoch:
            scheduler.step(float(batch_losses[k]))
        elif k % per_epoch == 0:
            scheduler.step(float(full_losses[k]))
        rates[k] = scheduler.rate
    return rates
