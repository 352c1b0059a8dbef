"""How fast the 3-D view draws: rotation, rebuilding the surface, playback with it visible.

Prints three figures, each next to its goal:

1. frames per second while rotating a 200 x 200 surface in an 800 x 600 view (goal >= 30);
2. the time to rebuild the surface for a new function or region: sample f on 200 x 200,
   mesh, colours, iso-lines, and hand it to OpenGL, then the first frame that uploads it
   (goal < 50 ms);
3. the frame time of playback (step + repaint of the whole window) on a 100,000-point path
   with the 3-D view shown (goal < 16 ms, as for 2-D in bench_gui.py).

Needs an X server with OpenGL (Mesa's software renderer is what CI has). Run (no time is
asserted): ``xvfb-run -a -s "-screen 0 1600x1000x24" python tests/benchmarks/bench_surface.py``
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gdx-bench-")  # not the user's settings

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdexplorer.core.config import RunConfig  # noqa: E402
from gdexplorer.core.engine import make_run, run_to_end  # noqa: E402
from gdexplorer.core.landscape import sample_grid  # noqa: E402
from gdexplorer.core.objective import build_objective  # noqa: E402
from gdexplorer.core.surface import surface_mesh  # noqa: E402
from gdexplorer.ui.app import create_application  # noqa: E402
from gdexplorer.ui.main_window import MainWindow  # noqa: E402
from gdexplorer.ui.settings_store import SettingsStore  # noqa: E402
from gdexplorer.ui.views.gl_support import opengl_problem  # noqa: E402
from gdexplorer.ui.views.surface_view import lookup_table  # noqa: E402
from gdexplorer.ui.views.view_switch import ViewMode  # noqa: E402

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
SIZE = 200
ROTATION_FRAMES = 120
PLAYBACK_ROWS = 100_000


class FrameCounter:
    """Counts the frames the GL widget has put on screen (``frameSwapped``)."""

    def __init__(self, widget) -> None:
        self.count = 0
        widget.frameSwapped.connect(self.on_swapped)

    def on_swapped(self) -> None:
        self.count += 1


def next_frame(app: QApplication, scene, counter: FrameCounter) -> None:
    """Ask for a frame and wait until it is on screen."""
    seen = counter.count
    scene.update()
    while counter.count == seen:
        app.processEvents()


def build(objective, x_range, y_range):
    grid = sample_grid(objective, x_range, y_range, size=SIZE)
    return surface_mesh(grid, lookup_table(), (x_range, y_range))


def rotation_fps(app: QApplication) -> float:
    from gdexplorer.ui.views.surface_scene import SurfaceScene

    scene = SurfaceScene()
    scene.resize(800, 600)
    scene.show()
    scene.set_mesh(build(build_objective(ROSENBROCK), (-2, 2), (-1, 3)), ("x", "y"), "f")
    counter = FrameCounter(scene)
    for _ in range(5):
        next_frame(app, scene, counter)
    began = time.perf_counter()
    for _ in range(ROTATION_FRAMES):
        scene.orbit(3.0, 0.0)
        next_frame(app, scene, counter)
    fps = ROTATION_FRAMES / (time.perf_counter() - began)
    scene.close()
    return fps


def rebuild_times(app: QApplication) -> tuple[float, float]:
    """Median ms of (sample + mesh + setData) and of that plus the frame that uploads it."""
    from gdexplorer.ui.views.surface_scene import SurfaceScene

    scene = SurfaceScene()
    scene.resize(800, 600)
    scene.show()
    counter = FrameCounter(scene)
    functions = [build_objective(text) for text in (ROSENBROCK, "x^2 + 3y^2", "sin(x) cos(y)")]
    compute, with_frame = [], []
    for repeat in range(12):
        objective = functions[repeat % len(functions)]
        shift = 0.1 * repeat  # a new region each time, as a pan does
        began = time.perf_counter()
        mesh = build(objective, (-2 + shift, 2 + shift), (-1, 3 - shift))
        scene.set_mesh(mesh, ("x", "y"), "f")
        compute.append((time.perf_counter() - began) * 1000)
        next_frame(app, scene, counter)
        with_frame.append((time.perf_counter() - began) * 1000)
    scene.close()
    return statistics.median(compute[2:]), statistics.median(with_frame[2:])


def playback_frames(app: QApplication) -> tuple[float, float]:
    """Median and worst ms per playback step (every view + a full repaint) with the 3-D view."""
    window = MainWindow(SettingsStore(read_only=True))
    window.resize(1400, 900)
    window.show()
    window.central_views.set_mode(ViewMode.SURFACE)
    config = RunConfig(ROSENBROCK, (-1.5, 2.0), learning_rate=1e-7,
                       iterations=PLAYBACK_ROWS - 1, tol_grad=0.0)  # fmt: skip
    window.form.set_config(config)
    trajectory, _ = run_to_end(config)
    window.stage.show_run(make_run(config), trajectory)
    deadline = time.perf_counter() + 1.0
    while time.perf_counter() < deadline:  # the debounced rebuild
        app.processEvents()
    frames = []
    for k in np.linspace(0, len(trajectory) - 1, 200).astype(int):
        began = time.perf_counter()
        window.playback.set_index(int(k))
        window.repaint()
        frames.append((time.perf_counter() - began) * 1000)
    window.close()
    return statistics.median(frames), max(frames)


def main() -> None:
    app = create_application()
    problem = opengl_problem()
    if problem is not None:
        print(f"bench_surface: 3-D needs OpenGL: {problem}", file=sys.stderr)
        raise SystemExit(2)
    fps = rotation_fps(app)
    print(f"rotating a {SIZE}x{SIZE} surface at 800x600: {fps:.0f} frames/s  (goal >= 30)")
    compute, with_frame = rebuild_times(app)
    print(
        f"rebuilding the surface for a new function or region: {compute:.1f} ms, "
        f"{with_frame:.1f} ms with the frame that uploads it  (goal < 50 ms)"
    )
    median, worst = playback_frames(app)
    print(
        f"playback frame on a {PLAYBACK_ROWS:,}-point path with the 3-D view: median "
        f"{median:.1f} ms, worst {worst:.1f} ms  (goal < 16 ms)"
    )


if __name__ == "__main__":
    main()
