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


def test_cycles_made_in_a_worker_thread_are_collected_in_the_gui_thread(qtbot):
    """Automatic collection is off; allocations in another thread never start a collection
    there, and the GUI timer collects the cycles they left (see gdexplorer.ui.threads.garbage)."""
    import gc
    import threading

    from gdexplorer.ui.app import create_application
    from gdexplorer.ui.threads.garbage import MainThreadCollector

    app = create_application()
    assert app.findChild(MainThreadCollector) is not None and not gc.isenabled()
    threads_seen: list[bool] = []

    def watch(phase: str, _info: dict) -> None:
        if phase == "start":
            threads_seen.append(threading.current_thread() is threading.main_thread())

    def make_cycles() -> None:
        for _ in range(5 * gc.get_threshold()[0]):
            cycle: list = []
            cycle.append(cycle)

    gc.callbacks.append(watch)
    try:
        maker = threading.Thread(target=make_cycles)
        maker.start()
        maker.join()
        assert threads_seen == []  # above the threshold, yet nothing collected in that thread
        qtbot.waitUntil(lambda: bool(threads_seen), timeout=3000)  # the GUI timer's turn
    finally:
        gc.callbacks.remove(watch)
    assert all(threads_seen)
