"""A divergent run prints no RuntimeWarning: the run's message already says it overflowed.

Every RuntimeWarning is recorded (not turned into an error, which a slot's error guard or a
paint would swallow) while divergent runs are shown, stepped through and painted: the single
run in 1, 2 and 3 variables and on data, a race with a diverging run, and a sweep that
diverges at its large rates.
"""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtCore import Qt

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import get_sample

DIVERGING = [
    RunConfig("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), learning_rate=0.01, iterations=3000),
    RunConfig("exp(x) + y^4", (1.0, 1.0), learning_rate=3.0, iterations=2000),
    RunConfig("x^4 - 3x^2 + x", (2.0,), learning_rate=0.5, iterations=2000),
    RunConfig("x^2 + y^2 + z^2", (1.0, 2.0, 3.0), learning_rate=1.5, iterations=2000),
]


@pytest.fixture
def runtime_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        yield caught


def step_through_and_paint(qtbot, window) -> None:
    count = window.playback.count()
    for index in (count - 1, count - 2, count // 2, 1, 0, count - 1):
        window.playback.set_index(max(index, 0))
        window.grab()  # paint every view now, where pyqtgraph rescales images and paths
    qtbot.wait(250)  # the debounced landscape redraws
    window.grab()


def run_and_wait(qtbot, window, config: RunConfig):
    window.form.set_config(config)
    with qtbot.waitSignal(window.controller.run_finished, timeout=20_000) as finished:
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.playback.count() == finished.args[0].iterations + 1)
    return finished.args[0]


@pytest.mark.parametrize("config", DIVERGING, ids=["rosenbrock", "exp", "1-D", "3-D"])
def test_a_divergent_run_prints_no_warning(qtbot, window, runtime_warnings, config):
    outcome = run_and_wait(qtbot, window, config)
    assert outcome.reason.value == "diverged", outcome.message
    step_through_and_paint(qtbot, window)
    assert [str(w.message) for w in runtime_warnings] == []


def test_a_divergent_run_on_data_prints_no_warning(qtbot, window, runtime_warnings):
    outcome = run_and_wait(qtbot, window, get_sample("line").config.replace(learning_rate=1e6))
    assert outcome.reason.value == "diverged", outcome.message
    step_through_and_paint(qtbot, window)
    assert [str(w.message) for w in runtime_warnings] == []


def test_a_race_and_a_sweep_with_divergence_print_no_warning(qtbot, window, runtime_warnings):
    runs = window.compare.runs
    for rate in (0.02, 0.2):  # the valley's edge of stability is 0.05: the second diverges
        window.form.set_config(window.form.config().replace(learning_rate=rate))
        with qtbot.waitSignal(runs.runner.succeeded, timeout=20_000):
            runs.add_current()
    assert window.compare.is_racing()
    step_through_and_paint(qtbot, window)
    sweep = window.compare.sweep
    sweep.lr_min.set_value(1e-3)
    sweep.lr_max.set_value(10.0)
    sweep.count.setValue(40)
    with qtbot.waitSignal(sweep.runner.succeeded, timeout=20_000):
        sweep.run_button.click()
    window.compare.setCurrentWidget(sweep)
    window.grab()
    assert [str(w.message) for w in runtime_warnings] == []
