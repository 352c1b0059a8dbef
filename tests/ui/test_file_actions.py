"""The window's File actions: every variant's export re-opens; hostile targets are refused."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QWidget

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.optimizers import VARIANTS
from gdexplorer.ui.file_actions import FileActions
from gdexplorer.ui.views.plot_export import save_widget_png

CONFIG = RunConfig("x^2 + 3*y^2 + x*y", (1.5, -1.0), learning_rate=0.05, iterations=40)


@pytest.fixture
def files(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    return FileActions(parent)


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_exported_trajectory_reopens_in_the_window(files, qtbot, tmp_path, variant):
    config = CONFIG.replace(variant=variant)
    trajectory, _ = run_to_end(config)
    files.set_shown(trajectory, config)
    target = tmp_path / "run.csv"
    assert files.export_trajectory(str(target))
    with qtbot.waitSignal(files.trajectory_opened) as opened:
        assert files.open_trajectory(str(target))
    back, run = opened.args
    assert run.config == config and back.columns == trajectory.columns
    np.testing.assert_array_equal(back.rows, trajectory.rows)  # repr floats: exact


@pytest.mark.parametrize("name", ["/dev/null", "run.json", ""])
def test_a_hostile_export_target_is_one_message(files, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    trajectory, _ = run_to_end(CONFIG)
    files.set_shown(trajectory, CONFIG)
    messages: list[str] = []
    files.reported.connect(messages.append)
    files._ask_save = lambda *_args: name  # the dialog's answer (an empty name: cancelled)
    assert not files.export_trajectory(name or None)
    if name:
        assert messages and messages[-1].startswith("Export failed, nothing was changed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_png_without_an_extension_gets_one(files, tmp_path):
    saved: list[str] = []

    class Plot:
        def export_png(self, path: str):
            saved.append(path)
            return save_widget_png(QLabel("plot"), path)

    files.set_plot(Plot())
    reported: list[str] = []
    files.reported.connect(reported.append)
    assert files.export_plot(str(tmp_path / "picture"))
    assert (tmp_path / "picture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert reported[-1] == f"Saved the plot to {tmp_path / 'picture.png'}"
