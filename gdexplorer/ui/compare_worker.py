"""One cancellable core call on a worker thread, with progress: sweeps, maps, lists of runs.

A job is a plain function ``job(cancel, progress) -> result`` that only calls the core (the
vectorized engine, ``run_to_end``); it looks at ``cancel`` (a ``threading.Event``) between
chunks of work and calls ``progress(done, total, ...)`` at most ~30 times a second.

The threading follows ``ui/worker.py`` and the rules of ARCHITECTURE.md: a parentless
:class:`JobWorker` is moved to a fresh ``QThread``; ``started -> work``, ``finished -> quit``,
``finished -> deleteLater``; results leave as ``Signal(object)``; the GUI never waits on a queued
"stop" but sets the flag. :class:`JobRunner` lives in the GUI thread, runs one job at a time
(starting another abandons the first: its result is dropped) and joins every thread on
:meth:`JobRunner.shutdown`.
"""

from __future__ import annotations

import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from gdexplorer.core.errors import GdxError
from gdexplorer.ui import worker as run_worker

SHUTDOWN_TIMEOUT_MS = 5000

Progress = Callable[..., None]
"""``progress(done, total, *ignored)``: the core's ``ProgressFn`` fits."""
Job = Callable[[threading.Event, Progress], Any]


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
        try:
            self.succeeded.emit(self._job(self._cancel, self._report))
        except GdxError as error:
            self.failed.emit(str(error))
        except Exception as error:  # noqa: BLE001 - a bug must not kill the window
            traceback.print_exc()
            self.failed.emit(f"it stopped because of an internal error: {error}")
        finally:
            self.finished.emit()

    def _report(self, done: int, total: int, *_rest: Any) -> None:
        self.progressed.emit(int(done), int(total))


class _Session(QObject):
    """One job's thread, worker and cancel flag, in the GUI thread; relays to the runner."""

    def __init__(self, runner: JobRunner, job: Job, name: str) -> None:
        super().__init__()
        self._runner = weakref.ref(runner)
        self.cancel_event = threading.Event()
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"gdexplorer-{name}")
        self.worker = JobWorker(job, self.cancel_event)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.work)
        self.worker.finished.connect(self.worker_thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.finished.connect(self.worker.deleteLater)
        self.worker.progressed.connect(self._on_progressed)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker_thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        run_worker.track_thread(self.worker_thread)  # the tests' "no thread left" check
        self.worker_thread.start()

    def is_running(self) -> bool:
        return shiboken6.isValid(self.worker_thread) and self.worker_thread.isRunning()

    def stop(self, timeout_ms: int) -> bool:
        """Cancel, quit and wait; True when the thread has ended."""
        self.cancel_event.set()
        if not self.is_running():
            return True
        self.worker_thread.quit()
        return self.worker_thread.wait(timeout_ms)

    def _live_runner(self) -> JobRunner | None:
        runner = self._runner()
        return runner if runner is not None and shiboken6.isValid(runner) else None

    def _current_runner(self) -> JobRunner | None:
        runner = self._live_runner()
        return runner if runner is not None and runner.current is self else None

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        runner = self._current_runner()
        if runner is not None and not self.cancel_event.is_set():
            runner.progressed.emit(done, total)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        runner = self._current_runner()
        if runner is None:
            return
        runner.current = None
        if self.cancel_event.is_set():
            runner.cancelled.emit()
        else:
            runner.succeeded.emit(result)
        runner.busy_changed.emit(False)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        runner = self._current_runner()
        if runner is None:
            return
        runner.current = None
        if self.cancel_event.is_set():
            runner.cancelled.emit()
        else:
            runner.failed.emit(message)
        runner.busy_changed.emit(False)

    @Slot()
    def _on_thread_finished(self) -> None:
        run_worker.untrack_thread(self.worker_thread)
        runner = self._live_runner()
        if runner is not None:
            runner.forget(self)


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
        if shiboken6.isValid(session.worker_thread):
            session.worker_thread.wait()
        if session in self._sessions:
            self._sessions.remove(session)
        if self.current is session:  # ended without a result signal (should not happen)
            self.current = None
            self.busy_changed.emit(False)
