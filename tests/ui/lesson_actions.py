"""What a student does in the Lessons dock, for the lesson tests (imported, not collected)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def run_and_wait(qtbot, window, timeout=20_000):
    """Press Run and wait until the coach has judged the run."""
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout):
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.lessons.situation.outcome is not None, timeout=5000)


def feedback(window):
    """The kind of answer the panel shows ("right", "hint", ...), or None when it shows none."""
    panel = window.lessons.panel
    return panel.feedback.property("kind") if panel.feedback.isVisibleTo(panel) else None
