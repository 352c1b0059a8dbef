"""Lesson 11 (schedules, line searches, Newton) in the window: its steps point at the schedule,
the line search and the φ(α) dock, and the Armijo step is answered from the student's run."""

from __future__ import annotations

import pytest
from lesson_actions import feedback, run_and_wait
from PySide6.QtCore import Qt

ARMIJO_STEP = 4  # "Armijo's trials", after the exact line search


@pytest.fixture
def window_config():
    return None  # the window as a student first sees it


def type_rate(qtbot, window, text):
    edit = window.form.learning_rate.field.line_edit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_the_schedule_step_outlines_the_schedule_group(qtbot, window):
    coach = window.lessons
    coach.open_lesson("step-size", 1)
    assert window.form.schedule in coach.highlighter.targets
    assert coach.panel.step_label.text().startswith("Step 2 of 6")


def test_the_armijo_step_shows_the_phi_dock_and_answers_the_student(qtbot, window):
    coach = window.lessons
    coach.open_lesson("step-size", ARMIJO_STEP)
    views = window.step_size_views
    assert views.dock.isVisible()  # shown for the step, before any line search ran
    assert views.dock in coach.highlighter.targets
    assert window.form.optimizer.line_search in coach.highlighter.targets
    assert window.form.config().line_search.name == "exact"  # what the step before left

    combo = window.form.optimizer.line_search.combo  # the student picks Armijo with the keys
    combo.setFocus()
    while combo.currentData() != "armijo":
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    run_and_wait(
        qtbot, window, timeout=30_000
    )  # the wrong action first: lr still 0.045, α₀ = 0.045
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert feedback(window) == "hint" and "lr 0.045" in coach.panel.feedback.text()

    type_rate(qtbot, window, "1")
    run_and_wait(qtbot, window, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert window.playback.index() == 0
    assert feedback(window) == "right" and "0.03125" in coach.panel.feedback.text()
