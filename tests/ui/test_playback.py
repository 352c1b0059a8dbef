"""The playback bar: stepping, following new rows, playing at a speed, keys."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from gdexplorer.ui.views.playback import PlaybackBar


@pytest.fixture
def bar(qtbot):
    made = PlaybackBar()
    qtbot.addWidget(made)
    return made


def test_it_follows_new_rows_until_the_student_steps_back(bar):
    seen = []
    bar.index_changed.connect(seen.append)
    bar.set_count(1)
    bar.set_count(40)
    assert bar.index() == 39
    bar.step_back()
    bar.step_back()
    assert bar.index() == 37
    bar.set_count(80)
    assert bar.index() == 37  # stays where the student went
    assert bar.scrubber.maximum() == 79
    bar.go_last()
    bar.set_count(120)
    assert bar.index() == 119  # at the end again: follows
    assert seen == [0, 39, 38, 37, 79, 119]


def test_step_first_last_and_the_scrubber_stay_in_range(bar):
    bar.set_count(10)
    bar.go_first()
    bar.step_back()
    assert bar.index() == 0
    assert not bar.back_action.isEnabled()
    bar.scrubber.setValue(6)
    assert bar.index() == 6
    assert bar.position_label.text() == "k = 6 / 9"
    bar.go_last()
    bar.step_forward()
    assert bar.index() == 9
    assert not bar.forward_action.isEnabled()


def test_play_advances_at_the_chosen_speed_and_stops_at_the_end(qtbot, bar):
    bar.set_count(2000)
    bar.go_first()
    bar.set_speed(10_000)
    assert bar.speed() == pytest.approx(10_000)
    bar.play_action.trigger()
    assert bar.is_playing()
    qtbot.waitUntil(lambda: not bar.is_playing(), timeout=3000)
    assert bar.index() == 1999


def test_slow_play_moves_one_row_at_a_time(qtbot, bar):
    bar.set_count(100)
    bar.go_first()
    bar.set_speed(20)
    seen = []
    bar.index_changed.connect(seen.append)
    bar.play_action.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=2000)
    bar.play_action.trigger()
    assert not bar.is_playing()
    assert seen[:3] == [1, 2, 3]


def test_slow_play_shows_every_row_even_after_a_late_tick(bar):
    """A tick 0.3 s late at 20 rows/s would have skipped 6 rows: slow play moves one."""
    bar.set_count(100)
    bar.go_first()
    bar.set_speed(20)
    bar.play_action.trigger()
    bar._timer.stop()  # drive the ticks by hand
    time.sleep(0.3)
    bar._on_tick()
    assert bar.index() == 1
    bar.set_speed(10_000)  # fast play still keeps to the clock, skipping rows
    time.sleep(0.05)
    bar._on_tick()
    assert bar.index() > 2
    bar.play_action.trigger()


def test_play_at_the_end_starts_again_from_the_first_row(bar):
    bar.set_count(50)
    assert bar.index() == 49
    bar.play_action.trigger()
    assert bar.index() == 0
    bar.play_action.trigger()


def test_keys_step_but_a_focused_line_edit_keeps_its_arrows(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    line_edit = QLineEdit("abc", window)
    bar = PlaybackBar(window)
    layout.addWidget(line_edit)
    layout.addWidget(bar)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    bar.set_count(10)
    bar.set_index(5)
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Left)
    assert bar.index() == 4
    qtbot.keyClick(bar, Qt.Key.Key_Home)
    assert bar.index() == 0
    qtbot.keyClick(bar, Qt.Key.Key_End)
    assert bar.index() == 9
    line_edit.setFocus()
    line_edit.setCursorPosition(3)
    qtbot.keyClick(line_edit, Qt.Key.Key_Left)
    assert line_edit.cursorPosition() == 2
    assert bar.index() == 9


def test_a_finished_run_suggests_a_speed_until_the_student_picks_one(bar):
    bar.suggest_speed(2000)
    assert bar.speed() == pytest.approx(200, rel=0.15)  # the whole run in about 10 s
    bar.suggest_speed(5_000_000)
    assert bar.speed() == pytest.approx(10_000)
    bar.speed_slider.triggerAction(bar.speed_slider.SliderAction.SliderSingleStepSub)
    chosen = bar.speed()
    bar.suggest_speed(30)
    assert bar.speed() == chosen
