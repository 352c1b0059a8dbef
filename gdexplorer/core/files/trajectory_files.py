"""Opening what an export wrote: a settings JSON, or a trajectory CSV with its settings beside it.

Qt-free, so the window's File menu, the command line and the tests open files the same way.
A CSV of a typed function re-opens without its settings too (the optimizer's state columns are
recognized by their names); a CSV of a run on data needs them (its batches are rebuilt from the
dataset and the seed).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from gdexplorer.core.budgets import (
    JSON_FILE_LIMIT,
    RUNS_FILE_LIMIT,
    check_regular_file,
    read_regular_file,
)
from gdexplorer.core.checks import parse_json
from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.export import is_data_csv_header, read_data_csv
from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.csv_table import first_line
from gdexplorer.core.run_protocol import is_data_run
from gdexplorer.core.trajectory import Trajectory, read_trajectory_csv

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun


def read_settings(path: str | os.PathLike) -> RunConfig:
    """The validated RunConfig stored in a settings JSON (ours, or one beside a CSV).

    The file must be a regular file under the JSON size limit; every field is checked before
    anything is returned (see :meth:`RunConfig.from_dict`).
    """
    content = read_regular_file(path, JSON_FILE_LIMIT, "the settings file", ExportError)
    data = parse_json(content, f"{path} (a settings file)")
    if not isinstance(data, dict):
        raise ExportError(f"{path} is not a settings file of gdexplorer")
    config = RunConfig.from_dict(data)
    config.validated()
    return config


def run_beside(csv_path: str | os.PathLike) -> DescentRun | None:
    """The (unstarted) run of the settings file written beside a CSV, if there is one."""
    from gdexplorer.core.engine import make_run

    settings = Path(csv_path).with_suffix(".json")
    if not settings.is_file():
        return None
    return make_run(read_settings(settings))


def open_trajectory_csv(
    path: str | os.PathLike, use_settings: bool = True, engine: str | None = None
) -> tuple[Trajectory, DescentRun | None]:
    """The trajectory of an exported CSV and the run of the settings beside it (or None).

    ``use_settings=False`` ignores a settings file (as when it was not copied along).
    GdxError (one line) when the file cannot be opened.
    """
    check_regular_file(path, RUNS_FILE_LIMIT, "the trajectory file", ExportError)
    run = run_beside(path) if use_settings else None
    if is_data_csv_header(first_line(path)):
        if run is None or not run.config.data:
            raise ExportError(
                "this CSV is from a run on data: open it with the settings file "
                f"{Path(path).with_suffix('.json').name} beside it"
            )
        assert is_data_run(run)
        return read_data_csv(path, run, engine=engine), run
    slots = run.variant.state_slots if run is not None else None
    return read_trajectory_csv(path, state_slots=slots, engine=engine), run
