"""How responsive the window stays: event-loop gaps, contour redraw, playback frames, start-up.

Prints four figures, each next to its goal:

1. the worst gap of a 10 ms QTimer heartbeat while a 1,000,000-iteration run streams into the
   window (goal < 30 ms);
2. the time from a new function to its redrawn contour (goal < 150 ms);
3. the frame time of playback (step + repaint of the whole window) on a 100,000-point path
   (goal < 16 ms);
4. the time from process start to a shown window against the import time of
   PySide6 + pyqtgraph + sympy + numpy, both measured from the launch of a fresh process in this
   run (goal < 1.5x).

Runs offscreen; no time is asserted. Run: python tests/benchmarks/bench_gui.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CONFIG_HOME = tempfile.mkdtemp(prefix="gdx-bench-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG_HOME  # never read or write the user's settings

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdexplorer.core.config import RunConfig  # noqa: E402
from gdexplorer.ui.app import create_application  # noqa: E402
from gdexplorer.ui.main_window import MainWindow  # noqa: E402
from gdexplorer.ui.settings_store import SettingsStore  # noqa: E402

STREAM_ITERATIONS = 1_000_000
PLAYBACK_ROWS = 100_000
STARTUP_REPEATS = 3


def long_run(iterations: int) -> RunConfig:
    """A run that never converges: exactly ``iterations`` updates on Rosenbrock."""
    return RunConfig(
        "(1 - x)^2 + 100(y - x^2)^2",
        (-1.5, 2.0),
        learning_rate=1e-7,
        iterations=iterations,
        tol_grad=0.0,
    )


def wait_for(app: QApplication, condition, timeout_s: float = 300.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def run_in_window(window: MainWindow, config: RunConfig) -> None:
    """Run ``config`` from the form and spin the event loop until it has finished."""
    loop = QEventLoop()
    window.controller.run_finished.connect(loop.quit)
    window.form.set_config(config)
    QTimer.singleShot(0, window.form.request_run)
    loop.exec()
    window.controller.run_finished.disconnect(loop.quit)


def heartbeat_gap(app: QApplication, window: MainWindow) -> tuple[float, float, int]:
    """Worst and 99th-percentile gap (ms) of a 10 ms timer during a streamed run; batches."""
    ticks: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    batches = []
    window.controller.rows_arrived.connect(batches.append)
    timer.start()
    run_in_window(window, long_run(STREAM_ITERATIONS))
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return max(gaps), statistics.quantiles(gaps, n=100)[98], len(batches)


def contour_time(app: QApplication, window: MainWindow) -> tuple[float, float]:
    """Median ms from typing a new function (after the form's debounce) to its contour on
    screen, and the median ms of that spent before the contour image was set (parse, grid,
    any debounce of the plot)."""
    image_set: list[float] = []
    original = pg.ImageItem.setImage

    def recording(item, *args, **kwargs):
        result = original(item, *args, **kwargs)
        image_set.append(time.perf_counter())
        return result

    pg.ImageItem.setImage = recording
    totals, before_image = [], []
    try:
        for text in ("(x - 1)^2 + 3(y + 0.5)^2 + sin(3x)", "x^4 - 3x^2 + y^2 + x*y", "x^2 + 10y^2"):
            image_set.clear()
            began = time.perf_counter()
            window.form.function_field.set_text(text)
            wait_for(app, lambda: bool(image_set), timeout_s=10)
            window.repaint()
            totals.append((time.perf_counter() - began) * 1000)
            before_image.append((image_set[0] - began) * 1000)
    finally:
        pg.ImageItem.setImage = original
    return statistics.median(totals), statistics.median(before_image)


def playback_frames(app: QApplication, window: MainWindow) -> tuple[float, float]:
    """Median and worst ms per playback step (all views + a full repaint) on a long path."""
    run_in_window(window, long_run(PLAYBACK_ROWS - 1))
    playback = window.playback
    count = playback.count()
    frames = []
    for k in range(0, count, max(count // 300, 1)):
        began = time.perf_counter()
        playback.set_index(k)
        window.repaint()
        frames.append((time.perf_counter() - began) * 1000)
    return statistics.median(frames), max(frames)


_IMPORTS_CHILD = """
import time
import numpy, sympy, pyqtgraph, PySide6.QtWidgets
print(time.time())
"""

_WINDOW_CHILD = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def shown():
    window = next(w for w in app.topLevelWidgets() if w.isVisible())
    window.repaint()
    print(time.time(), flush=True)
    QTimer.singleShot(0, ready)
def ready():
    window = next(w for w in app.topLevelWidgets() if w.isVisible())
    if window.form.function_field.objective() is None:
        QTimer.singleShot(1, ready)
        return
    app.processEvents()
    window.repaint()
    print(time.time(), flush=True)
    os._exit(0)
QTimer.singleShot(0, shown)
from gdexplorer.cli import main
main([])
"""


def launch(code: str) -> list[float]:
    """Seconds from launching a fresh interpreter to each time the child prints."""
    began = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return [float(stamp) - began for stamp in done.stdout.split()]


def startup() -> tuple[float, float, float]:
    """Best of a few launches: imports alone; the window painted; the example drawn in it."""
    imports = min(launch(_IMPORTS_CHILD)[0] for _ in range(STARTUP_REPEATS))
    shown, ready = min(launch(_WINDOW_CHILD) for _ in range(STARTUP_REPEATS))
    return imports, shown, ready


def main() -> None:
    app = create_application()
    window = MainWindow(SettingsStore(read_only=True))
    window.load_initial(None)
    window.show()
    app.processEvents()
    worst, p99, batches = heartbeat_gap(app, window)
    print(
        f"heartbeat during a {STREAM_ITERATIONS:,}-iteration run: worst gap {worst:.1f} ms, "
        f"p99 {p99:.1f} ms over {batches} batches (goal: worst < 30 ms)"
    )
    contour, waited = contour_time(app, window)
    print(
        f"new function -> its contour on screen: {contour:.0f} ms ({waited:.0f} ms until the "
        "contour image was set) (goal < 150 ms)"
    )
    median, worst_frame = playback_frames(app, window)
    print(
        f"playback frame on a {PLAYBACK_ROWS:,}-point path: median {median:.1f} ms, "
        f"worst {worst_frame:.1f} ms (goal < 16 ms)"
    )
    window.close()
    imports, shown, ready = startup()
    print(
        f"start-up from process start: imports of PySide6+pyqtgraph+sympy+numpy {imports:.2f} s; "
        f"window painted {shown:.2f} s = {shown / imports:.2f}x (goal < 1.5x); example parsed "
        f"and drawn {ready:.2f} s = {ready / imports:.2f}x"
    )


if __name__ == "__main__":
    main()
