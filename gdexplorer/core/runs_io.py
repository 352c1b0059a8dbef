"""Several runs in one file: a long-form CSV and the settings of each run in JSON beside it.

The CSV has a ``run`` column (1, 2, ...) followed by the single-run columns of
:func:`gdexplorer.core.trajectory.csv_header`; runs whose variants keep different state (``b``
for momentum, ``m`` and ``v`` for Adam) leave the columns they do not have empty. One row per
iterate of each run, so pandas reads it with ``read_csv`` and groups it with ``groupby("run")``.

The JSON (same name, ``.json``) lists every run: its name, its settings
(:meth:`RunConfig.to_dict`), its columns, how it ended and how long it took, so
:func:`read_runs` can rebuild each trajectory exactly (floats are written with ``repr``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Outcome, StopReason
from gdexplorer.core.errors import ConfigError, ExportError
from gdexplorer.core.safe_write import paired_targets, write_text_files
from gdexplorer.core.trajectory import Trajectory, float_text, read_csv, trajectory_table

RUNS_FORMAT = "gdexplorer-runs/1"


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One run of a comparison: its name, settings, rows, how it ended and its time."""

    name: str
    config: RunConfig
    trajectory: Trajectory
    outcome: Outcome | None = None
    seconds: float | None = None


def write_runs(runs: Sequence[RunRecord], path: str | os.PathLike) -> Path:
    """Write ``runs`` to ``path`` (CSV) and ``path`` with ``.json`` (settings), atomically."""
    if not runs:
        raise ExportError("there are no runs to export")
    target = Path(path)
    tables = [trajectory_table(run.trajectory) for run in runs]
    header = ["run"]
    for columns, _ in tables:
        header += [c for c in columns if c not in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for number, (columns, table) in enumerate(tables, start=1):
        where = [columns.index(c) if c in columns else -1 for c in header[1:]]
        for row in table:
            cells = ["" if i < 0 else float_text(row[i]) for i in where]
            writer.writerow([str(number), str(int(row[0])), *cells[1:]])
    entries = [_entry(number, run) for number, run in enumerate(runs, start=1)]
    settings = {"format": RUNS_FORMAT, "runs": entries}
    settings_text = json.dumps(settings, indent=2) + "\n"
    table_path, settings_path = paired_targets(target)
    write_text_files([(table_path, buffer.getvalue()), (settings_path, settings_text)])
    return table_path


def _entry(number: int, run: RunRecord) -> dict:
    trajectory = run.trajectory
    known = set(trajectory.columns[: 3 * len(trajectory.variables) + 1])
    known |= {f"{s}_{v}" for s in trajectory.state_slots for v in trajectory.variables}
    outcome = None
    if run.outcome is not None:
        outcome = {
            "reason": run.outcome.reason.value,
            "iterations": run.outcome.iterations,
            "message": run.outcome.message,
        }
    return {
        "run": number,
        "name": run.name,
        "settings": run.config.to_dict(),
        "variables": list(trajectory.variables),
        "state_slots": list(trajectory.state_slots),
        "extra_columns": [c for c in trajectory.columns if c not in known],
        "outcome": outcome,
        "seconds": run.seconds,
    }


def read_runs(path: str | os.PathLike) -> list[RunRecord]:
    """Read a file written by :func:`write_runs` (the ``.json`` beside it is needed too)."""
    target = Path(path)
    entries = _read_entries(target.with_suffix(".json"))
    header, table = read_csv(target)
    if not header or header[0] != "run" or "iteration" not in header:
        raise ExportError(f"{target} is not a runs file: its first column is not 'run'")
    runs = []
    for entry in entries:
        rows = table[table[:, 0] == entry["run"]]
        runs.append(_record(entry, header, rows, target))
    return runs


def _read_entries(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"cannot read the settings: {path} is missing") from None
    except (OSError, ValueError) as error:
        raise ExportError(f"cannot read {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != RUNS_FORMAT:
        raise ExportError(f"{path} is not a gdexplorer runs settings file")
    entries = data.get("runs")
    if not isinstance(entries, list) or not entries:
        raise ExportError(f"{path} lists no runs")
    return entries


def _record(entry: dict, header: list[str], rows: np.ndarray, target: Path) -> RunRecord:
    try:
        config = RunConfig.from_dict(entry["settings"])
        trajectory = Trajectory(entry["variables"], entry["state_slots"], entry["extra_columns"])
        where = [header.index(c) for c in trajectory.columns]
        outcome = _outcome(entry.get("outcome"))
        name, seconds = str(entry["name"]), entry.get("seconds")
    except (KeyError, TypeError, ValueError, ConfigError) as error:
        raise ExportError(f"{target}: run {entry.get('run', '?')} is malformed ({error})") from None
    if not len(rows):
        raise ExportError(f"{target} has no rows for run {entry['run']}")
    iterations = rows[:, header.index("iteration")]
    if not np.array_equal(iterations, np.arange(len(rows))):
        raise ExportError(f"{target}: the rows of run {entry['run']} are not 0, 1, 2, ...")
    trajectory.append(rows[:, where])
    seconds = float(seconds) if seconds is not None and math.isfinite(seconds) else None
    return RunRecord(name, config, trajectory, outcome, seconds)


def _outcome(data: dict | None) -> Outcome | None:
    if data is None:
        return None
    return Outcome(StopReason(data["reason"]), int(data["iterations"]), str(data["message"]))
