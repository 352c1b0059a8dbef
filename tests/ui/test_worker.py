"""The run worker and its controller: streaming, cancelling, restarting, shutting down."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from run_configs import ENDLESS

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import RESUME_WAIT, Batch, StopReason, make_run, run_to_end
from gdexplorer.core.errors import DataError
from gdexplorer.ui.threads import redraw_gate
from gdexplorer.ui.threads.run_worker import RunController, RunWorker, running_threads

BOWL = RunConfig("x^2 + 3y^2", (2.0, -1.0), learning_rate=0.05, iterations=400)


@pytest.fixture
def controller(qapp):
    made = RunController()
    yield made
    assert made.shutdown(5000)


def test_run_streams_every_row_of_the_core_run(qtbot, controller):
    arrived = []
    controller.rows_arrived.connect(arrived.append)
    with qtbot.waitSignal(controller.run_finished, timeout=10_000) as finished:
        run = controller.start(BOWL)
        assert run is not None
    expected, outcome = run_to_end(BOWL)
    np.testing.assert_array_equal(controller.trajectory.rows, expected.rows)
    assert finished.args[0] == outcome
    assert arrived[-1] == len(expected)
    assert arrived == sorted(arrived)


def test_bad_settings_are_rejected_before_any_thread_starts(qtbot, controller):
    with qtbot.waitSignal(controller.run_rejected, timeout=1000) as rejected:
        assert controller.start(BOWL.replace(learning_rate=-1.0)) is None
    assert "learning rate" in rejected.args[0]
    assert controller.run is None
    assert running_threads() == []


def test_cancel_stops_a_five_million_iteration_run_within_a_second(qtbot, controller):
    with qtbot.waitSignal(controller.rows_arrived, timeout=10_000):
        controller.start(ENDLESS)
    began = time.perf_counter()
    with qtbot.waitSignal(controller.run_finished, timeout=1000) as finished:
        controller.cancel()
    assert time.perf_counter() - began < 1.0
    outcome = finished.args[0]
    assert outcome.reason is StopReason.CANCELLED
    assert outcome.iterations < ENDLESS.iterations
    assert "Stopped by you" in outcome.message
    qtbot.waitUntil(lambda: not running_threads(), timeout=2000)


def test_starting_again_cancels_the_old_run_and_drops_its_late_batches(qtbot, controller):
    with qtbot.waitSignal(controller.rows_arrived, timeout=10_000):
        first = controller.start(ENDLESS)
    with qtbot.waitSignal(controller.run_finished, timeout=10_000) as finished:
        second = controller.start(BOWL)
    assert first is not second
    expected, outcome = run_to_end(BOWL)
    assert finished.args[0] == outcome  # not the cancelled run's outcome
    qtbot.waitUntil(lambda: not running_threads(), timeout=2000)
    np.testing.assert_array_equal(controller.trajectory.rows, expected.rows)


def test_shutdown_mid_run_ends_every_thread(qtbot, controller):
    with qtbot.waitSignal(controller.rows_arrived, timeout=10_000):
        controller.start(ENDLESS)
    assert controller.is_running()
    assert controller.shutdown(2000)
    assert running_threads() == []


class _FailingRun:
    """Stands in for a Run whose batches fail after one batch (e.g. a dataset gone bad)."""

    outcome = None

    def batches(self, cancel, resume=None):
        yield Batch(0, np.zeros((1, 3)))
        raise DataError("the dataset has a non-numeric value in row 7")


def test_worker_reports_a_user_error_as_a_message_and_finishes(qtbot):
    worker = RunWorker(_FailingRun(), threading.Event())
    batches, failures = [], []
    worker.batch_ready.connect(batches.append)
    worker.run_failed.connect(failures.append)
    with qtbot.waitSignal(worker.finished, timeout=1000):
        worker.work()
    assert len(batches) == 1
    assert failures == ["the dataset has a non-numeric value in row 7"]


def test_the_run_waits_between_chunks_while_the_gui_thread_redraws(qtbot):
    """A redraw holds the runs; the release comes after the paints it caused."""
    controller = RunController()
    assert controller.gui_turn.is_set()
    redraw_gate.hold_runs()
    assert not controller.gui_turn.is_set()
    config = RunConfig("x^2 + y^2", (1.0, 1.0), learning_rate=1e-9, iterations=10_000_000,
                       tol_grad=0)  # fmt: skip
    run = make_run(config)
    cancel = threading.Event()
    began = time.perf_counter()
    batches = run.batches(cancel, batch_seconds=0.0, resume=controller.gui_turn)
    next(batches)  # the first chunk comes after waiting RESUME_WAIT for the busy GUI
    assert time.perf_counter() - began >= RESUME_WAIT * 0.9
    qtbot.waitUntil(controller.gui_turn.is_set, timeout=1000)  # the posted release arrived
    cancel.set()
    list(batches)


def test_the_window_holds_the_runs_while_it_paints(window, qtbot):
    """Every widget of the window paints inside its UpdateRequest, which holds the runs; the
    release is posted, so it comes once that paint is over."""
    painted_while_held = []

    class Probe(QWidget):
        def paintEvent(self, event):  # noqa: N802 - Qt's name
            painted_while_held.append(not redraw_gate.gate().resume.is_set())

    probe = Probe(window)
    probe.setGeometry(0, 0, 40, 40)
    probe.show()
    qtbot.waitUntil(lambda: bool(painted_while_held), timeout=2000)
    qtbot.waitUntil(redraw_gate.gate().resume.is_set, timeout=1000)
    painted_while_held.clear()
    probe.update()
    qtbot.waitUntil(lambda: bool(painted_while_held), timeout=2000)
    assert painted_while_held == [True]
    qtbot.waitUntil(redraw_gate.gate().resume.is_set, timeout=1000)


def test_a_worker_is_destroyed_in_the_gui_thread_never_in_its_own(qtbot, controller):
    """Destroying a worker in its own thread can deadlock with the GUI thread (PySide takes
    the interpreter lock inside ~QObject while holding Qt's connection lock): the session
    drops it in the GUI thread once its thread has finished."""
    destroyed_in = []
    with qtbot.waitSignal(controller.run_finished, timeout=10_000):
        controller.start(BOWL)
        worker = controller.current_session._worker
        worker.destroyed.connect(
            lambda: destroyed_in.append(threading.current_thread() is threading.main_thread()),
            Qt.ConnectionType.DirectConnection,
        )
        del worker
    session = controller.current_session
    qtbot.waitUntil(lambda: not session.is_running(), timeout=5000)
    qtbot.wait(50)  # a deleteLater in the worker thread would have run by now
    assert destroyed_in in ([], [True])
    qtbot.waitUntil(lambda: session._worker is None, timeout=5000)
    assert destroyed_in == [True]
