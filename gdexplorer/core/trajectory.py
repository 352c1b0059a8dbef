"""One run's recorded rows, and their CSV / JSON export.

A trajectory is a table: row k holds the state *after* k updates (row 0 is the start point):
the point x_k, f(x_k), the gradient at x_k (the one the next update uses), the step that
arrived at x_k (x_k - x_{k-1}; zero in row 0) and the optimizer's state after update k.
Rows are appended in batches while a run streams, and never changed afterwards.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gdexplorer.core.errors import ExportError


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
    trajectory: Trajectory, path: str | os.PathLike, settings: dict | None = None
) -> Path:
    """Write the trajectory (and ``settings`` to ``<name>.json`` beside it), atomically.

    Floats are written with ``repr`` so they read back bit for bit. On failure the existing
    files are left as they were and an :class:`ExportError` says why.
    """
    target = Path(path)
    header, table = trajectory_table(trajectory)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in table:
        writer.writerow([str(int(row[0])), *(float_text(x) for x in row[1:])])
    atomic_write(target, buffer.getvalue())
    if settings is not None:
        atomic_write(target.with_suffix(".json"), json.dumps(settings, indent=2) + "\n")
    return target


def float_text(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else ("nan" if math.isnan(value) else "")


def atomic_write(target: Path, text: str) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: the folder {directory} does not exist")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None


def read_csv(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Read a CSV written by :func:`write_csv`: its header and float table."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            table = [[float(x) if x else math.nan for x in row] for row in reader if row]
    except (OSError, StopIteration, ValueError) as error:
        raise ExportError(f"cannot read {path}: {error}") from None
    return header, np.asarray(table, dtype=float).reshape(-1, len(header))
