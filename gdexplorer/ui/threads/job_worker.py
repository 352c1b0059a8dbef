"""One cancellable core call on a worker thread, with progress: sweeps, maps, lists of runs.

A job is a plain function ``job(cancel, progress) -> result`` that only calls the core (the
vectorized engine, ``run_to_end``); it looks at ``cancel`` (a ``threading.Event``) between
chunks of work and calls ``progress(done, total, ...)`` at most ~30 times a second.

The threading is :mod:`.sessions`'s, shared with :mod:`.run_worker`: a parentless
:class:`JobWorker` is moved to a fresh ``QThread``; ``started -> work``, ``finished -> quit``;
the worker is dropped in the GUI thread once its thread has finished (never ``deleteLater``-ed in
its own); results leave as ``Signal(object)``; the GUI never waits on a queued
"stop" but sets the flag. :class:`JobRunner` lives in the GUI thread, runs one job at a time
(starting another abandons the first: its result is dropped) and joins every thread on
:meth:`JobRunner.shutdown`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot

from gdexplorer.ui.threads.sessions import WorkerSession, failures_reported

SHUTDOWN_TIMEOUT_MS = 5000

Progress = Callable[..., None]
"""``progress(done, total, *ignored)``: the core's ``ProgressFn`` fits."""
Job = Callable[[threading.Event, Progress], object]
"""``job(cancel, progress)``: its result leaves on ``succeeded`` (the panel knows its type)."""


class JobWorker(QObject):
    """Calls one job in the thread it was moved to and reports how it went."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, job: Job, cancel: threading.Event) -> None:
        super().__init__()  # no parent: it is moved to its own thread
        self._job = job
        self._cancel = cancel

    @Slot()
    def work(self) -> None:
        """Run the job; emit its result, or a sentence saying why it failed."""
        with failures_reported(self.failed, self.finished, "it"):
            self.succeeded.emit(self._job(self._cancel, self._report))

    def _report(self, done: int, total: int, *_rest: object) -> None:
        self.progressed.emit(int(done), int(total))


class _Session(WorkerSession["JobRunner"]):
    """One job's thread, worker and cancel flag, in the GUI thread; relays to the runner."""

    def __init__(self, runner: JobRunner, job: Job, name: str) -> None:
        super().__init__(runner, name)
        worker = JobWorker(job, self.cancel_event)
        self._adopt(worker)
        worker.progressed.connect(self._on_progressed)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)

    def _release(self, owner: JobRunner) -> None:
        owner.forget(self)

    def _current_runner(self) -> JobRunner | None:
        runner = self._live_owner()
        return runner if runner is not None and runner.current is self else None

    def _end(self, runner: JobRunner, outcome: SignalInstance, payload: object) -> None:
        """The job ended: report ``payload`` on ``outcome`` (or that it was cancelled)."""
        runner.current = None
        if self.cancel_event.is_set():
            runner.cancelled.emit()
        else:
            outcome.emit(payload)
        runner.busy_changed.emit(False)

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        runner = self._current_runner()
        if runner is not None and not self.cancel_event.is_set():
            runner.progressed.emit(done, total)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        runner = self._current_runner()
        if runner is not None:
            self._end(runner, runner.succeeded, result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        runner = self._current_runner()
        if runner is not None:
            self._end(runner, runner.failed, message)


class JobRunner(QObject):
    """Runs one job at a time on a worker thread and reports it in the GUI thread.

    Signals
    -------
    busy_changed(bool):
        A job started (True) or ended in any way (False).
    progressed(int, int):
        ``done`` of ``total`` (iterations, runs, ...), from the job's progress calls.
    succeeded(object):
        The job's result (never emitted for a cancelled job).
    failed(str):
        Why the job failed, in a sentence.
    cancelled():
        The job stopped because :meth:`cancel` was called; its result is dropped.
    """

    busy_changed = Signal(bool)
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, name: str = "job", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self.current: _Session | None = None
        self._sessions: list[_Session] = []

    def is_running(self) -> bool:
        return self.current is not None

    def start(self, job: Job) -> None:
        """Start ``job``; a job still running is abandoned (cancelled, its result dropped)."""
        if self.current is not None:
            self.current.cancel_event.set()
        session = _Session(self, job, self._name)
        self._sessions.append(session)
        self.current = session
        self.busy_changed.emit(True)
        session.start()

    @Slot()
    def cancel(self) -> None:
        """Ask the running job to stop; ``cancelled`` follows once it has."""
        if self.current is not None:
            self.current.cancel_event.set()

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel every job and wait for the threads; True when all have ended."""
        self.current = None
        return all([session.stop(timeout_ms) for session in list(self._sessions)])

    def forget(self, session: _Session) -> None:
        """Drop a session whose thread has ended."""
        session.join()
        if session in self._sessions:
            self._sessions.remove(session)
        if self.current is session:  # ended without a result signal (should not happen)
            self.current = None
            self.busy_changed.emit(False)
