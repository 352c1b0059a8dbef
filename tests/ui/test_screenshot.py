"""``gdexplorer --screenshot``: run, show the last iteration, save the whole window, exit."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage

from gdexplorer.core.presets import get_preset
from gdexplorer.ui.app import main


def test_screenshot_of_a_run_from_the_command_line(tmp_path):
    target = tmp_path / "himmelblau.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "gdexplorer", "--screenshot", str(target)]
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
