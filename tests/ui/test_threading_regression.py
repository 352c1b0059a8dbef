"""100,000 cross-thread ``Signal(object)`` emits must all arrive, and the process must survive.

PySide6 6.12.0 on Python 3.11 aborts ("bool_dealloc") after some thousands of such emits; the
dependency pin keeps us below it and this test catches a release that brings it back.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from gdexplorer.core.engine import Batch

EMITS = 100_000


class _Emitter(QObject):
    batch_ready = Signal(object)
    finished = Signal()

    def __init__(self, count: int) -> None:
        super().__init__()
        self._count = count

    @Slot()
    def work(self) -> None:
        for start in range(self._count):
            self.batch_ready.emit(Batch(start, np.full((1, 2), float(start))))
        self.finished.emit()


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.checksum = 0.0
        self.in_order = True

    @Slot(object)
    def on_batch(self, batch: Batch) -> None:
        self.in_order &= batch.start == self.count
        self.count += 1
        self.checksum += float(batch.rows[0, 1])


def test_a_hundred_thousand_cross_thread_emits_all_arrive(qtbot):
    emitter = _Emitter(EMITS)
    receiver = _Receiver()
    worker_thread = QThread()
    emitter.moveToThread(worker_thread)
    worker_thread.started.connect(emitter.work)
    emitter.batch_ready.connect(receiver.on_batch)
    emitter.finished.connect(worker_thread.quit, Qt.ConnectionType.DirectConnection)
    try:
        with qtbot.waitSignal(worker_thread.finished, timeout=60_000):
            worker_thread.start()
        qtbot.waitUntil(lambda: receiver.count == EMITS, timeout=60_000)
    finally:
        worker_thread.quit()
        worker_thread.wait(5000)
    assert receiver.in_order
    assert receiver.checksum == EMITS * (EMITS - 1) / 2
    assert not worker_thread.isRunning()
