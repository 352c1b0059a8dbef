"""The real window, driven as a student would: type, pick, run, step, export, stop, close."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from run_configs import ENDLESS

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.presets import get_preset
from gdexplorer.core.trajectory import read_csv, trajectory_table
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.threads.run_worker import running_threads


@pytest.fixture
def window_config():
    """The window opens on its own first example, as a student sees it (see conftest.py)."""
    return None


def pick_preset(qtbot, window, name):
    combo = window.form.preset_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def run_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout) as finished:
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    return finished.args[0]


def spy_on(monkeypatch, view):
    shown = []
    original = view.show_iteration

    def recording(index):
        shown.append(index)
        original(index)

    monkeypatch.setattr(view, "show_iteration", recording)
    return shown


def test_it_opens_with_a_ready_example(window):
    assert window.form.config() == get_preset(DEFAULT_PRESET).config
    assert window.form.run_button.isEnabled()
    assert window.width() >= 1300 and window.height() >= 850
    assert window.progress.text() == "no run yet"  # not "0 / 0 iterations"


def test_a_bad_function_blocks_run_with_an_inline_message(qtbot, window):
    window.form.function_field.line_edit.selectAll()
    qtbot.keyClicks(window.form.function_field.line_edit, "x^2 + sin(")
    qtbot.waitUntil(lambda: not window.form.run_button.isEnabled(), timeout=2000)
    assert "never closed" in window.form.function_field.error_label.text()
    window.run_action.trigger()
    assert window.controller.run is None
    assert window.form.run_error.isVisible()


def test_run_then_step_through_the_same_numbers_as_the_core(qtbot, window, monkeypatch):
    inspected = spy_on(monkeypatch, window.inspector)
    pick_preset(qtbot, window, "himmelblau")
    config = window.form.config()
    outcome = run_and_wait(qtbot, window)
    expected, expected_outcome = run_to_end(config)
    assert outcome == expected_outcome
    assert window.status_label.text() == expected_outcome.message
    assert window.status_label.text().startswith("Converged: |∇f| < 1e-06 after")
    trajectory = window.controller.trajectory
    np.testing.assert_array_equal(trajectory.rows, expected.rows)
    last = len(expected) - 1
    assert window.playback.index() == last and inspected[-1] == last
    assert window.progress.value() == window.progress.maximum() == expected_outcome.iterations
    window.plot.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.playback.index() == last - 2
    qtbot.keyClick(window, Qt.Key.Key_Home)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.playback.index() == 1
    assert inspected[-4:] == [last - 1, last - 2, 0, 1]
    shown = window.inspector.example  # the worked example on screen is iteration 1 of the core's
    assert shown.index == 1
    np.testing.assert_array_equal(shown.point, expected.points[1])
    np.testing.assert_array_equal(shown.gradient, expected.gradients[1])
    assert shown.value == expected.values[1]
    text = window.inspector.plain_text()
    assert text.startswith("Iteration k = 1")
    x2 = expected.points[2]
    assert f"= ({x2[0]:.6g}, {x2[1]:.6g})" in text  # the update written out lands on x_2


def test_export_then_open_the_csv_shows_the_path_again(qtbot, window, tmp_path):
    pick_preset(qtbot, window, "bowl")
    run_and_wait(qtbot, window)
    config = window.form.config()
    shown = window.controller.trajectory
    target = tmp_path / "bowl.csv"
    assert window.files.export_trajectory(str(target))
    header, table = read_csv(target)
    expected_header, expected_table = trajectory_table(shown)
    assert header == expected_header
    np.testing.assert_array_equal(table, expected_table)
    settings = json.loads(target.with_suffix(".json").read_text())
    assert settings.pop("outcome")["message"] == window.files._outcome.message
    assert settings == config.to_dict()
    assert "Exported" in window.status_label.text()
    pick_preset(qtbot, window, "himmelblau")
    assert window.files.open_trajectory(str(target))
    assert window.form.config() == config
    assert window.playback.count() == len(shown)
    assert window.playback.index() == len(shown) - 1
    np.testing.assert_array_equal(window.files._trajectory.points, shown.points)


def test_a_failed_export_is_reported_and_loses_nothing(qtbot, window, tmp_path):
    assert not window.files.export_trajectory(str(tmp_path / "x.csv"))
    assert "press Run first" in window.status_label.text()
    pick_preset(qtbot, window, "bowl")
    run_and_wait(qtbot, window)
    target = tmp_path / "keep.csv"
    target.write_text("precious\n")
    missing = tmp_path / "no such folder" / "run.csv"
    assert not window.files.export_trajectory(str(missing))
    assert "Export failed" in window.status_label.text()
    assert target.read_text() == "precious\n"
    assert window.files.export_trajectory(str(target))  # still exportable afterwards
    assert target.read_text().startswith("iteration,x,y,f")


def test_dropping_a_settings_file_restores_every_field(qtbot, window, tmp_path):
    config = RunConfig(
        "x^2 + 4y^2", (3.0, 1.0), variant="momentum", momentum=0.5, learning_rate=0.02,
        iterations=321, gradient="central", h=1e-4, tol_step=1e-9,
    )  # fmt: skip
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(config.to_dict()))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert window.form.config() == config
    bad = tmp_path / "bad.json"
    bad.write_text('{"function": "x^2", "start": [1], "learning_rate": -3}')
    assert not window.files.open_settings(str(bad))
    assert "learning rate" in window.status_label.text()
    assert window.form.config() == config  # nothing lost


def test_clicking_the_plot_sets_the_start(qtbot, window):
    window.plot.start_picked.emit((0.5, -0.25))
    assert window.form.start_fields.values() == (0.5, -0.25)


def test_stop_cancels_a_long_run_within_a_second(qtbot, window):
    window.form.set_config(ENDLESS)
    with qtbot.waitSignal(window.controller.rows_arrived, timeout=10_000):
        window.form.run_button.click()
    assert window.form.stop_button.isEnabled()
    began = time.perf_counter()
    with qtbot.waitSignal(window.controller.run_finished, timeout=5000) as finished:
        qtbot.mouseClick(window.form.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not running_threads(), timeout=1000)  # the computing stopped
    assert time.perf_counter() - began < 2.0  # ... and the window has shown the outcome
    assert finished.args[0].reason is StopReason.CANCELLED
    assert window.status_label.text().startswith("Stopped by you after")
    assert not window.form.stop_button.isEnabled()
    rows = len(window.controller.trajectory)
    window.playback.go_first()
    assert window.playback.index() == 0 and window.playback.count() == rows


def test_run_again_mid_run_replaces_the_old_run(qtbot, window):
    window.form.set_config(ENDLESS)
    with qtbot.waitSignal(window.controller.rows_arrived, timeout=10_000):
        window.form.run_button.click()
    pick_preset(qtbot, window, "bowl")
    run_and_wait(qtbot, window)
    expected, outcome = run_to_end(get_preset("bowl").config)
    np.testing.assert_array_equal(window.controller.trajectory.rows, expected.rows)
    assert window.status_label.text() == outcome.message
    assert window.playback.count() == len(expected)


def test_closing_mid_run_ends_the_thread_cleanly(qtbot, window):
    window.form.set_config(ENDLESS)
    with qtbot.waitSignal(window.controller.rows_arrived, timeout=10_000):
        window.form.run_button.click()
    assert running_threads()
    began = time.perf_counter()
    window.close()
    assert time.perf_counter() - began < 2.0
    assert running_threads() == []


def test_the_last_session_comes_back_and_reset_forgets_it(qtbot, window):
    pick_preset(qtbot, window, "beale")
    window.form.variant_combo.setCurrentIndex(window.form.variant_combo.findData("adam"))
    config = window.form.config()
    window.close()
    again = MainWindow(SettingsStore())
    qtbot.addWidget(again)
    again.load_initial(None)
    assert again.form.config() == config
    again.reset_to_defaults()
    assert again.form.config() == get_preset(DEFAULT_PRESET).config
    assert SettingsStore().load_config() is None


def test_help_explains_every_variant_without_blocking(qtbot, window):
    dialog = window.help_pages.show_variants()
    assert dialog.isVisible() and not dialog.isModal()
    for title in ("Gradient descent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"):
        assert title in dialog.browser.toPlainText()
    dialog.close()


def test_space_on_a_focused_check_box_toggles_it_not_playback(qtbot, window):
    pick_preset(qtbot, window, "bowl")
    run_and_wait(qtbot, window)
    window.form.maximize.setFocus()
    qtbot.keyClick(window.form.maximize, Qt.Key.Key_Space)
    assert window.form.maximize.isChecked()
    assert not window.playback.is_playing()
    window.form.maximize.clearFocus()
    window.plot.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.playback.is_playing()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.is_playing()
