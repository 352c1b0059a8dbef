"""The rate column survives export and re-open: function CSVs, data CSVs, old files."""

from __future__ import annotations

import csv

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.data.export import write_data_csv
from gdexplorer.core.engine import record, run_to_end
from gdexplorer.core.files.trajectory_files import open_trajectory_csv
from gdexplorer.core.stepsize.settings import ScheduleSettings
from gdexplorer.core.trajectory import write_csv

DATA = RunConfig(
    "(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), learning_rate=0.05, data="sample:line",
    batch_size=20, epochs=4, tol_grad=0.0,
)  # fmt: skip
PLATEAU = ScheduleSettings("plateau", patience=0, threshold=0.3, factor=0.5)


def test_a_scheduled_function_run_reopens_with_its_rates(tmp_path) -> None:
    config = RunConfig("x^2 + 3*y^2", (1.0, 1.0), iterations=60, tol_grad=0.0,
                       schedule=ScheduleSettings("cosine", t_max=20))  # fmt: skip
    trajectory, _ = run_to_end(config)
    path = write_csv(trajectory, tmp_path / "run.csv", settings=config.to_dict())
    again, run = open_trajectory_csv(path)
    assert run is not None and run.config.schedule == config.schedule
    np.testing.assert_array_equal(again.column("lr"), trajectory.column("lr"))


def test_a_data_run_s_csv_holds_the_rate_each_update_used_and_reopens(tmp_path) -> None:
    config = DATA.replace(schedule=PLATEAU)
    run = DataRun(config)
    trajectory = record(run)
    rates = trajectory.column("lr")
    assert len(set(rates)) >= 2  # the plateau rule reduced it
    path = write_data_csv(trajectory, tmp_path / "data.csv", config, run.schedule)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [float(line["lr"]) for line in lines[1:]] == rates[:-1].tolist()
    again, _ = open_trajectory_csv(path)
    np.testing.assert_array_equal(again.rows, trajectory.rows)  # the last rate replayed too


def test_a_data_csv_written_before_schedules_reopens_with_the_settings_rate(tmp_path) -> None:
    run = DataRun(DATA)
    trajectory = record(run)
    path = write_data_csv(trajectory, tmp_path / "old.csv", DATA, run.schedule)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(row[:-1] for row in rows)  # no lr
    again, _ = open_trajectory_csv(path)
    np.testing.assert_array_equal(again.rows, trajectory.rows)
    assert set(again.column("lr")) == {0.05}


def test_a_runs_file_keeps_each_run_s_schedule_and_rates(tmp_path) -> None:
    from gdexplorer.core.many.runs_io import RunRecord, read_runs, write_runs

    scheduled = RunConfig("x^2 + y^2", (1.0, 1.0), iterations=20,
                          schedule=ScheduleSettings("cosine", t_max=10))  # fmt: skip
    plain = RunConfig("x^2 + y^2", (1.0, 1.0), variant="momentum", iterations=20)
    records = []
    for config in (scheduled, plain):
        trajectory, outcome = run_to_end(config)
        records.append(RunRecord("run", config, trajectory, outcome))
    back = read_runs(write_runs(records, tmp_path / "runs.csv"))
    assert [r.config for r in back] == [scheduled, plain]
    for before, after in zip(records, back, strict=True):
        np.testing.assert_array_equal(after.trajectory.rows, before.trajectory.rows)
        assert after.trajectory.columns == before.trajectory.columns
