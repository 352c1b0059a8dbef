"""The 3-D view's real pixels, read back from its OpenGL framebuffer (Qt xcb + Mesa).

Run by ``test_opengl.py`` in a child process under Xvfb; not collected by the offscreen suite
(the name does not start with ``test_``). Every test reads the framebuffer the student sees
and checks colours in it: the surface's own vertex colours, the path's white, the markers'
red, each raced run's colour.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import make_run, run_to_end
from gdexplorer.ui import style
from gdexplorer.ui.views.multi_path import RaceEntry
from gdexplorer.ui.views.surface_scene import BACKGROUND, CAMERA, rgba
from gdexplorer.ui.views.surface_view import REBUILD_MS
from gdexplorer.ui.views.view_switch import ViewMode

BANANA = RunConfig("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), learning_rate=0.001, iterations=3000)
BOWL = RunConfig("x^2 + 3y^2", (-2.0, 1.5), learning_rate=0.05, iterations=200)
CLOSE = 14
"""How far (per channel, 0-255) a pixel may be from a colour to count as that colour."""


def pixels(window) -> np.ndarray:
    """The 3-D view's framebuffer as (height, width, 3) uint8."""
    image = window.surface.scene.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def near(image: np.ndarray, colour, tolerance: int = CLOSE) -> np.ndarray:
    """Mask of the pixels within ``tolerance`` of ``colour`` on every channel."""
    target = np.array(rgba(colour)[:3]) * 255
    return np.all(np.abs(image.astype(int) - target) <= tolerance, axis=-1)


def settle(qtbot) -> None:
    """Let the debounced rebuilds and the repaint happen."""
    qtbot.wait(2 * REBUILD_MS + 100)


def show(qtbot, window, config: RunConfig, mode: ViewMode = ViewMode.SURFACE) -> None:
    """``config``'s function in the form and its whole run on the stage, in ``mode``."""
    window.central_views.set_mode(mode)
    window.form.set_config(config)
    trajectory, _outcome = run_to_end(config)
    window.stage.show_run(make_run(config), trajectory)
    settle(qtbot)


def test_the_view_has_opengl_here_and_builds_it_when_first_shown(qtbot, gl_window):
    assert QGuiApplication.platformName() == "xcb"
    assert gl_window.surface.problem is None
    assert gl_window.surface.scene is None  # the contour alone: no GL widget in the window
    show(qtbot, gl_window, BOWL)
    assert gl_window.surface.scene is not None and gl_window.surface.mesh is not None


