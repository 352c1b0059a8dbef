"""Nothing stale: a new function clears the old run everywhere, a typed function is "Custom"
and names what the example left, a race's inspector and progress bar speak of finished runs,
the last iteration speaks of no next update, and the inspector never cuts a number in two."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from run_configs import VALLEY

from gdexplorer.core.data.datasets import get_sample
from gdexplorer.ui.views.inspector import PLACEHOLDER, Inspector


def run_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout) as finished:
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.playback.count() == finished.args[0].iterations + 1)
    return finished.args[0]


def pick_preset(window, name: str) -> None:
    combo = window.form.preset_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def type_function(qtbot, window, text: str) -> None:
    field = window.form.function_field
    field.line_edit.clear()
    qtbot.keyClicks(field.line_edit, text)
    qtbot.waitUntil(lambda: field.objective() is not None and not field.is_pending())


def test_switching_preset_clears_the_old_functions_run_everywhere(qtbot, window):
    run_and_wait(qtbot, window)
    window.playback.set_index(3)
    assert window.inspector.example is not None and "500" not in window.progress.text()
    pick_preset(window, "saddle")
    assert window.inspector.plain_text() == PLACEHOLDER
    drawn = window.convergence.value.curve.getData()[0]
    assert drawn is None or not len(drawn)
    assert window.progress.text() == "no run yet"
    assert window.playback.count() == 0
    path = window.plot.path.line.getData()[0]
    assert path is None or not len(path)
    assert "new function" in window.status_label.text()
    run_and_wait(qtbot, window)  # and the new function runs as usual
    assert window.inspector.example is not None


def test_the_same_function_again_keeps_the_run(qtbot, window):
    run_and_wait(qtbot, window)
    count = window.playback.count()
    window.form.set_config(VALLEY.replace(learning_rate=0.01))  # as "Edit a copy" does
    assert window.playback.count() == count
    assert window.inspector.example is not None


def test_a_typed_function_is_custom_and_names_what_the_example_left(qtbot, window):
    pick_preset(window, "rosenbrock")
    combo, hint = window.form.preset_combo, window.form.preset_hint
    assert combo.currentData() == "rosenbrock"
    type_function(qtbot, window, "x^2 + 3y^2")
    assert combo.currentText() == "Custom function"
    laid_out(qtbot, combo, hint)
    text = hint.text()
    assert "Custom function" in text and "Rosenbrock" in text
    iterations = window.form.iterations.value()
    assert f"max iterations {iterations:,}" in text  # the example's 20,000 is named
    window.form.iterations.setValue(1000)  # the student chose: no longer the example's
    assert "max iterations" not in hint.text()
    assert "learning rate 0.001" in hint.text()
    window.form.learning_rate.set_value(0.05)  # textChanged: as typing it
    assert "learning rate" not in hint.text()
    pick_preset(window, "bowl")
    assert combo.currentText() != "Custom function" and "Custom" not in hint.text()


def laid_out(qtbot, combo, hint) -> None:
    """The hint's row is shown below the Example box (not only the label, over the title)."""
    qtbot.waitUntil(lambda: hint.isVisible() and hint.height() > 10)
    assert hint.parentWidget().layout().isRowVisible(hint)  # a hidden row draws it stale
    assert hint.geometry().top() >= combo.geometry().bottom()


def test_settings_of_a_typed_function_say_custom_in_a_laid_out_row(qtbot, window):
    window.form.set_config(VALLEY.replace(function="x^2 + 5y^2"))
    combo, hint = window.form.preset_combo, window.form.preset_hint
    assert combo.currentText() == "Custom function"
    assert "every setting is as typed" in hint.text()
    laid_out(qtbot, combo, hint)


def add_run(qtbot, window, rate: float) -> None:
    window.form.set_config(VALLEY.replace(learning_rate=rate))
    runs = window.compare.runs
    with qtbot.waitSignal(runs.runner.succeeded, timeout=20_000):
        runs.add_current()


def test_a_race_speaks_of_finished_runs(qtbot, window):
    add_run(qtbot, window, 0.045)
    add_run(qtbot, window, 0.01)  # slower: the race runs longer than run 1
    assert window.compare.is_racing()
    assert window.progress.text().startswith("race: up to")
    window.compare.runs.table.view.selectRow(0)
    last = window.playback.count() - 1
    window.playback.set_index(last)
    text = window.inspector.plain_text()
    assert "has not been computed" not in text and "still going" not in text
    assert "No further update was made" in text


def test_the_last_row_of_a_run_on_data_speaks_of_no_next_update(qtbot, window):
    config = get_sample("line").config.replace(batch_size=4, epochs=2)
    window.form.set_config(config)
    run_and_wait(qtbot, window)
    window.playback.set_index(window.playback.count() - 1)
    text = window.inspector.plain_text()
    assert "next update" not in text and "the gradient update" not in text
    assert "no update used it" in text
    caption = window.data_panel.data_view.caption.text()
    assert "next update" not in caption and "ended" in caption
    window.playback.set_index(0)
    assert "the gradient update 1 uses" in window.inspector.plain_text()


NUMBER = re.compile(r"[-+.]?\d")


def test_the_inspector_wraps_between_words_never_inside_a_number(qtbot):
    from gdexplorer.core.config import RunConfig
    from gdexplorer.core.engine import Run, record

    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.resize(190, 600)
    inspector.show()
    run = Run(RunConfig("x^2 + 20y^2", (-4.123456, 1.987654), variant="adam", iterations=30))
    trajectory = record(run)
    inspector.show_run(run, trajectory)
    inspector.show_iteration(7)
    document = inspector.browser.document()
    document.setTextWidth(inspector.browser.viewport().width())
    broken = 0
    block = document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(1, layout.lineCount()):
            cut = layout.lineAt(i).textStart()
            before, after = text[:cut], text[cut:]
            tail = re.search(r"[\w.+-]+$", before)
            head = re.match(r"[\w.+-]+", after)
            if tail and head and NUMBER.search(tail[0]) and NUMBER.match(head[0]):
                broken += 1  # a number continues across the line break ("bias-corrected" may)
        block = block.next()
    assert broken == 0
