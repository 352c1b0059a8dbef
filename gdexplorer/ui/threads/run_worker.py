"""Runs on a worker thread: the engine's batches stream to the window, a flag cancels.

The shape is superqt's: a parentless :class:`RunWorker` is moved to a fresh ``QThread``,
``started -> work``, ``finished -> quit`` (wired in :mod:`.sessions`, shared with the compare
jobs); unlike superqt, the worker is dropped in the GUI thread once its thread has finished, not
``deleteLater``-ed in its own (:mod:`.sessions` says why). The loop itself lives in
the core (``Run.batches``); the worker only forwards its batches as ``Signal(object)`` and
checks a ``threading.Event`` between them (a queued "stop" signal would reach a busy worker only
once it is done).

:class:`RunController` lives in the GUI thread and owns the threads. It builds the ``Run`` in
the GUI thread first, so a bad setting is reported before any thread starts, and it keeps the
current run's :class:`~gdexplorer.core.trajectory.Trajectory`: batches of an older, cancelled run
that arrive late are dropped, never appended to the new one.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Batch, Outcome, make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.run_protocol import DescentRun
from gdexplorer.core.trajectory import Trajectory, row_columns
from gdexplorer.ui.threads import redraw_gate
from gdexplorer.ui.threads.sessions import (  # the live-thread list is re-exported
    WorkerSession,
    failures_reported,
    running_threads,
    track_thread,
    untrack_thread,
)

__all__ = [
    "MAX_RESERVED_ROWS",
    "SHUTDOWN_TIMEOUT_MS",
    "RunController",
    "RunWorker",
    "running_threads",
    "track_thread",
    "untrack_thread",
]

SHUTDOWN_TIMEOUT_MS = 5000
MAX_RESERVED_ROWS = 20_000_001


class RunWorker(QObject):
    """Iterates one run's batches in the thread it was moved to.

    At most one batch is in flight: until the receiver sets ``delivered`` for the last one, the
    rows of further engine batches are merged into the next. A GUI that draws
    slower than the engine's ~30 batches a second then gets fewer, larger batches instead of a
    growing queue that would starve its timers and repaints. No row is ever dropped.
    """

    batch_ready = Signal(object)
    run_finished = Signal(object)
    run_failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        run: DescentRun,
        cancel: threading.Event,
        delivered: threading.Event | None = None,
        resume: threading.Event | None = None,
    ) -> None:
        super().__init__()  # no parent: it is moved to its own thread
        self._run = run
        self._cancel = cancel
        self._resume = resume
        self._delivered = delivered if delivered is not None else threading.Event()
        self._delivered.set()

    @Slot()
    def work(self) -> None:
        """Emit every row in order (fresh arrays), then the outcome or the error's message."""
        with failures_reported(self.run_failed, self.finished, "the run"):
            waiting: list[Batch] = []
            for batch in self._run.batches(self._cancel, resume=self._resume):
                waiting.append(batch)
                if self._delivered.is_set():
                    self._delivered.clear()
                    self.batch_ready.emit(_merged(waiting))
                    waiting = []
            if waiting:
                self.batch_ready.emit(_merged(waiting))
            self.run_finished.emit(self._run.outcome)


def _reserved_trajectory(run: DescentRun) -> Trajectory:
    """An empty trajectory with room for every row the run may record.

    Growing a long trajectory copies all its rows in the GUI thread (about 0.1 s per million);
    reserving up front costs nothing until rows are written (numpy memory is touched lazily).
    """
    empty = run.new_trajectory()
    extra = empty.columns[len(row_columns(empty.variables, empty.state_slots)) :]
    rows = min(run.config.iterations + 1, MAX_RESERVED_ROWS)
    return Trajectory(empty.variables, empty.state_slots, extra, capacity=rows)


def _merged(batches: list[Batch]) -> Batch:
    if len(batches) == 1:
        return batches[0]
    return Batch(batches[0].start, np.concatenate([b.rows for b in batches]))


