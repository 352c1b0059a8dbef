"""Animations without Qt: which rows are filmed, the GIF's palette and stream, MP4, bad input."""

from __future__ import annotations

import io
import os
import subprocess

import numpy as np
import pytest
from PIL import Image

from gdexplorer.core.errors import ExportError
from gdexplorer.core.files import animation
from gdexplorer.core.files.animation import (
    VIDEO_EXTRA,
    AnimationCancelled,
    animation_request,
    parse_size,
    write_animation,
)
from gdexplorer.core.files.gif_stream import TRANSPARENT, GifStream, PaletteMapper, build_palette
from gdexplorer.core.film_frames import (
    MAX_FRAMES,
    every_kth_row,
    frame_rows,
    measured_path,
)

RED = (232, 32, 42)
SIZE = (160, 120)


# -- which rows --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "frames"), [(2, 2), (50, 120), (121, 120), (10_000, 7), (999, 300)]
)
def test_frame_rows_are_distinct_sorted_and_keep_the_first_and_last(count, frames):
    creep = np.cumsum(np.random.default_rng(count).normal(size=(count, 2)), axis=0)
    rows = frame_rows(count, frames, [measured_path(creep)])
    assert len(rows) == min(count, frames)
    assert rows[0] == 0 and rows[-1] == count - 1
    assert np.all(np.diff(rows) > 0)


def test_a_long_creep_does_not_eat_the_frames():
    """The path moves in its first 100 rows, then creeps for 100,000: the moving part gets
    a fair share of the frames (by row number alone it would get none of 100)."""
    fast = np.column_stack([np.linspace(0, 10, 100), np.linspace(0, 5, 100)])
    slow = fast[-1] + np.column_stack([np.linspace(0, 1e-3, 100_000), np.zeros(100_000)])
    path = np.vstack([fast, slow])
    rows = frame_rows(len(path), 100, [measured_path(path)])
    assert len(rows) == 100
    assert np.count_nonzero(rows < 100) >= 40
    assert np.count_nonzero(rows >= 100) >= 40  # the creep still takes some time


def test_a_race_gives_each_runs_moving_part_frames():
    quick = np.column_stack([np.linspace(0, 1, 30), np.zeros(30)])
    quick = np.vstack([quick, np.repeat(quick[-1:], 9970, axis=0)])
    late = np.column_stack(
        [np.zeros(10_000), np.concatenate([np.zeros(9000), np.linspace(0, 1, 1000)])]
    )
    rows = frame_rows(10_000, 60, [measured_path(quick), measured_path(late)])
    assert len(rows) == 60
    assert np.count_nonzero(rows < 30) >= 8
    assert np.count_nonzero(rows >= 9000) >= 15


def test_every_kth_row_ends_on_the_final_iterate():
    assert every_kth_row(10, 4).tolist() == [0, 4, 8, 9]
    assert every_kth_row(9, 4).tolist() == [0, 4, 8]
    with pytest.raises(ExportError, match="k of 1 or more"):
        every_kth_row(10, 0)


@pytest.mark.parametrize("frames", [0, 1, MAX_FRAMES + 1])
def test_frame_counts_out_of_range_are_one_line(frames):
    with pytest.raises(ExportError) as caught:
        frame_rows(100, frames)
    assert "\n" not in str(caught.value) and "frames" in str(caught.value)


# -- the GIF ----------------------------------------------------------------------------------


