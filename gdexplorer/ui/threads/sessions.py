"""The QThread wiring every worker shares: a session per worker thread, the live-thread list.

Both the run worker (:mod:`.run_worker`) and the compare jobs (:mod:`.job_worker`) follow the
rules of ARCHITECTURE.md, written here once: a parentless worker is moved to a fresh ``QThread``;
``started -> work``, ``finished -> quit`` (a direct connection, so the thread quits even while the
GUI is busy); receivers are ``@Slot`` methods, never lambdas; the thread is never stored as
``self.thread`` (that would shadow ``QObject.thread()``). Every started thread is counted until
it ends, so tests can fail one that leaves a thread running.

One rule differs from superqt's: the worker is *not* ``deleteLater``-ed in its own thread. Its
C++ destructor would run there, and PySide takes the interpreter lock inside ``~QObject`` while
Qt's signal-slot lock is held; a GUI thread that holds the interpreter lock (in any Python
override, such as ``event``) and deletes a widget needs that same pooled lock: a deadlock. It was
seen (py-spy, 1 in ~5 runs of tests/ui). The session keeps the worker and drops it in the GUI
thread once the thread has finished, so it is destroyed there, under the interpreter lock.
"""

from __future__ import annotations

import threading
import traceback
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, SignalInstance, Slot

from gdexplorer.core.errors import GdxError

_LIVE_THREADS: set[QThread] = set()
"""Every QThread started here and not yet seen finished (tests check none is left running)."""


JOIN_TIMEOUT_MS = 2000

OwnerT = TypeVar("OwnerT", bound=QObject)
"""Who started a session (a run controller, a job runner); it forgets the session at the end."""


class Worker(Protocol):
    """A parentless QObject that does its job in :meth:`work`, then emits ``finished``."""

    @property
    def finished(self) -> SignalInstance: ...

    def work(self) -> None: ...

    def moveToThread(self, thread: QThread, /) -> bool: ...  # noqa: N802 - Qt's name


def track_thread(thread: QThread) -> None:
    """Count ``thread`` among the workers until it has finished (see running_threads)."""
    _LIVE_THREADS.add(thread)


def untrack_thread(thread: QThread) -> None:
    _LIVE_THREADS.discard(thread)


def running_threads() -> list[QThread]:
    """The worker threads that are still running (for tests and shutdown)."""
    alive = [t for t in list(_LIVE_THREADS) if shiboken6.isValid(t) and t.isRunning()]
    _LIVE_THREADS.intersection_update(alive)
    return alive


@contextmanager
def failures_reported(
    failed: SignalInstance, finished: SignalInstance, subject: str
) -> Iterator[None]:
    """Inside a worker's ``work``: any error leaves as a sentence on ``failed``; then ``finished``.

    A :class:`GdxError` is the student's to fix and says so itself; anything else is a bug, printed
    for us and summed up for the student (a bug must not kill the window). ``subject`` starts
    that summary ("the run", "it").
    """
    try:
        yield
    except GdxError as error:
        failed.emit(str(error))
    except Exception as error:  # noqa: BLE001 - a bug must not kill the window
        traceback.print_exc()
        failed.emit(f"{subject} stopped because of an internal error: {error}")
    finally:
        finished.emit()


class WorkerSession(QObject, Generic[OwnerT]):
    """One worker's thread and cancel flag, in the GUI thread, relaying to its owner.

    A subclass builds its worker (parentless, given :attr:`cancel_event`), hands it to
    :meth:`_adopt` and connects the worker's result signals to its own slots. The owner is held
    weakly; :meth:`_release` tells it (``owner.forget(session)``) once the thread has ended.
    """

    def __init__(self, owner: OwnerT, name: str) -> None:
        super().__init__()
        self._owner = weakref.ref(owner)
        self.cancel_event = threading.Event()
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"gdexplorer-{name}")

    def _adopt(self, worker: Worker) -> None:
        """Move ``worker`` (a parentless QObject with ``work`` and ``finished``) to the thread."""
        worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(worker.work)
        worker.finished.connect(self.worker_thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker_thread.finished.connect(self._on_thread_finished)
        self._worker: Worker | None = worker  # destroyed in the GUI thread (module docstring)

    def _live_owner(self) -> OwnerT | None:
        owner = self._owner()
        return owner if owner is not None and shiboken6.isValid(owner) else None

    def start(self) -> None:
        track_thread(self.worker_thread)  # the tests' "no thread left" check
        self.worker_thread.start()

    def is_running(self) -> bool:
        return shiboken6.isValid(self.worker_thread) and self.worker_thread.isRunning()

    def join(self) -> None:
        """Wait for a thread that has emitted ``finished`` to end completely.

        Bounded: a thread that has emitted ``finished`` ends at once, and a wait that could
        never return (a lock the GUI thread holds) must not freeze the window.
        """
        if shiboken6.isValid(self.worker_thread):
            self.worker_thread.wait(JOIN_TIMEOUT_MS)

    def stop(self, timeout_ms: int) -> bool:
        """Cancel, quit and wait; True when the thread has ended."""
        self.cancel_event.set()
        if not self.is_running():
            return True
        self.worker_thread.quit()
        return self.worker_thread.wait(timeout_ms)

    @Slot()
    def _on_thread_finished(self) -> None:
        untrack_thread(self.worker_thread)
        self._worker = None
        owner = self._live_owner()
        if owner is not None:
            self._release(owner)

    def _release(self, owner: OwnerT) -> None:
        """The thread has ended: ``owner`` forgets this session (every subclass says how)."""
        raise NotImplementedError