class _Session(WorkerSession["RunController"]):
    """One run's thread, worker and cancel flag, in the GUI thread; relays to the controller."""

    def __init__(self, controller: RunController, run: DescentRun) -> None:
        super().__init__(controller, "run")
        self.run = run
        self.trajectory = _reserved_trajectory(run)
        self.delivered = threading.Event()
        worker = RunWorker(run, self.cancel_event, self.delivered, controller.gui_turn)
        self._adopt(worker)
        worker.batch_ready.connect(self._on_batch_ready)
        worker.run_finished.connect(self._on_run_finished)
        worker.run_failed.connect(self._on_run_failed)

    def _release(self, owner: RunController) -> None:
        owner.forget(self)

    def _current_controller(self) -> RunController | None:
        controller = self._live_owner()
        return controller if controller is not None and controller.current_session is self else None

    @Slot(object)
    def _on_batch_ready(self, batch: Batch) -> None:
        controller = self._current_controller()
        if controller is not None:
            redraw_gate.hold_runs()
            controller.accept_batch(self, batch)
        self.delivered.set()

    @Slot(object)
    def _on_run_finished(self, outcome: Outcome) -> None:
        controller = self._current_controller()
        if controller is not None:
            controller.run_finished.emit(outcome)

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        controller = self._current_controller()
        if controller is not None:
            controller.run_failed.emit(message)


class RunController(QObject):
    """Starts, cancels and shuts down runs; holds the current run and its trajectory.

    Signals
    -------
    run_started(run):
        A new run was accepted; ``trajectory`` is empty and will fill.
    rows_arrived(int):
        Rows were appended to ``trajectory``; the argument is its new length.
    run_finished(Outcome) / run_failed(str):
        The current run ended (cancelled runs also finish, with ``StopReason.CANCELLED``).
    run_rejected(str):
        ``start`` refused the settings; nothing was started and the previous run goes on.
    """

    run_started = Signal(object)
    rows_arrived = Signal(int)
    run_finished = Signal(object)
    run_failed = Signal(str)
    run_rejected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current_session: _Session | None = None
        self._sessions: list[_Session] = []
        # Runs pause between chunks while the GUI thread redraws (see redraw_gate).
        self.gui_turn = redraw_gate.gate().resume

    @property
    def run(self) -> DescentRun | None:
        return self.current_session.run if self.current_session else None

    @property
    def trajectory(self) -> Trajectory | None:
        return self.current_session.trajectory if self.current_session else None

    def is_running(self) -> bool:
        return self.current_session is not None and self.current_session.is_running()

    def start(self, config: RunConfig) -> DescentRun | None:
        """Validate ``config`` here, cancel any current run, start the new one on a thread."""
        try:
            run = make_run(config)
        except GdxError as error:
            self.run_rejected.emit(str(error))
            return None
        self.cancel()
        self._drop_ended_sessions()
        session = _Session(self, run)
        self._sessions.append(session)
        self.current_session = session
        self.run_started.emit(run)
        session.start()
        return run

    @Slot()
    def cancel(self) -> None:
        """Ask the current run to stop; it finishes with a "Stopped by you" outcome."""
        if self.current_session is not None:
            self.current_session.cancel_event.set()

    def abandon(self) -> None:
        """Cancel the current run and stop relaying it (something else is shown now)."""
        self.cancel()
        self.current_session = None

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel every run and wait for the threads; True when all have ended."""
        ended = all([session.stop(timeout_ms) for session in self._sessions])
        self.current_session = None
        return ended

    def accept_batch(self, session: _Session, batch: Batch) -> None:
        """Append a batch of the current run (called by its session in the GUI thread)."""
        session.trajectory.append(batch.rows)
        self.rows_arrived.emit(len(session.trajectory))

    def _drop_ended_sessions(self) -> None:
        for session in [s for s in self._sessions if not s.is_running()]:
            session.join()
            self._sessions.remove(session)

    def forget(self, session: _Session) -> None:
        """Drop a session whose thread has ended (the current one keeps its trajectory)."""
        session.join()
        if session in self._sessions and session is not self.current_session:
            self._sessions.remove(session)
