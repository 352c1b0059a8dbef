"""The CSV of a run on data: one line per update, with its epoch and its examples."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.data.export import read_data_csv, write_data_csv
from gdexplorer.core.engine import record
from gdexplorer.core.errors import ExportError

CONFIG = RunConfig(
    function="(w*x + b - y)^2",
    variables=("w", "b"),
    start=(0.0, 0.0),
    learning_rate=0.05,
    data="sample:line",
    batch_size=20,
    epochs=2,
    variant="momentum",
)


def _run(config: RunConfig):
    run = DataRun(config)
    return run, record(run)


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("pass_schedule", [True, False])
def test_each_line_is_one_update_with_its_batch_and_losses(tmp_path, pass_schedule):
    run, trajectory = _run(CONFIG)
    path = tmp_path / "run.csv"
    write_data_csv(trajectory, path, CONFIG, run.schedule if pass_schedule else None)
    lines = _read(path)
    assert list(lines[0]) == [
        "update", "epoch", "batch", "w", "b", "full_loss", "batch_loss",
        "batch_grad_w", "batch_grad_b", "step_w", "step_b", "b_w", "b_b", "lr",
    ]  # fmt: skip
    assert len(lines) == len(trajectory) == 7  # 50 examples in batches of 20, 2 epochs
    assert lines[0]["batch"] == lines[0]["batch_loss"] == lines[0]["batch_grad_w"] == ""
    assert lines[0]["lr"] == "" and {line["lr"] for line in lines[1:]} == {repr(0.05)}
    assert [line["epoch"] for line in lines] == ["0", "1", "1", "1", "2", "2", "2"]
    for k in range(1, len(lines)):
        batch = np.array([int(i) for i in lines[k]["batch"].split(" ")])
        np.testing.assert_array_equal(batch, run.batch_indices(k))
        previous = [float(lines[k - 1]["w"]), float(lines[k - 1]["b"])]
        loss, grad = run.objective.batch_value_and_gradient(previous, batch)
        assert float(lines[k]["batch_loss"]) == pytest.approx(loss, rel=1e-13)
        used = [float(lines[k]["batch_grad_w"]), float(lines[k]["batch_grad_b"])]
        np.testing.assert_allclose(used, grad, rtol=1e-13)
        assert float(lines[k]["w"]) == previous[0] + float(lines[k]["step_w"])
    assert float(lines[-1]["full_loss"]) == trajectory.values[-1]  # repr: exact round trip
    assert len(lines[2]["batch"].split()) == 20 and len(lines[3]["batch"].split()) == 10
    settings = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert RunConfig.from_dict(settings) == CONFIG


def test_a_write_into_a_missing_folder_says_why(tmp_path):
    run, trajectory = _run(CONFIG.replace(epochs=1))
    with pytest.raises(ExportError, match="does not exist"):
        write_data_csv(trajectory, tmp_path / "missing" / "run.csv", CONFIG, run.schedule)


@pytest.mark.parametrize("variant", ["momentum", "adam"])
def test_reading_the_csv_back_gives_the_run_s_trajectory(tmp_path, variant):
    config = CONFIG.replace(variant=variant, learning_rate=0.02)
    run, trajectory = _run(config)
    path = tmp_path / "run.csv"
    write_data_csv(trajectory, path, config, run.schedule)
    back = read_data_csv(path, DataRun(config))
    assert back.columns == trajectory.columns
    np.testing.assert_array_equal(back.rows, trajectory.rows)  # repr floats read back exactly


def test_a_data_csv_that_does_not_fit_its_settings_is_refused(tmp_path):
    run, trajectory = _run(CONFIG)
    path = tmp_path / "run.csv"
    write_data_csv(trajectory, path, CONFIG, run.schedule)
    with pytest.raises(ExportError, match="do not match"):
        read_data_csv(path, DataRun(CONFIG.replace(variant="adam")))
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",", ",x", 1)  # a broken number on line 3
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot read"):
        read_data_csv(path, DataRun(CONFIG))
