"""Several runs in one long-form CSV, their settings in JSON, and back."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.runs_io import RunRecord, read_runs, write_runs
from gdexplorer.core.trajectory import csv_header


@pytest.fixture(scope="module")
def runs() -> list[RunRecord]:
    out = []
    base = RunConfig("x^2 + 3y^2", (1.0, 2.0), iterations=60)
    for name, variant, rate in [("plain", "gd", 0.1), ("heavy, ball", "momentum", 0.05),
                                ("adam", "adam", 0.1), ("too big", "gd", 1.5)]:  # fmt: skip
        config = base.replace(variant=variant, learning_rate=rate)
        trajectory, outcome = run_to_end(config)
        out.append(RunRecord(name, config, trajectory, outcome, 0.0125))
    return out


def test_round_trip_is_exact(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    back = read_runs(path)
    assert [r.name for r in back] == [r.name for r in runs]
    for original, loaded in zip(runs, back, strict=True):
        assert loaded.config == original.config
        assert loaded.outcome == original.outcome
        assert loaded.seconds == original.seconds
        assert loaded.trajectory.columns == original.trajectory.columns
        np.testing.assert_array_equal(loaded.trajectory.rows, original.trajectory.rows)
    assert back[3].outcome.reason == StopReason.DIVERGED


def test_the_csv_is_long_form_with_a_run_column(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[0] == "run"
    for run in runs:  # every single-run column is there, in the single-run order
        columns = csv_header(run.trajectory)
        assert [c for c in header if c in columns] == columns
    counts = {n: sum(1 for r in rows[1:] if r[0] == str(n)) for n in range(1, 5)}
    assert counts == {n: len(run.trajectory) for n, run in enumerate(runs, start=1)}
    first_gd_row = rows[1]
    assert (
        first_gd_row[header.index("b_x")] == "" and first_gd_row[header.index("iteration")] == "0"
    )
    settings = json.loads(path.with_suffix(".json").read_text())
    assert [entry["settings"] for entry in settings["runs"]] == [r.config.to_dict() for r in runs]


def test_a_failed_write_leaves_the_old_files(runs, tmp_path) -> None:
    path = write_runs(runs[:1], tmp_path / "runs.csv")
    before = path.read_text()
    with pytest.raises(ExportError, match="does not exist"):
        write_runs(runs, tmp_path / "missing" / "runs.csv")
    assert path.read_text() == before
    with pytest.raises(ExportError, match="no runs"):
        write_runs([], tmp_path / "empty.csv")


def test_reading_needs_the_settings_and_a_runs_file(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    path.with_suffix(".json").rename(tmp_path / "elsewhere.json")
    with pytest.raises(ExportError, match="missing"):
        read_runs(path)
    single = tmp_path / "single.csv"
    single.write_text("iteration,x,f\n0,1.0,1.0\n")
    (tmp_path / "single.json").write_text(json.dumps({"format": "gdexplorer-runs/1", "runs": [{}]}))
    with pytest.raises(ExportError, match="first column"):
        read_runs(single)
    (tmp_path / "single.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(ExportError, match="not a gdexplorer runs"):
        read_runs(single)


def test_a_damaged_runs_file_is_refused(runs, tmp_path) -> None:
    path = write_runs(runs[:2], tmp_path / "runs.csv")
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:3] + lines[4:]) + "\n")  # drop iteration 2 of run 1
    with pytest.raises(ExportError, match="not 0, 1, 2"):
        read_runs(path)
    settings = json.loads(path.with_suffix(".json").read_text())
    settings["runs"][0]["settings"]["learning_rate"] = "fast"
    settings["runs"][0]["settings"]["colour"] = "red"
    path.with_suffix(".json").write_text(json.dumps(settings))
    with pytest.raises(ExportError, match="run 1 is malformed"):
        read_runs(path)