def background(seed: int = 0) -> np.ndarray:
    """A frame with thousands of colours (a smooth colour map), as a contour plot has; none
    of them near the path's red (green is at least 128)."""
    height, width = SIZE[1], SIZE[0]
    y, x = np.mgrid[0:height, 0:width]
    noise = np.random.default_rng(seed).integers(0, 3, size=(height, width))
    channels = [x * 255 // width, 128 + y * 127 // height, (x + y + noise) * 80 // (width + height)]
    return np.stack(channels, axis=-1).astype(np.uint8)


def growing_path_frames(count: int) -> list[np.ndarray]:
    """A red path of 3x3 dots growing across the background, one more dot a frame."""
    frame, frames = background(), []
    for k in range(count):
        x, y = 10 + 7 * k, 100 - 4 * k
        frame[y - 1 : y + 2, x - 1 : x + 2] = RED
        frames.append(frame.copy())
    return frames


def decoded(data: bytes) -> tuple[list[np.ndarray], list[int]]:
    image = Image.open(io.BytesIO(data))
    frames, durations = [], []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB")))
        durations.append(image.info["duration"])
    return frames, durations


def gif_bytes(frames, fps=10.0, exact=(RED,), loop=True) -> bytes:
    handle = io.BytesIO()
    stream = GifStream(handle, SIZE, build_palette([frames[-1]], exact), fps, loop)
    for frame in frames:
        stream.add(frame)
    stream.close()
    return handle.getvalue()


def test_the_gif_has_every_frame_and_its_path_stays_exactly_red():
    frames = growing_path_frames(20)
    assert len(np.unique(frames[-1].reshape(-1, 3), axis=0)) > 1000  # far more than 256
    shown, durations = decoded(gif_bytes(frames))
    assert len(shown) == 20 and sum(durations) == 2000
    for k, (original, frame) in enumerate(zip(frames, shown, strict=True)):
        red = np.all(original == RED, axis=2)
        assert np.all(frame[red] == RED), f"frame {k}: the path changed colour"
        assert np.array_equal(np.all(frame == RED, axis=2), red)
        error = np.abs(frame.astype(int) - original).max()
        assert error <= 48, f"frame {k} is far from the original ({error})"


def test_a_median_cut_alone_would_lose_the_path_colour():
    """The property the exact colours protect: without them the red dots are not red."""
    frames = growing_path_frames(3)
    cut = np.asarray(Image.fromarray(frames[-1]).quantize(8).convert("RGB"))
    assert not np.any(np.all(cut == RED, axis=2))
    kept = decoded(gif_bytes(frames, exact=(RED,)))[0][-1]
    assert np.count_nonzero(np.all(kept == RED, axis=2)) == 27


def test_identical_frames_lengthen_the_delay_and_the_timeline_does_not_drift():
    frames = growing_path_frames(4)
    frames = [frames[0], frames[0], frames[0], frames[1], frames[2], frames[3]]
    shown, durations = decoded(gif_bytes(frames, fps=30.0))
    assert len(shown) == 4
    assert durations[0] == 100  # three frames of 1/30 s: 10 hundredths, not 3 x 3
    assert sum(durations) == 200


def test_frames_after_the_first_store_only_what_changed():
    frames = growing_path_frames(30)
    whole = len(gif_bytes(frames[:1]))
    assert len(gif_bytes(frames)) < whole + 29 * 200  # each new dot costs bytes, not a frame


def test_the_palette_maps_its_own_colours_to_themselves():
    palette = build_palette([background(1)], [RED, (255, 255, 255)])
    mapper = PaletteMapper(palette)
    indices = mapper.indices(palette[None, :255, :])
    assert np.array_equal(palette[indices[0]], palette[:255])
    assert TRANSPARENT not in indices
    assert tuple(palette[0]) == RED and tuple(palette[1]) == (255, 255, 255)


def test_looping_is_written_only_when_asked():
    frames = growing_path_frames(2)
    assert Image.open(io.BytesIO(gif_bytes(frames, loop=True))).info.get("loop") == 0
    assert "loop" not in Image.open(io.BytesIO(gif_bytes(frames, loop=False))).info


# -- the file: atomic, checked ---------------------------------------------------------------


def test_write_animation_writes_the_gif_through_a_temporary_file(tmp_path):
    target = tmp_path / "path.gif"
    frames = growing_path_frames(5)
    written = write_animation(animation_request(target, SIZE, 5), iter(frames), frames[-1], [RED])
    assert written == target
    assert len(decoded(target.read_bytes())[0]) == 5
    assert sorted(os.listdir(tmp_path)) == ["path.gif"]


@pytest.mark.parametrize("name", ["old.gif", "old.mp4"])
def test_a_cancelled_export_keeps_the_old_file_and_leaves_nothing_else(tmp_path, name):
    if name.endswith(".mp4") and not animation.has_video_extra():
        pytest.skip('the video extra is not installed (pip install "gdexplorer[video]")')
    target = tmp_path / name
    target.write_bytes(b"the old animation")

    def cancelled_after_three():
        yield from growing_path_frames(3)
        raise AnimationCancelled

    with pytest.raises(AnimationCancelled):
        write_animation(animation_request(target, SIZE, 5), cancelled_after_three())
    assert target.read_bytes() == b"the old animation"
    assert sorted(os.listdir(tmp_path)) == [name]


@pytest.mark.parametrize(
    ("path", "size", "fps", "words"),
    [
        ("film.png", (800, 600), 10, "saved as .gif or .mp4"),
        ("film", (800, 600), 10, "no extension"),
        ("film.gif", (63, 600), 10, "64 to 4096"),
        ("film.gif", (800, 4097), 10, "64 to 4096"),
        ("film.gif", (800, 600), 0, "more than 0"),
        ("film.gif", (800, 600), 60, "at most 50"),
        ("missing/film.gif", (800, 600), 10, "does not exist"),
        ("", (800, 600), 10, "give a file name"),
    ],
)
def test_bad_requests_are_one_line(tmp_path, path, size, fps, words):
    target = tmp_path / path if path else ""
    with pytest.raises(ExportError) as caught:
        animation_request(target, size, fps)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_folder_is_not_a_target(tmp_path):
    (tmp_path / "film.gif").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        animation_request(tmp_path / "film.gif")


@pytest.mark.parametrize("text", ["800", "800x", "x600", "800x600x3", "eight by six", "-800x600"])
def test_sizes_are_width_x_height(text):
    with pytest.raises(ExportError, match="WIDTHxHEIGHT"):
        parse_size(text)


def test_sizes_parse():
    assert parse_size(" 640 x 480 ") == (640, 480)
    assert parse_size("64X4096") == (64, 4096)


def test_mp4_without_the_extra_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(animation, "has_video_extra", lambda: False)
    with pytest.raises(ExportError) as caught:
        animation_request(tmp_path / "film.mp4")
    assert str(caught.value).endswith(VIDEO_EXTRA)
    assert VIDEO_EXTRA == 'pip install "gdexplorer[video]"'


# -- MP4 (the video extra) ---------------------------------------------------------------------


def test_mp4_is_h264_yuv420p_at_even_sides(tmp_path):
    if not animation.has_video_extra():
        pytest.skip('the video extra is not installed (pip install "gdexplorer[video]")')
    import imageio_ffmpeg

    target = tmp_path / "path.mp4"
    odd = (SIZE[0] - 1, SIZE[1] - 1)
    frames = [frame[: odd[1], : odd[0]] for frame in growing_path_frames(12)]
    write_animation(animation_request(target, odd, 12), iter(frames))
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    command = [
        ffmpeg,
        "-hide_banner",
        "-i",
        str(target),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    done = subprocess.run(command, capture_output=True, timeout=60, check=True)
    stream = next(line for line in done.stderr.decode().splitlines() if "Video:" in line)
    assert "h264" in stream and "yuv420p" in stream and f"{SIZE[0]}x{SIZE[1]}" in stream
    raw = np.frombuffer(done.stdout, np.uint8)
    decoded_frames = raw.reshape(-1, SIZE[1], SIZE[0], 3)  # 159x119 padded to even sides
    assert len(decoded_frames) == 12
    first, last = decoded_frames[0].astype(int), decoded_frames[-1].astype(int)
    assert np.abs(last[: odd[1], : odd[0]] - frames[-1]).mean() < 6  # lossy, but the same picture
    assert np.abs(last - first).max() > 100  # the path grew
    assert sorted(os.listdir(tmp_path)) == ["path.mp4"]
