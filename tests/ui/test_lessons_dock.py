"""The Lessons dock, used as a student uses it: clicks and keys only.

Lesson 1 is walked end to end: the first-start offer, Run, the playback keys, a wrong action
that earns a hint (never a dead end), typing a start, Back and Next; the progress is still
there for the next session.
"""

from __future__ import annotations

import pytest
from lesson_actions import feedback, run_and_wait
from PySide6.QtCore import Qt

from gdexplorer.core.lessons.library import load_lessons
from gdexplorer.core.presets import get_preset
from gdexplorer.ui.lessons.progress import LessonProgress


@pytest.fixture
def window_config():
    return None  # the window as a student first sees it


def as_run(config):
    """The config with each hyperparameter resolved (the form leaves a default as None)."""
    from gdexplorer.core.optimizers import get_variant

    values = get_variant(config.variant).hyperparameters(config.hyperparameter_overrides())
    return config.replace(**{name: values.get(name) for name in config.hyperparameter_overrides()})


def press(qtbot, window, key, times=1):
    for _ in range(times):
        qtbot.keyClick(window, key)


def test_a_student_walks_lesson_one_end_to_end(qtbot, window):
    panel = window.lessons.panel
    assert window.lessons_dock.isVisible() and panel.offer.isVisible()  # offered, not forced
    assert window.form.config() == get_preset("rosenbrock").config  # nothing applied yet
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert not panel.offer.isVisible()
    assert window.form.config() == get_preset("parabola").config
    assert panel.step_label.text() == "Step 1 of 4: The first step"
    assert window.form.run_button in window.lessons.highlighter.targets

    run_and_wait(qtbot, window)  # 1: run, then step to iteration 1 with the keys
    press(qtbot, window, Qt.Key.Key_Home)
    assert feedback(window) == "hint"  # iteration 0 is not what was asked
    assert "Iteration 0 is shown now" in panel.feedback.text()
    press(qtbot, window, Qt.Key.Key_Right)
    assert feedback(window) == "right"
    assert "8.4" in panel.feedback.text()

    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)  # 2: on to iteration 10
    assert panel.step_label.text().startswith("Step 2 of 4")
    assert feedback(window) is None  # nothing said before the student acts
    press(qtbot, window, Qt.Key.Key_Right, 8)
    assert feedback(window) == "hint"
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.playback.index() == 10 and feedback(window) == "right"

    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)  # 3: a start left of 2
    run_and_wait(qtbot, window)  # the wrong action first: still from 10
    assert feedback(window) == "hint" and "started right of 2" in panel.feedback.text()
    edit = window.form.start_fields.field("x").line_edit
    edit.selectAll()
    qtbot.keyClicks(edit, "-4")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    run_and_wait(qtbot, window)
    assert feedback(window) == "right" and "+1.2" in panel.feedback.text()

    qtbot.mouseClick(panel.back_button, Qt.MouseButton.LeftButton)  # Back, then on again
    assert panel.step_label.text().startswith("Step 2 of 4")
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)  # 4: the example again
    assert window.form.config().start == (10.0,)
    assert panel.next_button.text() == "Next lesson ›"
    run_and_wait(qtbot, window)
    assert feedback(window) == "right" and "75 iterations" in panel.feedback.text()
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert panel.answer.isVisible() and "0.8" in panel.answer.text()

    progress = LessonProgress()  # what the next session reads
    assert progress.done("derivative") == {0, 1, 2, 3}
    assert progress.current() == "derivative" and progress.step("derivative") == 3
    assert progress.offered()
    assert panel.lesson_combo.itemText(0).endswith("✓")
    assert not panel.lesson_combo.itemText(1).endswith("✓")


def test_the_next_session_resumes_without_offering_again(qtbot, window):
    LessonProgress().mark_offered()
    LessonProgress().save_position("learning-rate", 2)
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.settings_store import SettingsStore

    again = MainWindow(SettingsStore())
    qtbot.addWidget(again)
    panel = again.lessons.panel
    assert not panel.offer.isVisibleTo(panel)
    assert panel.lesson_combo.currentIndex() == 2
    assert panel.step_label.text() == "Step 3 of 5: Too large"
    assert again.lessons.highlighter.targets == []  # restored, not applied over the session
    again.close()


