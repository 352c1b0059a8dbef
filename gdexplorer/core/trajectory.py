"""One run's recorded rows, and their CSV / JSON export.

A trajectory is a table: row k holds the state *after* k updates (row 0 is the start point):
the point x_k, f(x_k), the gradient at x_k (the one the next update uses), the step that
arrived at x_k (x_k - x_{k-1}; zero in row 0) and the optimizer's state after update k.
Rows are appended in batches while a run streams, and never changed afterwards.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.csv_table import first_line, read_table, write_table
from gdexplorer.core.files.csv_table import float_text as float_text  # re-exported for callers
from gdexplorer.core.files.safe_write import atomic_write as atomic_write  # re-exported for callers
from gdexplorer.core.files.safe_write import paired_targets, text_writer, write_files


def row_columns(variables: Sequence[str], state_slots: Sequence[str]) -> tuple[str, ...]:
    """The recorded columns: point, f, gradient, step, then each state slot per variable."""
    return (
        *variables,
        "f",
        *(f"grad_{v}" for v in variables),
        *(f"step_{v}" for v in variables),
        *(f"{slot}_{v}" for slot in state_slots for v in variables),
    )


class Trajectory:
    """An append-only table of float rows with named columns."""

    def __init__(
        self,
        variables: Sequence[str],
        state_slots: Sequence[str] = (),
        extra_columns: Sequence[str] = (),
        capacity: int = 1024,
    ) -> None:
        self.variables = tuple(variables)
        self.state_slots = tuple(state_slots)
        self.columns = row_columns(self.variables, self.state_slots) + tuple(extra_columns)
        self._index = {name: i for i, name in enumerate(self.columns)}
        self._buffer = np.empty((max(capacity, 1), len(self.columns)))
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def iterations(self) -> int:
        """Updates recorded: one less than the rows (row 0 is the start)."""
        return max(self._length - 1, 0)

    def append(self, rows: np.ndarray) -> None:
        """Add rows (shape ``(n, len(columns))``); earlier rows and views stay valid."""
        rows = np.asarray(rows, dtype=float).reshape(-1, len(self.columns))
        needed = self._length + len(rows)
        if needed > len(self._buffer):
            grown = np.empty((max(needed, 2 * len(self._buffer)), len(self.columns)))
            grown[: self._length] = self._buffer[: self._length]
            self._buffer = grown
        self._buffer[self._length : needed] = rows
        self._length = needed

    def adopt(self, rows: np.ndarray) -> None:
        """Take ``rows`` (float64, one column per name) as the table of this empty trajectory,
        without a copy (a file just read: no second array of its size)."""
        if self._length or rows.ndim != 2 or rows.shape[1] != len(self.columns):
            raise ValueError("adopt needs an empty trajectory and rows of its columns")
        self._buffer = np.ascontiguousarray(rows, dtype=float)
        self._length = len(rows)

    @property
    def rows(self) -> np.ndarray:
        """All rows so far (a read-only view)."""
        view = self._buffer[: self._length]
        view.flags.writeable = False
        return view

    def column(self, name: str) -> np.ndarray:
        return self.rows[:, self._index[name]]

    def has_column(self, name: str) -> bool:
        return name in self._index

    # The column groups are contiguous (see row_columns), so each is a view, never a copy.

    @property
    def points(self) -> np.ndarray:
        return self.rows[:, : len(self.variables)]

    @property
    def values(self) -> np.ndarray:
        return self.rows[:, len(self.variables)]

    @property
    def gradients(self) -> np.ndarray:
        d = len(self.variables)
        return self.rows[:, d + 1 : 2 * d + 1]

    @property
    def steps(self) -> np.ndarray:
        d = len(self.variables)
        return self.rows[:, 2 * d + 1 : 3 * d + 1]

    def state(self, slot: str) -> np.ndarray:
        """The optimizer state slot (``b``, ``s``, ``m``, ``v``) per row."""
        d = len(self.variables)
        first = 3 * d + 1 + self.state_slots.index(slot) * d
        return self.rows[:, first : first + d]

    @property
    def gradient_norms(self) -> np.ndarray:
        return np.sqrt(np.sum(self.gradients**2, axis=1))

    @property
    def step_norms(self) -> np.ndarray:
        return np.sqrt(np.sum(self.steps**2, axis=1))


def csv_header(trajectory: Trajectory) -> list[str]:
    """``iteration, <variables>, f, grad_<v>..., grad_norm, step_norm, step_<v>..., <state>``."""
    v = trajectory.variables
    rest = trajectory.columns[2 * len(v) + 1 :]  # steps, optimizer state, extras
    return ["iteration", *v, "f", *(f"grad_{n}" for n in v), "grad_norm", "step_norm", *rest]


def trajectory_table(trajectory: Trajectory) -> tuple[list[str], np.ndarray]:
    """The CSV header and the matching float table (iteration as a float column)."""
    header = csv_header(trajectory)
    computed = {
        "iteration": np.arange(len(trajectory), dtype=float),
        "grad_norm": trajectory.gradient_norms,
        "step_norm": trajectory.step_norms,
    }
    cols = [computed[h] if h in computed else trajectory.column(h) for h in header]
    return header, np.column_stack(cols) if cols else np.empty((0, 0))


def write_csv(
    trajectory: Trajectory,
    path: str | os.PathLike,
    settings: dict | None = None,
    engine: str | None = None,
) -> Path:
    """Write the trajectory (and ``settings`` to ``<name>.json`` beside it) as a pair.

    Floats are written in their shortest exact form, so they read back bit for bit. Both files
    are written through :mod:`gdexplorer.core.files.safe_write`: a target that is not a regular file
    or a name ending in ``.json`` is refused, and on any failure neither old file changes
    (ExportError says why).
    """
    header, table = trajectory_table(trajectory)
    columns: list[np.ndarray] = [np.arange(len(table), dtype=np.int64), *table[:, 1:].T]

    def write_rows(handle: BinaryIO) -> None:
        write_table(handle, header, columns, engine=engine)

    if settings is None:
        return write_files([(path, write_rows)])[0]
    target, settings_path = paired_targets(path)
    settings_text = json.dumps(settings, indent=2) + "\n"
    write_files([(target, write_rows), (settings_path, text_writer(settings_text))])
    return target


def read_csv(path: str | os.PathLike, engine: str | None = None) -> tuple[list[str], np.ndarray]:
    """Read a CSV written by :func:`write_csv`: its header and float table."""
    return read_table(path, engine=engine)


DERIVED_COLUMNS = ("iteration", "grad_norm", "step_norm")
"""Columns of the CSV that a trajectory does not store (they are computed for the reader)."""


def read_trajectory_csv(
    path: str | os.PathLike, state_slots: tuple[str, ...] | None = None, engine: str | None = None
) -> Trajectory:
    """The trajectory of a CSV written by :func:`write_csv` (see :func:`trajectory_from_table`).

    The stored columns are read straight into the trajectory's own array (the derived ones
    skipped), so the peak memory is about the size of the trajectory.
    """
    header = first_line(path)
    if not header:
        read_table(path, engine=engine)  # says why the file cannot be read
    variables, slots, extras, has_steps = _layout(header, state_slots)
    trajectory = Trajectory(variables, slots, extras, capacity=0)
    if has_steps and not set(DERIVED_COLUMNS) & set(trajectory.columns):
        names, table = read_table(path, skip=DERIVED_COLUMNS, engine=engine)
        if tuple(names) == trajectory.columns:
            trajectory.adopt(table)
            return trajectory
    return trajectory_from_table(*read_csv(path, engine=engine), state_slots=state_slots)


def trajectory_from_table(
    header: list[str], table: np.ndarray, state_slots: tuple[str, ...] | None = None
) -> Trajectory:
    """Rebuild a Trajectory from the columns of a CSV written by :func:`write_csv`.

    The state slots are the variant's (when the settings are known) or recognized by their
    names. A CSV from a version that wrote no ``step_<v>`` columns gets its steps recomputed
    from the points.
    """
    variables, slots, extras, has_steps = _layout(header, state_slots)
    d = len(variables)
    points = table[:, 1 : d + 1]
    if has_steps:
        steps, state_at = table[:, 2 * d + 4 : 3 * d + 4], 3 * d + 4
    else:
        steps, state_at = np.zeros_like(points), 2 * d + 4
        steps[1:] = np.diff(points, axis=0)
    rows = np.column_stack([points, table[:, d + 1 : 2 * d + 2], steps, table[:, state_at:]])
    trajectory = Trajectory(variables, slots, extras, len(table))
    trajectory.append(rows)
    return trajectory


def _layout(
    header: list[str], state_slots: tuple[str, ...] | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]:
    """Variables, state slots, extra columns and whether the steps are there, from a header."""
    if not header or header[0] != "iteration" or "f" not in header or "step_norm" not in header:
        raise ExportError("this CSV is not a trajectory exported by gdexplorer")
    variables = tuple(header[1 : header.index("f")])
    d = len(variables)
    if not variables or header[d + 2 : 2 * d + 4] != [
        *(f"grad_{v}" for v in variables),
        "grad_norm",
        "step_norm",
    ]:
        raise ExportError("this CSV is not a trajectory exported by gdexplorer")
    rest = header[2 * d + 4 :]
    has_steps = rest[:d] == [f"step_{v}" for v in variables]
    if has_steps:
        rest = rest[d:]
    slots = state_slots if state_slots is not None else slots_by_name(rest, variables)
    slot_columns = [f"{slot}_{v}" for slot in slots for v in variables]
    if rest[: len(slot_columns)] != slot_columns:
        raise ExportError("the CSV's optimizer columns do not match its settings file")
    return variables, tuple(slots), tuple(rest[len(slot_columns) :]), has_steps


def slots_by_name(columns: list[str], variables: tuple[str, ...]) -> tuple[str, ...]:
    """The optimizer state slots whose ``<slot>_<v>`` column groups lead ``columns``."""
    slots = []
    d = len(variables)
    for first in range(0, len(columns) - d + 1, d):
        group = columns[first : first + d]
        suffix = f"_{variables[0]}"
        if not group[0].endswith(suffix):
            break
        slot = group[0][: -len(suffix)]
        if group != [f"{slot}_{v}" for v in variables]:
            break
        slots.append(slot)
    return tuple(slots)
