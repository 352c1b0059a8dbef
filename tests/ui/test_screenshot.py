"""``gdexplorer --screenshot``: run, show the last iteration, save the whole window, exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from gdexplorer.cli import build_parser, split_file_argument
from gdexplorer.cli import main as cli_main
from gdexplorer.cli_window import window_inputs
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.many.runs_io import RunRecord, write_runs
from gdexplorer.core.presets import get_preset
from gdexplorer.core.trajectory import read_csv
from gdexplorer.ui.app import _Opener, main
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.views.plot_export import save_widget_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_screenshot_of_a_run_from_the_command_line(tmp_path):
    target = tmp_path / "himmelblau.png"  # given without its extension: ".png" is added
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "gdexplorer", "--screenshot", str(target.with_suffix(""))]
    command += ["--preset", "himmelblau", "--variant", "adam", "--lr", "0.1"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert image.width() >= 1300 and image.height() >= 850
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 600, 7)}
    assert len(colours) > 200  # a drawn contour, not an empty window
    assert not (tmp_path / "config").exists()  # a screenshot never writes the user's settings


def test_bad_settings_end_as_one_line_and_status_2(tmp_path, capsys):
    config = get_preset("himmelblau").config.replace(learning_rate=-1.0)
    assert main(config, screenshot=str(tmp_path / "never.png")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdexplorer: ") and "learning rate" in err
    assert not (tmp_path / "never.png").exists()


# -- gdexplorer FILE: each kind opens in the window; a bad one leaves it usable ------------------

FUNCTION = "x^2 + 3y^2"
RUN_OPTIONS = ["-f", FUNCTION, "--start=2,1", "--lr", "0.1", "--iterations", "40"]


@pytest.fixture
def bare_window(qtbot):
    made = MainWindow(SettingsStore())
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()


def _open_as_the_command_line_does(window: MainWindow, argv: list[str]) -> None:
    words, file = split_file_argument(build_parser(), argv)
    args = build_parser().parse_args(words)
    args.file = file
    config, known, notice = window_inputs(args)
    _Opener(window, config, known, notice).open()


def _exported(tmp_path, capsys, variant: str = "gd"):
    target = tmp_path / "path.csv"
    assert cli_main(["run", *RUN_OPTIONS, "--variant", variant, "-o", str(target)]) == 0
    capsys.readouterr()
    return target


def test_a_settings_file_fills_the_form_and_options_beside_it_override(
    bare_window, tmp_path, capsys
):
    settings = _exported(tmp_path, capsys).with_suffix(".json")
    _open_as_the_command_line_does(bare_window, [str(settings), "--lr", "0.02"])
    expected = RunConfig.from_dict(json.loads(settings.read_text())).replace(learning_rate=0.02)
    assert bare_window.form.function_field.text() == FUNCTION
    assert bare_window.form.config() == expected.validated()
    assert "Loaded the settings from" in bare_window.status_label.text()


def test_a_trajectory_csv_shows_its_path_and_function(bare_window, tmp_path, capsys):
    path = _exported(tmp_path, capsys)
    rows = len(read_csv(path)[1])
    assert not bare_window.data_dock.isVisibleTo(bare_window)
    renamed = tmp_path / "path.dat"  # told by content, not by name; its settings beside it
    renamed.write_bytes(path.read_bytes())
    renamed.with_suffix(".json").write_bytes(path.with_suffix(".json").read_bytes())
    _open_as_the_command_line_does(bare_window, [str(renamed)])
    assert bare_window.playback.count() == rows
    assert bare_window.form.function_field.text() == FUNCTION


def test_a_data_run_csv_shows_its_updates_and_the_data(bare_window, tmp_path, capsys):
    path = tmp_path / "line.csv"
    argv = ["run", "--data", "sample:line", "-f", "(w*x + b - y)^2", "--variables", "w,b"]
    argv += ["--start=0,0", "--batch-size", "10", "--epochs", "2", "-o", str(path)]
    assert cli_main(argv) == 0
    capsys.readouterr()
    _open_as_the_command_line_does(bare_window, [str(path)])
    assert bare_window.playback.count() == 11  # the start and 2 epochs of 5 updates
    assert bare_window.form.mode_switch.is_data_mode()
    assert bare_window.data_dock.isVisibleTo(bare_window)


@pytest.mark.parametrize("given", ["csv", "json"])
def test_a_runs_file_fills_the_compare_list(bare_window, tmp_path, given):
    records = []
    for number, variant in enumerate(("gd", "adam", "rmsprop"), start=1):
        config = RunConfig(FUNCTION, (2.0, 1.0), variant=variant, learning_rate=0.1)
        records.append(RunRecord(f"Run {number}", config, *run_to_end(config), 0.01))
    written = write_runs(records, tmp_path / "runs.csv")
    _open_as_the_command_line_does(bare_window, [str(written.with_suffix(f".{given}"))])
    shown = bare_window.compare.runs.runs
    assert [r.name for r in shown] == ["Run 1", "Run 2", "Run 3"]
    assert [len(r.trajectory) for r in shown] == [len(r.trajectory) for r in records]
    assert bare_window.compare.is_racing()
    assert bare_window.form.function_field.text() == FUNCTION


BAD_LR = json.dumps({"function": "x^2", "start": [1], "learning_rate": -1})


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no such file"),
        ("", "not a gdexplorer file"),
        ('{"start": [1]}', "not a gdexplorer file"),
        ("iteration,x\n0,abc\n", "Could not open the trajectory"),
        (BAD_LR, "learning rate"),
    ],
)
def test_a_file_the_window_cannot_open_is_a_message_and_the_window_stays_usable(
    bare_window, qtbot, tmp_path, content, words
):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    _open_as_the_command_line_does(bare_window, [str(path)])
    assert words in bare_window.status_label.text()
    assert bare_window.form.function_field.text() == get_preset(DEFAULT_PRESET).config.function
    with qtbot.waitSignal(bare_window.controller.run_finished, timeout=30_000):
        bare_window.form.request_run()
    assert bare_window.playback.count() > 1


def test_a_png_without_an_extension_gets_png_and_a_folder_is_refused(bare_window, tmp_path):
    assert bare_window.files.export_plot(str(tmp_path / "plot"))
    assert (tmp_path / "plot.png").read_bytes()[:8] == PNG_MAGIC
    assert save_widget_png(bare_window, tmp_path / "window") == tmp_path / "window.png"
    assert (tmp_path / "window.png").read_bytes()[:8] == PNG_MAGIC
    (tmp_path / "folder.png").mkdir()
    for folder in (tmp_path, tmp_path / "folder"):
        with pytest.raises(ExportError, match="it is a folder"):
            save_widget_png(bare_window, folder)
    assert not bare_window.files.export_plot(str(tmp_path))
    assert "it is a folder" in bare_window.status_label.text()
