"""File ▸ Export animation…: what a film shows, frame by frame, and what a bad request says."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.files import animation
from gdexplorer.core.files.animation import animation_request
from gdexplorer.core.many.runs_io import RunRecord, write_runs
from gdexplorer.ui import style
from gdexplorer.ui.animation_export import recorder_for
from gdexplorer.ui.film import subject_image, window_subjects

SIZE = (320, 240)
CURRENT = QColor(style.CURRENT).getRgb()[:3]


def run_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout):
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.stage.is_streaming())


def record(qtbot, window, target, frames=12, subject="plot", every=None, fps=10.0, size=SIZE):
    recorder = recorder_for(window, subject, frames, every, animation_request(target, size, fps))
    with qtbot.waitSignal(recorder.finished, timeout=60_000):
        recorder.start()
    qtbot.waitUntil(lambda: not recorder.is_busy())
    return recorder


def gif_frames(path) -> tuple[list[np.ndarray], list[int]]:
    image = Image.open(io.BytesIO(path.read_bytes()))
    frames, durations = [], []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB")).copy())
        durations.append(image.info["duration"])
    return frames, durations


def colour_mask(frame: np.ndarray, rgb, below_legend: bool = False) -> np.ndarray:
    """Pixels of exactly ``rgb`` (below the plot's legend, whose sample of the arrow has the
    marker's colour, when asked)."""
    mask = np.all(frame == np.asarray(rgb, dtype=np.uint8), axis=2)
    if below_legend:
        mask[: len(mask) // 6] = False
    return mask


def centre(mask: np.ndarray) -> np.ndarray:
    rows, columns = np.nonzero(mask)
    return np.array([columns.mean(), rows.mean()])


def test_a_film_of_the_run_grows_the_path_and_ends_on_the_final_iterate(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    window.playback.go_last()
    target = tmp_path / "valley.gif"
    recorder = record(qtbot, window, target, frames=12)
    assert recorder.frame_count == 12
    frames, durations = gif_frames(target)
    assert sum(durations) == 1200  # 12 frames at 10 a second (equal frames share a delay)
    assert len(frames) >= 10
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    distances = [np.count_nonzero(np.any(f != frames[-1], axis=2)) for f in frames]
    assert distances[0] > distances[len(frames) // 2] > distances[-1] == 0  # the path grows
    assert all(np.any(a != b) for a, b in zip(frames, frames[1:], strict=False))
    # the last frame is the window at the final iterate (as put back after the film), up to
    # the palette; the first frame is not (the marker is at the start, no path yet)
    still = subject_image(window_subjects(window)[0], SIZE).astype(int)
    far_last = np.count_nonzero(np.abs(frames[-1] - still).max(axis=2) > 60)
    far_first = np.count_nonzero(np.abs(frames[0] - still).max(axis=2) > 60)
    assert far_last < 0.005 * still[..., 0].size < far_first
    marker_start = colour_mask(frames[0], CURRENT, below_legend=True)
    marker_end = colour_mask(frames[-1], CURRENT, below_legend=True)
    assert np.count_nonzero(marker_end) > 5
    assert np.linalg.norm(centre(marker_start) - centre(marker_end)) > 20
    assert window.plot.path.line.getData()[0].size > 0  # the whole path is drawn again


def test_every_kth_iteration_films_that_many_frames(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    count = len(window.stage.shown().trajectory)
    recorder = record(qtbot, window, tmp_path / "k.gif", every=50)
    assert recorder.frame_count == len(range(0, count, 50)) + ((count - 1) % 50 != 0)


def test_a_race_films_every_run_in_its_colour(qtbot, window, tmp_path):
    records = []
    starts = {"gd": (2.0, 1.0), "adam": (-2.0, 1.5), "momentum": (1.0, -1.5)}
    for number, (variant, start) in enumerate(starts.items(), start=1):
        config = RunConfig("x^2 + 3y^2", start, variant=variant, learning_rate=0.1)
        records.append(RunRecord(f"Run {number}", config, *run_to_end(config), 0.01))
    runs = write_runs(records, tmp_path / "runs.csv")
    assert window.compare.runs.import_runs(str(runs))
    qtbot.waitUntil(lambda: window.compare.race.active)
    entries = list(window.compare.race.entries)
    assert len(entries) == 3
    target = tmp_path / "race.gif"
    natural = (window.plot.width(), window.plot.height())  # not scaled: lines keep their colour
    record(qtbot, window, target, frames=10, size=natural)
    frames, _ = gif_frames(target)
    last = frames[-1]
    for entry in entries:
        rgb = QColor(entry.colour).getRgb()[:3]
        assert np.count_nonzero(colour_mask(last, rgb)) > 30, f"{entry.label}'s colour is lost"
        assert np.count_nonzero(colour_mask(last, rgb)) > np.count_nonzero(
            colour_mask(frames[0], rgb)
        )  # its path grew
    assert window.compare.race.entries == entries  # the race is put back


def test_a_cancelled_film_writes_nothing_and_keeps_the_old_file(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    target = tmp_path / "old.gif"
    target.write_bytes(b"the old film")
    recorder = recorder_for(window, "plot", 2000, None, animation_request(target, SIZE, 10.0))
    with qtbot.waitSignal(recorder.cancelled, timeout=30_000):
        recorder.start()
        qtbot.waitUntil(lambda: recorder._next >= 5)  # noqa: SLF001 - mid-film
        recorder.cancel()
    qtbot.waitUntil(lambda: not recorder.is_busy())
    assert target.read_bytes() == b"the old film"
    assert [path.name for path in tmp_path.rglob("*old*")] == ["old.gif"]  # no temporary left
    assert window.plot.path.line.getData()[0].size > 0


def test_the_dialog_says_what_is_wrong_inline(qtbot, window, tmp_path, monkeypatch):
    dialog = window.animation.open_dialog()
    dialog.path_field.setText(str(tmp_path / "film.gif"))
    dialog.start()
    assert "press Run first" in dialog.message.text()
    run_and_wait(qtbot, window)
    cases = [("size_field", "10x10", "64 to 4096"), ("size_field", "big", "WIDTHxHEIGHT"),
             ("path_field", str(tmp_path / "film.png"), ".gif or .mp4"),
             ("path_field", str(tmp_path / "no" / "film.gif"), "does not exist")]  # fmt: skip
    for field, text, words in cases:
        dialog.size_field.setText("320x240")
        dialog.path_field.setText(str(tmp_path / "film.gif"))
        getattr(dialog, field).setText(text)
        dialog.start()
        assert words in dialog.message.text() and not dialog.is_busy()
    monkeypatch.setattr(animation, "has_video_extra", lambda: False)
    dialog.kind_box.setCurrentText("MP4")
    assert dialog.path_field.text().endswith("film.mp4")
    assert 'pip install "gdexplorer[video]"' in dialog.message.text()
    dialog.start()
    assert 'pip install "gdexplorer[video]"' in dialog.message.text()
    assert not [path for path in tmp_path.rglob("*") if "film" in path.name]
    dialog.close()


def test_the_dialog_records_with_progress_and_reports(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    assert window.animation.action in window.menuBar().actions()[0].menu().actions()
    dialog = window.animation.open_dialog()
    dialog.path_field.setText(str(tmp_path / "film.gif"))
    dialog.size_field.setText("320x240")
    dialog.frames_box.setValue(8)
    with qtbot.waitSignal(dialog.reported, timeout=60_000) as done:
        dialog.save_button.click()
        assert dialog.progress.isVisible() and dialog.cancel_button.text() == "Cancel"
    assert "Wrote 8 frames" in done.args[0] and window.status_label.text() == done.args[0]
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert len(gif_frames(tmp_path / "film.gif")[0]) >= 6
    assert dialog.cancel_button.text() == "Close"
    dialog.close()


def test_an_mp4_of_the_run(qtbot, window, tmp_path):
    if not animation.has_video_extra():
        pytest.skip('the video extra is not installed (pip install "gdexplorer[video]")')
    run_and_wait(qtbot, window)
    target = tmp_path / "valley.mp4"
    record(qtbot, window, target, frames=10, subject="plot+convergence")
    data = target.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) > 1000


def test_closing_the_window_mid_film_stops_the_encoder(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    dialog = window.animation.open_dialog()
    dialog.path_field.setText(str(tmp_path / "film.gif"))
    dialog.frames_box.setValue(2000)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0 or dialog.recorder._next > 3)  # noqa: SLF001
    window.close()
    assert not dialog.is_busy()
    assert not (tmp_path / "film.gif").exists()


def test_a_run_on_data_films_the_data_and_model_too(qtbot, window, tmp_path):
    window.form.mode_switch.data_button.click()
    combo = window.form.data_section.sample_combo
    combo.setCurrentIndex(combo.findData("line"))
    combo.activated.emit(combo.currentIndex())
    run_and_wait(qtbot, window)
    keys = [subject.key for subject in window_subjects(window)]
    assert keys == ["plot", "plot+convergence", "plot+data", "window"]
    target = tmp_path / "data.gif"
    record(qtbot, window, target, frames=8, subject="plot+data", size=(400, 500))
    frames, durations = gif_frames(target)
    assert sum(durations) == 800 and frames[0].shape == (500, 400, 3)
    lower = [frame[300:] for frame in frames]  # the data panel, under the plot
    assert np.any(lower[0] != lower[-1])  # the model moves with the iterate


def test_the_whole_window_is_filmed_and_put_back(qtbot, window, tmp_path):
    run_and_wait(qtbot, window)
    window.playback.set_index(7)
    target = tmp_path / "window.gif"
    record(qtbot, window, target, frames=6, subject="window", size=(700, 450))
    frames, durations = gif_frames(target)
    assert sum(durations) == 600 and frames[0].shape == (450, 700, 3)
    assert np.any(frames[0] != frames[-1])
    assert window.playback.index() == 7  # where the student was
    assert "k = 7 /" in window.playback.position_label.text()
