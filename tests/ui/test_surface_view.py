"""The 3-D view where Qt has no OpenGL (offscreen): a placeholder that says why, never a GL call.

Its real pixels are tested on an X server (tests/gl). Here: the placeholder, the switch
between contour, surface and side by side, the 1-variable rule, and ``--view 3d`` refused
with one line where there is no OpenGL.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gdexplorer.cli import main as cli_main
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import make_run, run_to_end
from gdexplorer.ui.views import gl_support
from gdexplorer.ui.views.view_switch import SIDE_BY_SIDE_WIDTH, ViewMode

BOWL = RunConfig("x^2 + 3y^2", (-2.0, 1.5), learning_rate=0.05, iterations=100)
CURVE = RunConfig("x^4 - 3x^2 + x", (2.0,), learning_rate=0.01, iterations=100)


def test_offscreen_the_3d_view_is_a_placeholder_saying_why(window):
    assert "offscreen" in (gl_support.opengl_problem() or "")
    surface = window.surface
    assert surface.scene is None  # no GLViewWidget was built: nothing can call GL
    window.central_views.set_mode(ViewMode.SURFACE)
    assert surface.isVisible() and not window.plot.isVisible()
    placeholder = surface.placeholder
    assert placeholder.isVisible()
    assert placeholder.text().startswith("3-D needs OpenGL: Qt's offscreen platform")
    assert not surface.reset_button.isEnabled()


def test_the_placeholder_follows_runs_and_playback_without_drawing(qtbot, window):
    window.central_views.set_mode(ViewMode.SURFACE)
    window.form.set_config(BOWL)
    trajectory, _ = run_to_end(BOWL)
    window.stage.show_run(make_run(BOWL), trajectory)
    window.playback.set_index(50)
    qtbot.wait(300)  # the debounced rebuild comes and goes without a scene
    assert window.surface.mesh is None
    window.central_views.set_mode(ViewMode.CONTOUR)
    assert window.plot.isVisible() and not window.surface.isVisible()


def test_one_variable_offers_only_the_curve_and_two_bring_the_choice_back(
    qtbot, window, monkeypatch
):
    switch = window.central_views
    window.form.set_config(BOWL)
    switch.set_mode(ViewMode.SURFACE)
    assert switch.mode() is ViewMode.SURFACE
    window.form.set_config(CURVE)
    assert not window.surface.offered
    assert switch.mode() is ViewMode.CONTOUR and window.plot.isVisible()
    assert not switch.buttons[ViewMode.SURFACE].isEnabled()
    assert "one variable" in switch.buttons[ViewMode.SURFACE].toolTip()
    assert switch.view_problem().startswith("3-D needs OpenGL")  # that is said first
    monkeypatch.setattr(window.surface, "problem", None)  # as on a desktop with OpenGL
    assert switch.view_problem() == "the 3-D view needs a function of two or more variables"
    monkeypatch.undo()  # before the surface shows again: offscreen it must stay a placeholder
    window.form.set_config(BOWL)
    assert window.surface.offered and switch.buttons[ViewMode.SURFACE].isEnabled()
    assert switch.mode() is ViewMode.SURFACE  # the student's choice comes back


def test_side_by_side_needs_room(qtbot, window):
    switch = window.central_views
    window.form.set_config(BOWL)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: switch.width() < SIDE_BY_SIDE_WIDTH)
    assert not switch.buttons[ViewMode.BOTH].isEnabled()
    switch.set_mode(ViewMode.BOTH)
    assert window.surface.isVisible() and not window.plot.isVisible()  # too narrow: surface
    assert switch.buttons[ViewMode.SURFACE].isChecked() and switch.mode() is ViewMode.BOTH
    for dock in (window.form_dock, window.convergence_dock, window.inspector_dock):
        dock.hide()
    window.resize(1500, 800)
    qtbot.waitUntil(lambda: switch.width() >= SIDE_BY_SIDE_WIDTH)
    assert switch.buttons[ViewMode.BOTH].isEnabled() and switch.buttons[ViewMode.BOTH].isChecked()
    assert window.surface.isVisible() and window.plot.isVisible()
    assert window.plot.width() > 300 and window.surface.width() > 300


def test_clicking_the_buttons_switches_the_view(qtbot, window):
    switch = window.central_views
    window.form.set_config(BOWL)
    with qtbot.waitSignal(switch.mode_changed) as changed:
        switch.buttons[ViewMode.SURFACE].click()
    assert changed.args == [ViewMode.SURFACE]
    assert window.surface.isVisible() and not window.plot.isVisible()
    switch.buttons[ViewMode.CONTOUR].click()
    assert window.plot.isVisible() and not window.surface.isVisible()


def test_a_race_reaches_the_3d_view_and_leaves_it(window):
    from gdexplorer.ui.views.multi_path import RaceEntry

    window.form.set_config(BOWL)
    runs = [run_to_end(BOWL.replace(learning_rate=rate))[0] for rate in (0.05, 0.2)]
    entries = [
        RaceEntry(t, c, n) for t, c, n in zip(runs, ("#ff7f0e", "#00c2ff"), "ab", strict=True)
    ]
    race = window.compare.race
    race.show_runs(entries, selected=1)
    assert window.surface._race == entries and window.surface._race_selected == 1
    race.set_selected(0)
    race.show_iteration(7)
    assert window.surface._race_selected == 0 and window.surface._race_index == 7
    race.clear()
    assert window.surface._race == []


@pytest.mark.parametrize("view", ["3d", "both"])
def test_a_3d_screenshot_offscreen_is_one_line_and_status_2(tmp_path, capsys, monkeypatch, view):
    target = tmp_path / "surface.png"
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # as tests/conftest.py sets it
    status = cli_main(
        ["--screenshot", str(target), "--view", view, "-f", "x^2 + y^2", "--start=1,1"]
    )
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("gdexplorer: 3-D needs OpenGL") and not target.exists()


def test_a_3d_screenshot_without_any_display_is_refused_before_starting_qt(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.pop("WAYLAND_DISPLAY", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "gdexplorer", "--screenshot", str(tmp_path / "s.png")]
    done = subprocess.run(
        [*command, "--view", "3d", "--preset", "himmelblau"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "3-D needs OpenGL" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "s.png").exists()
