"""Recording a film: frames grabbed in the GUI thread, encoded on a worker thread.

Widgets can only be painted in the GUI thread, so each frame is put on screen and grabbed
there, a few per turn of the event loop (at most ~30 ms of them: timers, input and the
progress bar's repaint go in between, and the window stays responsive). Each frame goes into
a small bounded queue; a :class:`~gdexplorer.ui.threads.job_worker.JobRunner` job (the
threading rules of :mod:`gdexplorer.ui.threads`) takes them out and streams them into the
encoder (:func:`gdexplorer.core.files.animation.write_animation`). When the queue is full the
GUI waits for the encoder instead of piling frames up: memory stays at a few frames whatever
the length.

Cancelling sets the job's flag; the encoder raises :class:`AnimationCancelled`, the temporary
file is removed and an old file at the target stays as it was.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gdexplorer.core.files.animation import AnimationCancelled, AnimationRequest, write_animation
from gdexplorer.ui.film import Film, FilmSubject, subject_image
from gdexplorer.ui.threads.job_worker import JobRunner, Progress

QUEUE_FRAMES = 8
"""Frames grabbed ahead of the encoder at most (800x600: 1.4 MB each)."""
WAIT_MS = 2
TURN_SECONDS = 0.03
"""Frames are grabbed for this long at a time, then the event loop runs (input, the progress
bar): the window's own repaint of the changed views comes once per turn, not once per frame
(it doubled the painting)."""
"""How soon the GUI looks again when the encoder is behind."""
PROGRESS_SECONDS = 1 / 30
"""The encoder reports at most ~30 times a second (the threading rules)."""
POLL_SECONDS = 0.05
"""How often the encoder, waiting for a frame, looks at the cancel flag."""
_END = None  # the last item of the queue


class FilmRecorder(QObject):
    """Films ``rows`` of ``film`` as ``subject`` looks, into ``request``'s file.

    Signals
    -------
    progressed(int, int):
        Frames encoded so far, and the film's frames.
    finished(object):
        The Path written.
    failed(str):
        Why nothing was written, in one sentence.
    cancelled():
        :meth:`cancel` stopped it; nothing was written.
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        film: Film,
        subject: FilmSubject,
        rows: np.ndarray,
        request: AnimationRequest,
        exact_colours: list[tuple[int, int, int]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._film, self._subject, self._rows = film, subject, np.asarray(rows)
        self._request, self._exact = request, exact_colours
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._next = 0
        self._filming = False
        self._runner = JobRunner("animation", self)
        self._runner.progressed.connect(self.progressed)
        self._runner.succeeded.connect(self._on_succeeded)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_frame_due)

    @property
    def frame_count(self) -> int:
        return len(self._rows)

    def is_busy(self) -> bool:
        return self._filming or self._runner.is_running()

    def start(self) -> None:
        """Grab the last frame (its colours make the GIF's palette), then film from the first."""
        self._filming = True
        self._show(len(self._rows) - 1)
        sample = subject_image(self._subject, self._request.size)
        job = _EncodeJob(self._queue, self._request, sample, self._exact, len(self._rows))
        self._runner.start(job)
        self._timer.start(0)

    @Slot()
    def cancel(self) -> None:
        """Stop filming and encoding; nothing is written (``cancelled`` follows)."""
        self._stop_filming()
        self._runner.cancel()

    def shutdown(self) -> bool:
        """Cancel and wait for the encoder's thread (the window is closing)."""
        self._stop_filming()
        return self._runner.shutdown()

    def _show(self, position: int) -> None:
        if self._subject.on_frame is not None:
            self._subject.on_frame(position / max(len(self._rows) - 1, 1))
        self._film.show(int(self._rows[position]))

    def _stop_filming(self) -> None:
        self._timer.stop()
        if self._filming:
            self._filming = False
            self._film.restore()

    @Slot()
    def _on_frame_due(self) -> None:
        """Grab frames for up to :data:`TURN_SECONDS`, then let the event loop run."""
        if not self._filming:
            return
        turn_ends = time.monotonic() + TURN_SECONDS
        while not self._queue.full():
            self._show(self._next)
            self._queue.put(subject_image(self._subject, self._request.size))
            self._next += 1
            if self._next == len(self._rows):
                self._queue.put(_END)
                self._stop_filming()
                return
            if time.monotonic() > turn_ends:
                self._timer.start(0)
                return
        self._timer.start(WAIT_MS)  # the encoder is behind: let it catch up

    @Slot(object)
    def _on_succeeded(self, path: object) -> None:
        self.finished.emit(path)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._stop_filming()
        self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._stop_filming()
        self.cancelled.emit()


class _EncodeJob:
    """The worker's side: frames out of the queue into the encoder (a JobRunner job)."""

    def __init__(self, frames, request, sample, exact_colours, total: int) -> None:
        self._frames: queue.Queue[np.ndarray | None] = frames
        self._request, self._sample = request, sample
        self._exact, self._total = exact_colours, total

    def __call__(self, cancel: threading.Event, progress: Progress) -> Path:
        return write_animation(self._request, self._stream(cancel, progress), self._sample,
                               self._exact)  # fmt: skip

    def _stream(self, cancel: threading.Event, progress: Progress):
        done, reported = 0, 0.0
        while True:
            if cancel.is_set():
                raise AnimationCancelled
            try:
                frame = self._frames.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if frame is _END:
                progress(done, self._total)
                return
            yield frame
            done += 1
            if time.monotonic() - reported >= PROGRESS_SECONDS:
                reported = time.monotonic()
                progress(done, self._total)
