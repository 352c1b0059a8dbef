"""Hostile or broken files in the window: refused whole with a message, the form left as it was."""

from __future__ import annotations

import json
import math
import os

import pytest
from PySide6.QtCore import QSettings
from run_configs import VALLEY

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.many.runs_io import RunRecord, write_runs
from gdexplorer.core.presets import get_preset
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.threads.run_worker import running_threads

SETTINGS = RunConfig(
    "x^2 + 3*y^2", (1.5, -2.0), variant="adam", learning_rate=0.05, iterations=40, tol_grad=0.0
)
HOSTILE = [
    ("variant", 7),
    ("variant", "lbfgs"),
    ("start", "1,2"),
    ("start", [1, [2]]),
    ("start", [1e200, 1]),
    ("learning_rate", [0.1]),
    ("learning_rate", math.nan),
    ("iterations", 10**400),
    ("tol_grad", 1e200),
    ("maximize", "yes"),
    ("function", "x" * 10_000_000),
    ("beta1", {"a": 1}),
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def write_settings(path, field, value) -> None:
    data = SETTINGS.to_dict()
    data[field] = value
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("field, value", HOSTILE)
def test_a_hostile_settings_file_leaves_the_form_as_it_was(window, tmp_path, field, value):
    path = tmp_path / "hostile.json"
    write_settings(path, field, value)
    before = window.form.config()
    assert before is not None
    assert not window.files.open_settings(str(path))
    assert window.form.config() == before
    message = window.status_label.text()
    assert message.startswith("Could not open the settings") and len(message) < 400
    assert field in message or field.replace("_", " ") in message or "tol grad" in message


@pytest.mark.parametrize(
    "content", [nested(100_000), "{" * 50_000, "\x00\xff garbage", "", "[1, 2, 3]"]
)
def test_a_settings_file_that_is_not_json_of_ours_is_refused(window, tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="latin-1")
    before = window.form.config()
    assert not window.files.open_settings(str(path))
    assert window.form.config() == before
    assert window.status_label.text().startswith("Could not open the settings")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_fifo_named_like_a_settings_file_is_refused_at_once(window, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert not window.files.open_settings(str(fifo))  # today's code would block here forever
    assert "not a regular file" in window.status_label.text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_fifo_named_like_a_trajectory_is_refused_at_once(window, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    before = window.form.config()
    assert not window.files.open_path(str(fifo))  # a drop, or ``gdexplorer pipe.csv``
    assert "not a regular file" in window.status_label.text()
    assert window.form.config() == before


def test_a_runs_file_with_a_wrong_type_in_one_run_changes_nothing(window, tmp_path):
    panel = window.compare.runs
    good = [RunRecord(f"Run {n}", SETTINGS, run_to_end(SETTINGS)[0]) for n in (1, 2)]
    path = write_runs(good, tmp_path / "runs.csv")
    assert panel.import_runs(str(path))
    before = [(r.name, r.config) for r in panel.runs]
    form_before = window.form.config()
    settings = json.loads(path.with_suffix(".json").read_text())
    settings["runs"][1]["settings"]["variant"] = 7  # killed the window before
    path.with_suffix(".json").write_text(json.dumps(settings))
    assert not panel.import_runs(str(path))
    assert "run 2" in panel.status.text() and "variant" in panel.status.text()
    assert [(r.name, r.config) for r in panel.runs] == before
    assert window.form.config() == form_before


@pytest.mark.parametrize(
    "stored",
    [
        json.dumps({**SETTINGS.to_dict(), "variant": 7}),
        json.dumps({**SETTINGS.to_dict(), "start": [1e400]}).replace("Infinity", "1e400"),
        nested(100_000),
        "not json",
        json.dumps(["a list"]),
    ],
)
def test_a_stored_session_that_fails_the_check_falls_back_to_the_example(qtbot, stored):
    QSettings().setValue("run/last_config", stored)
    made = MainWindow(SettingsStore())
    qtbot.addWidget(made)
    made.load_initial(None)
    expected = get_preset(DEFAULT_PRESET).config
    shown = made.form.config()
    assert shown is not None and shown.function == expected.function
    assert shown.start == expected.start and shown.variant == expected.variant
    made.close()


def test_a_valid_stored_session_still_comes_back(qtbot):
    SettingsStore().save_config(VALLEY)
    made = MainWindow(SettingsStore())
    qtbot.addWidget(made)
    made.load_initial(None)
    assert made.form.config().function == VALLEY.function
    made.close()


def test_a_basin_map_above_the_lane_step_budget_is_refused_with_the_numbers(qtbot, window):
    window.form.select_preset("himmelblau")
    window.form.set_config(window.form.config().replace(iterations=5_000_000))
    panel = window.compare.basins
    panel.resolution.setValue(100)
    with qtbot.waitSignal(panel.runner.failed, timeout=20_000):
        panel.run_button.click()
    assert "the basin map would make 10,000 runs x 5,000,000 iterations" in panel.status.text()
    assert panel.basin_map is None
    qtbot.waitUntil(lambda: running_threads() == [], timeout=5000)