def test_declining_the_offer_hides_the_dock_until_asked_for(qtbot, window):
    panel = window.lessons.panel
    qtbot.mouseClick(panel.decline_button, Qt.MouseButton.LeftButton)
    assert not window.lessons_dock.isVisible()
    assert LessonProgress().offered()
    window.lessons_dock.toggleViewAction().trigger()  # View › Lessons
    assert window.lessons_dock.isVisible() and panel.offer.isVisible()  # the offer again
    assert not window.lessons.active and not panel.lesson_area.isVisible()


def test_before_a_lesson_starts_the_dock_is_only_the_offer_and_judges_nothing(qtbot, window):
    """First start: a line and two buttons (the settings keep the column), no step text, and a
    run the student makes on their own earns neither a hint nor a "Right"."""
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    panel = window.lessons.panel
    assert panel.offer.isVisible() and not panel.lesson_area.isVisible()
    assert panel.start_button.isVisible() and panel.decline_button.isVisible()
    assert window.lessons_dock.height() < 160  # compact: not half the left column
    assert window.form_dock.height() > 2 * window.lessons_dock.height()
    window.resize(1400, 900)  # a window resized later never clips the offer's line
    qtbot.wait(50)
    room = panel.offer.heightForWidth(panel.offer.width())
    assert panel.offer.height() >= room and panel.height() <= room + 30
    run_and_wait_passive(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Home)  # lesson 1's first step would judge this
    assert not window.lessons.active and feedback(window) is None
    assert not panel.feedback.text()

    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert window.lessons.active and panel.lesson_area.isVisible()
    assert panel.step_label.text() == "Step 1 of 4: The first step"
    qtbot.waitUntil(lambda: window.lessons_dock.height() > 250, timeout=2000)  # room for text


def run_and_wait_passive(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout):
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)  # the coach's settle slot has had its turn


@pytest.mark.parametrize("name", [lesson.name for lesson in load_lessons()])
def test_the_window_agrees_with_the_check_on_every_step(qtbot, window, name):
    """Each step opened in the window and done as the check's student does it (the form set to
    the student's settings, Run, the iteration stepped to) earns "Right" from the coach: the
    form round-trips what a lesson sets, and the window judges as the check does."""
    from gdexplorer.core.lessons.walk import walk_lesson

    coach = window.lessons
    coach.open_lesson(name)
    lesson = coach.lessons[coach.lesson_index]
    for number, walked in enumerate(walk_lesson(lesson)):
        coach.open_step(coach.lesson_index, number)
        step = walked.step
        if step.claim is None or step.student.sweep is not None:
            continue
        window.form.set_config(walked.played)
        assert as_run(window.form.config()) == as_run(walked.played), step.title
        run_and_wait(qtbot, window)
        if step.student.iteration is not None:
            window.playback.set_index(step.student.iteration)
        assert feedback(window) == "right", (step.title, window.lessons.panel.feedback.text())


def test_the_sweep_step_is_answered_when_the_student_sweeps(qtbot, window):
    coach = window.lessons
    coach.open_lesson("learning-rate", 4)
    sweep = window.compare.sweep
    assert window.compare.currentWidget() is sweep and sweep.run_button in coach.highlighter.targets
    with qtbot.waitSignal(sweep.runner.succeeded, timeout=30_000):
        qtbot.mouseClick(sweep.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: feedback(window) == "right", timeout=5000)
    assert "2/L = 1" in coach.panel.feedback.text()


def test_a_malformed_lesson_file_is_named_in_the_panel_and_the_rest_load(qtbot, monkeypatch):
    from gdexplorer.ui.lessons import install
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.settings_store import SettingsStore

    shipped = load_lessons()
    problem = "lessons/11-mine.md: step 2 (Try it): highlight: unknown control 'rum'"
    monkeypatch.setattr(install, "load_lessons_reporting", lambda: (shipped[:2], (problem,)))
    made = MainWindow(SettingsStore())
    qtbot.addWidget(made)
    panel = made.lessons.panel
    assert panel.lesson_combo.count() == 2
    assert panel.problems.isVisibleTo(panel) and panel.problems.text() == f"Not loaded: {problem}"
    made.close()


def test_the_command_lines_lesson_opens_at_its_step(qtbot, window):
    """``gdexplorer --lesson start --step 4``: the window's opener applies the step."""
    from gdexplorer.ui.app import _Opener

    opener = _Opener(window, None, None, None)
    opener.lesson = ("start", 3)
    opener.open()
    panel = window.lessons.panel
    assert window.lessons_dock.isVisible() and not panel.offer.isVisible()
    assert panel.step_label.text() == "Step 4 of 5: Another basin"
    assert window.form.config().function == get_preset("himmelblau").config.function