def test_the_framebuffer_holds_the_surface_colours_and_the_path(qtbot, gl_window):
    show(qtbot, gl_window, BANANA)
    mesh = gl_window.surface.mesh
    assert mesh is not None and mesh.frame.scale.log  # Rosenbrock: log heights
    image = pixels(gl_window)
    drawn = ~near(image, BACKGROUND, 3)
    assert drawn.mean() > 0.2  # the surface fills a good part of the view
    surface_colours = np.unique(np.rint(mesh.colours[..., :3] * 255).reshape(-1, 3), axis=0)
    sample = image[drawn][:: max(1, drawn.sum() // 3000)].astype(int)
    distance = np.abs(sample[:, None, :] - surface_colours[None, :, :]).max(axis=2).min(axis=1)
    assert np.mean(distance <= CLOSE) > 0.8  # most drawn pixels are the mesh's own colours
    scene = gl_window.surface.scene
    scene.path.hide()
    scene.ghost.hide()
    qtbot.wait(50)
    without_path = pixels(gl_window)
    changed = np.abs(image.astype(int) - without_path).max(axis=2) > 60
    whiter = image.astype(int).sum(axis=2) > without_path.astype(int).sum(axis=2) + 150
    assert (changed & whiter).sum() > 150  # the path whitens the pixels it lies on
    assert near(image, style.PATH, 10).sum() > 20  # and is white where it is in front


def test_the_current_iterate_marker_moves_with_playback_and_the_camera_stays(qtbot, gl_window):
    show(qtbot, gl_window, BOWL)
    scene = gl_window.surface.scene
    scene.orbit(25, 10)
    camera = scene.camera()
    centres = []
    for k in (0, 200):
        gl_window.playback.set_index(k)
        qtbot.wait(80)
        red = np.argwhere(near(pixels(gl_window), style.CURRENT, 30))
        assert len(red) > 20, f"no current-iterate marker at k = {k}"
        centres.append(red.mean(axis=0))
    assert np.hypot(*(centres[1] - centres[0])) > 40  # from the start to near the minimum
    assert scene.camera() == camera  # stepping never moves the camera
    gl_window.surface.rows_added(0, 201, streaming=False)
    assert scene.camera() == camera


def test_the_surface_changes_when_the_function_changes(qtbot, gl_window):
    show(qtbot, gl_window, BOWL)
    before = pixels(gl_window).astype(int)
    heights_before = gl_window.surface.mesh.heights.copy()
    show(qtbot, gl_window, BANANA)
    after = pixels(gl_window).astype(int)
    assert np.mean(np.abs(after - before).max(axis=2) > 40) > 0.1
    assert not np.allclose(gl_window.surface.mesh.heights, heights_before, atol=0.05)


def test_reset_camera_brings_back_the_first_view(qtbot, gl_window):
    show(qtbot, gl_window, BOWL)
    scene = gl_window.surface.scene
    first = pixels(gl_window)
    scene.orbit(60, -20)
    scene.setCameraPosition(distance=8.0)
    qtbot.wait(50)
    assert np.mean(np.abs(pixels(gl_window).astype(int) - first).max(axis=2) > 30) > 0.05
    gl_window.surface.reset_button.click()
    qtbot.wait(50)
    assert scene.camera()["distance"] == pytest.approx(CAMERA["distance"])
    assert np.mean(np.abs(pixels(gl_window).astype(int) - first).max(axis=2) > 30) < 0.01


def test_a_race_draws_each_run_in_its_colour(qtbot, gl_window):
    show(qtbot, gl_window, BOWL)
    colours = ("#ff7f0e", "#00c2ff")
    entries = [
        RaceEntry(run_to_end(BOWL.replace(learning_rate=rate))[0], colour, f"lr {rate}")
        for rate, colour in zip((0.05, 0.3), colours, strict=True)
    ]
    gl_window.compare.race.show_runs(entries)
    gl_window.playback.set_index(3)
    settle(qtbot)
    image = pixels(gl_window)
    for colour in colours:
        assert near(image, colour, 30).sum() > 40, f"no pixels of the run drawn in {colour}"
    assert near(image, style.PATH, 8).sum() < 40  # the single run's path is gone
    gl_window.compare.race.clear()
    qtbot.wait(80)
    assert near(pixels(gl_window), colours[1], 30).sum() < 10


def test_the_loss_landscape_of_a_data_run_is_drawn(qtbot, gl_window):
    from PySide6.QtCore import Qt

    gl_window.central_views.set_mode(ViewMode.SURFACE)
    gl_window.form.mode_switch.data_button.click()
    combo = gl_window.form.data_section.sample_combo
    combo.setCurrentIndex(combo.findData("line"))
    combo.activated.emit(combo.currentIndex())
    with qtbot.waitSignal(gl_window.controller.run_finished, timeout=30_000):
        qtbot.mouseClick(gl_window.form.run_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert gl_window.surface.offered and gl_window.surface.mesh is not None
    image = pixels(gl_window)
    assert (~near(image, BACKGROUND, 3)).mean() > 0.2
    assert near(image, style.PATH, 8).sum() > 30


def test_side_by_side_shows_both_when_there_is_room(qtbot, gl_window):
    gl_window.form.set_config(BOWL)
    for dock in (gl_window.form_dock, gl_window.convergence_dock, gl_window.inspector_dock):
        dock.hide()
    qtbot.wait(50)
    gl_window.central_views.set_mode(ViewMode.BOTH)
    qtbot.wait(50)
    assert gl_window.plot.isVisible() and gl_window.surface.isVisible()
    assert gl_window.surface.width() > 300 and gl_window.plot.width() > 300


def test_the_surface_follows_the_contours_region_after_a_pause(qtbot, gl_window):
    show(qtbot, gl_window, BOWL)
    before = gl_window.surface.mesh
    gl_window.plot.view_box.setRange(xRange=(0.0, 1.0), yRange=(-0.5, 0.5), padding=0)
    assert gl_window.surface.mesh is before  # debounced: not on every step of a drag
    settle(qtbot)
    (x0, x1), (y0, y1) = gl_window.plot.view_box.viewRange()
    frame = gl_window.surface.mesh.frame
    assert frame.x_range == pytest.approx((x0, x1)) and frame.y_range == pytest.approx((y0, y1))


def test_a_slice_of_three_variables_moves_with_the_iterate(qtbot, gl_window):
    config = RunConfig("x^2 + 2y^2 + 3z^2 + x z", (2.0, -1.5, 1.5), learning_rate=0.05,
                       iterations=60)  # fmt: skip
    show(qtbot, gl_window, config)
    surface = gl_window.surface
    assert surface.offered and surface.mesh.axes == gl_window.plot.plane_axes == (0, 1)
    gl_window.playback.set_index(0)
    settle(qtbot)
    at_start = surface.mesh.heights.copy()
    gl_window.playback.set_index(60)  # z went from 1.5 to near 0: another slice
    settle(qtbot)
    assert not np.allclose(surface.mesh.heights, at_start, atol=1e-3)
    image = pixels(gl_window)
    assert near(image, style.CURRENT, 30).sum() > 20


def test_the_3d_view_can_be_filmed_still_and_turning(qtbot, gl_window, tmp_path):
    import io

    from PIL import Image

    from gdexplorer.core.files.animation import animation_request
    from gdexplorer.ui.animation_export import recorder_for
    from gdexplorer.ui.film import window_subjects

    show(qtbot, gl_window, BOWL)
    keys = [subject.key for subject in window_subjects(gl_window)]
    assert "3d" in keys and "3d-turning" in keys
    azimuth = gl_window.surface.scene.opts["azimuth"]
    films = {}
    for key in ("3d", "3d-turning"):
        target = tmp_path / f"{key}.gif"
        request = animation_request(target, (240, 180), 10.0)
        recorder = recorder_for(gl_window, key, 8, None, request)
        with qtbot.waitSignal(recorder.finished, timeout=60_000):
            recorder.start()
        qtbot.waitUntil(lambda recorder=recorder: not recorder.is_busy())
        image = Image.open(io.BytesIO(target.read_bytes()))
        frames = []
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(np.asarray(image.convert("RGB")).astype(int))
        films[key] = frames
        assert frames[0].shape == (180, 240, 3)
        assert np.any(np.abs(frames[0] - frames[-1]).max(axis=2) > 60)  # the path grew
    still, turning = films["3d"], films["3d-turning"]
    assert len(turning) >= len(still) - 1
    # the camera turned: halfway, the turning film differs far more than the still one did
    middle = len(still) // 2
    moved = np.mean(np.abs(turning[middle] - still[middle]).max(axis=2) > 60)
    assert moved > 0.1
    assert gl_window.surface.scene.opts["azimuth"] % 360 == pytest.approx(azimuth % 360)
