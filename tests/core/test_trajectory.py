"""CSV and JSON export: header, exact round trip, atomic writes."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.trajectory import (
    Trajectory,
    read_csv,
    read_trajectory_csv,
    trajectory_from_table,
    write_csv,
)


@pytest.fixture(scope="module")
def adam_run():
    config = RunConfig("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), variant="adam",
                       learning_rate=0.01, iterations=500)  # fmt: skip
    trajectory, _ = run_to_end(config)
    return config, trajectory


def test_header_and_rows(adam_run, tmp_path) -> None:
    config, trajectory = adam_run
    path = write_csv(trajectory, tmp_path / "run.csv", settings=config.to_dict())
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:9] == ["iteration", "x", "y", "f", "grad_x", "grad_y", "grad_norm",
                           "step_norm", "step_x"]  # fmt: skip
    assert rows[0][-5:] == ["m_x", "m_y", "v_x", "v_y", "lr"]  # lr_k: the rate of update k
    assert {float(row[-1]) for row in rows[1:]} == {config.learning_rate}
    assert len(rows) == len(trajectory) + 1
    assert rows[1][0] == "0" and float(rows[1][1]) == -1.5 and float(rows[1][2]) == 2.0


def test_values_round_trip_exactly(adam_run, tmp_path) -> None:
    _, trajectory = adam_run
    header, table = read_csv(write_csv(trajectory, tmp_path / "run.csv"))
    for name in trajectory.columns:
        np.testing.assert_array_equal(table[:, header.index(name)], trajectory.column(name))
    np.testing.assert_array_equal(table[:, header.index("grad_norm")], trajectory.gradient_norms)


def test_settings_json_reproduces_the_run(adam_run, tmp_path) -> None:
    config, trajectory = adam_run
    write_csv(trajectory, tmp_path / "run.csv", settings=config.to_dict())
    settings = json.loads((tmp_path / "run.json").read_text())
    again, _ = run_to_end(RunConfig.from_dict(settings))
    np.testing.assert_array_equal(again.rows, trajectory.rows)


def test_failed_export_leaves_the_old_file_intact(adam_run, tmp_path, monkeypatch) -> None:
    _, trajectory = adam_run
    target = tmp_path / "run.csv"
    target.write_text("precious\n")

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ExportError, match="No space left on device"):
        write_csv(trajectory, target)
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["run.csv"]  # no temp file left behind


def test_export_to_a_missing_folder_says_so(adam_run, tmp_path) -> None:
    _, trajectory = adam_run
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(trajectory, tmp_path / "nowhere" / "run.csv")


def test_append_keeps_earlier_views_valid() -> None:
    trajectory = Trajectory(("x",))
    trajectory.append(np.ones((3, 4)))
    early = trajectory.rows
    trajectory.append(np.full((5000, 4), 2.0))
    assert len(trajectory) == 5003 and trajectory.iterations == 5002
    np.testing.assert_array_equal(early, np.ones((3, 4)))
    assert not trajectory.rows.flags.writeable


def test_settings_with_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown setting"):
        RunConfig.from_dict({"function": "x^2", "start": [1], "learning_rte": 0.1})


def test_a_csv_without_step_columns_still_opens(adam_run, tmp_path) -> None:
    """Older exports had no step_<v> columns: the steps are recomputed from the points."""
    _, trajectory = adam_run
    header, table = read_csv(write_csv(trajectory, tmp_path / "run.csv"))
    keep = [i for i, name in enumerate(header) if name not in ("step_x", "step_y")]
    older = tmp_path / "older.csv"
    lines = [",".join(header[i] for i in keep)]
    lines += [",".join(repr(float(row[i])) for i in keep) for row in table]
    older.write_text("\n".join(lines) + "\n", encoding="utf-8")
    back = read_trajectory_csv(older)
    assert back.columns == trajectory.columns and back.state_slots == ("m", "v")
    np.testing.assert_array_equal(back.points, trajectory.points)
    scale = np.abs(trajectory.points).max()
    np.testing.assert_allclose(back.steps, trajectory.steps, rtol=0, atol=4e-16 * scale)


def test_reading_into_the_trajectory_matches_the_table_route(adam_run, tmp_path) -> None:
    _, trajectory = adam_run
    path = write_csv(trajectory, tmp_path / "run.csv")
    direct = read_trajectory_csv(path, ("m", "v"))
    via_table = trajectory_from_table(*read_csv(path), state_slots=("m", "v"))
    np.testing.assert_array_equal(direct.rows, via_table.rows)
    np.testing.assert_array_equal(direct.rows, trajectory.rows)
    direct.append(direct.rows[-1:])  # an adopted table still grows like any other
    assert len(direct) == len(trajectory) + 1


@pytest.mark.parametrize(
    ("header", "why"),
    [("x,y\n1,2\n", "not a trajectory"),
     ("iteration,x,f,grad_x,grad_norm,step_norm,step_x,q_x\n0,1,1,2,2,0,0,0\n", None),
     ("iteration,x,f,grad_y,grad_norm,step_norm\n0,1,1,2,2,0\n", "not a trajectory")],
)  # fmt: skip
def test_a_csv_that_is_not_a_trajectory_is_refused(tmp_path, header, why) -> None:
    path = tmp_path / "t.csv"
    path.write_text(header, encoding="utf-8")
    if why is None:  # unknown state columns: the settings say adam, the file does not agree
        with pytest.raises(ExportError, match="optimizer columns do not match"):
            read_trajectory_csv(path, ("m", "v"))
        assert read_trajectory_csv(path).state_slots == ("q",)
    else:
        with pytest.raises(ExportError, match=why):
            read_trajectory_csv(path)
    with pytest.raises(ExportError, match="cannot read"):
        read_trajectory_csv(tmp_path / "missing.csv")
