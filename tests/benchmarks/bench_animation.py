"""Filming the path: 300 frames at 800x600, as GIF and MP4, in an offscreen window.

Runs the window's default example (Rosenbrock, gradient descent) to the end, sizes the window
so the main plot is 800x600 (as ``--animation`` does), then records FRAMES frames of the main
plot with :class:`~gdexplorer.ui.film_recorder.FilmRecorder`, as File > Export animation…
does: frames grabbed in the GUI thread, encoded on the worker. Prints for each format:

* the wall time from start to the file written (goal: GIF <= 5 s, MP4 <= 3 s), the part of
  it spent grabbing frames in the GUI thread, and the CPU time of the process (GUI and
  encoder threads; on a machine shared with other work, the wall time can be several times
  the CPU time);
* the file's size (goal: GIF <= 3 MB);
* the resident memory the film added: the highest RSS sampled during the film (every progress
  report) above the RSS before it, and the process's peak RSS (``ru_maxrss``) above its peak
  before the film (goal: <= 200 MB: frames are streamed, not held).

Run: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_animation.py [FRAMES]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSize  # noqa: E402

from gdexplorer.core.files.animation import animation_request, has_video_extra  # noqa: E402
from gdexplorer.ui import film as film_module  # noqa: E402
from gdexplorer.ui.animation_export import recorder_for  # noqa: E402
from gdexplorer.ui.app import create_application  # noqa: E402
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow  # noqa: E402
from gdexplorer.ui.settings_store import SettingsStore  # noqa: E402

FRAMES = int(sys.argv[1]) if len(sys.argv) > 1 else 300
SIZE = (800, 600)
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


def peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def wait(app, condition, seconds: float = 120.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def ready_window(app) -> MainWindow:
    window = MainWindow(SettingsStore(read_only=True))
    window.form.select_preset(DEFAULT_PRESET)
    window.show()
    finished: list[object] = []
    window.controller.run_finished.connect(finished.append)
    window.form.request_run()
    wait(app, lambda: bool(finished) and not window.stage.is_streaming())
    plot = window.plot.size()
    window.resize(window.size() + QSize(SIZE[0] - plot.width(), SIZE[1] - plot.height()))
    window.playback.go_last()
    settle = time.monotonic() + 0.5
    wait(app, lambda: time.monotonic() > settle)
    return window


def film(app, window: MainWindow, target: Path) -> dict[str, float]:
    grabbing = [0.0]
    original = film_module.subject_image

    def timed(subject, size):
        began = time.perf_counter()
        try:
            return original(subject, size)
        finally:
            grabbing[0] += time.perf_counter() - began

    film_module.subject_image = timed  # the recorder looks it up through its module
    import gdexplorer.ui.film_recorder as recorder_module

    recorder_module.subject_image = timed
    request = animation_request(target, SIZE, 30.0)
    recorder = recorder_for(window, "plot", FRAMES, None, request)
    done: list[object] = []
    recorder.finished.connect(done.append)
    recorder.failed.connect(done.append)
    highest = [rss()]
    recorder.progressed.connect(lambda *_: highest.__setitem__(0, max(highest[0], rss())))
    before_rss, before_peak = rss(), peak()
    began, cpu = time.perf_counter(), time.process_time()
    recorder.start()
    wait(app, lambda: bool(done))
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    wait(app, lambda: not recorder.is_busy())
    recorder_module.subject_image = original
    film_module.subject_image = original
    if not isinstance(done[0], Path):
        raise RuntimeError(f"the film failed: {done[0]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "grab": grabbing[0],
        "megabytes": target.stat().st_size / 1e6,
        "rss": (max(highest[0], rss()) - before_rss) / 1e6,
        "peak": (peak() - before_peak) / 1e6,
    }


def main() -> None:
    app = create_application()
    window = ready_window(app)
    rows = len(window.stage.shown().trajectory)
    print(f"{FRAMES} frames of the main plot at {SIZE[0]}x{SIZE[1]}, from a run of {rows:,} rows")
    goals = {"gif": "GIF: <= 5 s, <= 3 MB", "mp4": "MP4: <= 3 s"}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("gif", "mp4"):
            if kind == "mp4" and not has_video_extra():
                print('mp4: skipped (pip install "gdexplorer[video]")')
                continue
            figures = film(app, window, Path(folder) / f"film.{kind}")
            print(
                f"{kind}: {figures['seconds']:.2f} s (grabbing {figures['grab']:.2f} s; CPU of "
                f"both threads {figures['cpu']:.2f} s), "
                f"{figures['megabytes']:.2f} MB, RSS +{figures['rss']:.0f} MB during the film, "
                f"peak +{figures['peak']:.0f} MB   [goal {goals[kind]}; memory <= 200 MB]"
            )
    window.controller.shutdown()
    window.compare.shutdown()
    window.close()


if __name__ == "__main__":
    main()
