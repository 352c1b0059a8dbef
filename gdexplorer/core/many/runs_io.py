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
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdexplorer.core import checks
from gdexplorer.core.budgets import (
    JSON_FILE_LIMIT,
    RUNS_FILE_LIMIT,
    check_regular_file,
    check_run_count,
    read_regular_file,
)
from gdexplorer.core.config import RunConfig, check_outcome
from gdexplorer.core.engine import Outcome, StopReason
from gdexplorer.core.errors import ConfigError, ExportError
from gdexplorer.core.files.safe_write import paired_targets, write_text_files
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.trajectory import (
    Trajectory,
    float_text,
    read_csv,
    row_columns,
    trajectory_table,
)

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
    extras = {c for run in runs for c in _extra_columns(run.trajectory)}
    header = ["run"]
    for columns, _ in tables:  # each run's columns in its order, extras (lr, ...) last
        header += [c for c in columns if c not in header and c not in extras]
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


def _extra_columns(trajectory: Trajectory) -> tuple[str, ...]:
    """The trajectory's columns after the optimizer state (``lr``, a run on data's, ...)."""
    return trajectory.columns[len(row_columns(trajectory.variables, trajectory.state_slots)) :]


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
    """Read a file written by :func:`write_runs` (the ``.json`` beside it is needed too).

    Everything is checked before anything is returned: each field of each run (type, range,
    size), that the runs agree with their settings, and the budgets (at most
    :data:`~gdexplorer.core.budgets.MAX_RUNS_IN_FILE` runs, files of bounded size, regular files
    only). A damaged or hostile file is an :class:`ExportError` naming the run and the field.
    """
    target = Path(path)
    entries = _read_entries(target.with_suffix(".json"))
    check_regular_file(target, RUNS_FILE_LIMIT, "the runs file", ExportError)
    header, table = read_csv(target)
    if not header or header[0] != "run" or "iteration" not in header:
        raise ExportError(f"{target} is not a runs file: its first column is not 'run'")
    checked = [_checked_entry(entry, target) for entry in entries]
    numbers = [entry.number for entry in checked]
    if len(set(numbers)) != len(numbers):
        raise ExportError(f"{target}: two runs have the same number")
    return [_record(entry, header, table[table[:, 0] == entry.number], target) for entry in checked]


def _read_entries(path: Path) -> list:
    try:
        content = read_regular_file(path, JSON_FILE_LIMIT, "the settings file", ExportError)
    except ExportError as error:
        if not path.exists():
            raise ExportError(f"cannot read the settings: {path} is missing") from None
        raise error from None
    try:
        data = checks.parse_json(content, str(path))
    except ConfigError as error:
        raise ExportError(str(error)) from None
    if not isinstance(data, dict) or data.get("format") != RUNS_FORMAT:
        raise ExportError(f"{path} is not a gdexplorer runs settings file")
    entries = data.get("runs")
    if not isinstance(entries, list) or not entries:
        raise ExportError(f"{path} lists no runs")
    try:
        check_run_count(len(entries), str(path))
    except ConfigError as error:
        raise ExportError(str(error)) from None
    return entries


@dataclass(frozen=True)
class _Entry:
    """One run's description from the settings file, every field checked."""

    number: int
    name: str
    config: RunConfig
    variables: tuple[str, ...]
    state_slots: tuple[str, ...]
    extra_columns: tuple[str, ...]
    outcome: Outcome | None
    seconds: float | None


_ENTRY_FIELDS = {"run", "name", "settings", "variables", "state_slots", "extra_columns"}
_OPTIONAL_FIELDS = {"outcome", "seconds"}


def _checked_entry(entry: object, target: Path) -> _Entry:
    """The run described by ``entry``, or an ExportError naming the run and the field."""
    label = "a run"
    try:
        fields = checks.mapping(entry, "each run")
        label = f"run {checks.describe(fields.get('run', '?'))}"
        missing = sorted(_ENTRY_FIELDS - set(fields))
        unknown = sorted(set(fields) - _ENTRY_FIELDS - _OPTIONAL_FIELDS)
        if missing or unknown:
            named = [f"'{n}' is missing" for n in missing] + [
                f"{checks.describe(n)} is unknown" for n in unknown[:3]
            ]
            raise ConfigError(", ".join(named))
        checked = _Entry(
            number=checks.whole(fields["run"], label, "run", 1, 10**9),
            name=checks.text(fields["name"], label, "name", checks.MAX_NAME),
            config=RunConfig.from_dict(fields["settings"], f"{label} settings"),
            variables=checks.names(fields["variables"], label, "variables"),
            state_slots=checks.names(fields["state_slots"], label, "state_slots"),
            extra_columns=checks.names(fields["extra_columns"], label, "extra_columns"),
            outcome=_outcome(fields.get("outcome"), label),
            seconds=checks.optional_number(fields.get("seconds"), label, "seconds"),
        )
        if checked.seconds is not None and checked.seconds < 0:
            raise checks.problem(label, "seconds", "0 or more", checked.seconds)
        _check_agreement(checked, label)
    except ConfigError as error:
        raise ExportError(f"{target}: {label} is malformed ({error})") from None
    return checked


def _check_agreement(entry: _Entry, label: str) -> None:
    """The columns a run lists must be the ones its settings make."""
    config = entry.config
    if len(set(entry.variables)) != len(entry.variables):
        raise ConfigError(f"{label}: variables names a variable twice")
    if len(entry.variables) != len(config.start) or config.variables not in (
        None,
        entry.variables,
    ):
        raise ConfigError(f"{label}: variables do not match the start point of its settings")
    slots = get_variant(config.variant).state_slots
    if entry.state_slots != slots:
        raise ConfigError(f"{label}: state_slots do not match its variant '{config.variant}'")
    if set(entry.extra_columns) & set(row_columns(entry.variables, slots)):
        raise ConfigError(f"{label}: extra_columns repeats a recorded column")


def _record(entry: _Entry, header: list[str], rows: np.ndarray, target: Path) -> RunRecord:
    trajectory = Trajectory(entry.variables, entry.state_slots, entry.extra_columns)
    missing = [c for c in trajectory.columns if c not in header]
    if missing:
        raise ExportError(f"{target}: the CSV has no column '{missing[0]}' for run {entry.number}")
    if not len(rows):
        raise ExportError(f"{target} has no rows for run {entry.number}")
    iterations = rows[:, header.index("iteration")]
    if not np.array_equal(iterations, np.arange(len(rows))):
        raise ExportError(f"{target}: the rows of run {entry.number} are not 0, 1, 2, ...")
    trajectory.append(rows[:, [header.index(c) for c in trajectory.columns]])
    return RunRecord(entry.name, entry.config, trajectory, entry.outcome, entry.seconds)


def _outcome(data: object, label: str) -> Outcome | None:
    checked = check_outcome(data, label)
    if checked is None:
        return None
    known = [reason.value for reason in StopReason]
    if checked["reason"] not in known:
        raise checks.problem(
            label, "outcome.reason", f"one of {', '.join(known)}", checked["reason"]
        )
    return Outcome(StopReason(checked["reason"]), checked["iterations"], checked["message"])
