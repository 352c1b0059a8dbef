"""Writing an animation (GIF or MP4) from frames that arrive one at a time.

What a user can get wrong is checked before the first frame is grabbed (:func:`animation_request`):
the extension, the size, the frame rate, the target, the optional video extra. The file is
written through :mod:`gdexplorer.core.files.safe_write`: to a temporary file beside the target,
renamed over it only once complete, so a cancelled or failed export leaves no file and an old
one intact. Frames are consumed as they come (an iterator), never all held.

GIF: :mod:`.gif_stream` (one global palette that keeps the path's colours exact). MP4: H.264,
yuv420p (what every player plays), through ``imageio-ffmpeg``, an optional extra because it
bundles a ~170 MB ffmpeg binary.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import re
import secrets
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.gif_stream import RGB, GifStream, build_palette
from gdexplorer.core.files.safe_write import checked_target, write_files

KINDS = {".gif": "gif", ".mp4": "mp4"}
MIN_SIDE = 64
MAX_SIDE = 4096
MAX_FPS = {"gif": 50.0, "mp4": 60.0}
"""GIF delays are whole hundredths of a second and players slow down delays under 2/100 s."""
VIDEO_EXTRA = 'pip install "gdexplorer[video]"'
DEFAULT_SIZE = (800, 600)
DEFAULT_FPS = 15.0
DEFAULT_FRAMES = 120
MP4_PRESET = "veryfast"
"""x264's speed/size trade-off: plots are flat colours, so a fast preset is already small."""


class AnimationCancelled(ExportError):  # noqa: N818 - the user chose it; not a failure
    """Raised by a frame source when the user cancels: nothing is written."""

    def __init__(self) -> None:
        super().__init__("the animation was cancelled; no file was written")


@dataclass(frozen=True)
class AnimationRequest:
    """A checked request: where, which kind, the frame size, the frame rate, looping."""

    target: Path
    kind: str
    size: tuple[int, int]
    fps: float
    loop: bool = True

    @property
    def frame_size(self) -> tuple[int, int]:
        """The size frames are encoded at: an MP4's sides are even (yuv420p needs it)."""
        width, height = self.size
        if self.kind == "mp4":
            return width + width % 2, height + height % 2
        return width, height


def animation_request(
    path: str | os.PathLike,
    size: tuple[int, int] = DEFAULT_SIZE,
    fps: float = DEFAULT_FPS,
    loop: bool = True,
) -> AnimationRequest:
    """Check what was asked for; an ExportError with one line saying what is wrong."""
    kind = animation_kind(path)
    check_size(size)
    check_fps(fps, kind)
    if kind == "mp4":
        check_video_extra()
    return AnimationRequest(checked_target(path), kind, (int(size[0]), int(size[1])), fps, loop)


def animation_kind(path: str | os.PathLike) -> str:
    """``gif`` or ``mp4`` from the file name; an ExportError for anything else."""
    if not str(path).strip():
        raise ExportError("give a file name for the animation, such as descent.gif")
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        shown = f"'{suffix}'" if suffix else "no extension"
        raise ExportError(f"{path} has {shown}; an animation is saved as .gif or .mp4")
    return KINDS[suffix]


def parse_size(text: str) -> tuple[int, int]:
    """``"800x600"`` -> ``(800, 600)``, checked; an ExportError for anything else."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*", text)
    if match is None:
        raise ExportError(f"'{text}' is not a size; write it as WIDTHxHEIGHT, such as 800x600")
    size = (int(match.group(1)), int(match.group(2)))
    check_size(size)
    return size


def check_size(size: tuple[int, int]) -> None:
    for side, name in zip(size, ("width", "height"), strict=True):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise ExportError(
                f"a {name} of {side} px: an animation is {MIN_SIDE} to {MAX_SIDE} px a side"
            )


def check_fps(fps: float, kind: str = "mp4") -> None:
    top = MAX_FPS[kind]
    if not (math.isfinite(fps) and 0 < fps <= top):
        raise ExportError(f"{fps:g} frames a second: a {kind.upper()} plays more than 0 and at "
                          f"most {top:g}")  # fmt: skip


def has_video_extra() -> bool:
    """True when ``imageio-ffmpeg`` (the ``video`` extra) is installed."""
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def check_video_extra() -> None:
    if not has_video_extra():
        raise ExportError(f"saving an MP4 needs the video extra: {VIDEO_EXTRA}")


def write_animation(
    request: AnimationRequest,
    frames: Iterable[np.ndarray],
    sample: np.ndarray | None = None,
    exact_colours: Sequence[RGB] = (),
) -> Path:
    """Encode ``frames`` (``(h, w, 3)`` uint8 at ``request.size``) into the target.

    ``sample`` is a frame that shows every colour of the film (its last frame) for the GIF's
    palette, ``exact_colours`` the colours the palette must keep exactly. The target is
    replaced only when every frame was written; :class:`AnimationCancelled` (or any error)
    raised by ``frames`` leaves the old file as it was. Returns the path written.
    """
    if request.kind == "mp4":
        check_video_extra()
        writer = _mp4_writer(request, frames)
    else:
        writer = _gif_writer(request, frames, sample, exact_colours)
    return write_files([(request.target, writer)])[0]


def _gif_writer(request, frames: Iterable[np.ndarray], sample, exact_colours):
    def write(handle: BinaryIO) -> None:
        stream: GifStream | None = None
        for frame in frames:
            if stream is None:
                samples = [frame] if sample is None else [sample, frame]
                palette = build_palette(samples, exact_colours)
                stream = GifStream(handle, request.size, palette, request.fps, request.loop)
            stream.add(frame)
        if stream is None or stream.frames == 0:
            raise ExportError(f"cannot write {request.target}: the film has no frames")
        stream.close()

    return write


def _mp4_writer(request: AnimationRequest, frames: Iterable[np.ndarray]):
    def write(handle: BinaryIO) -> None:
        target = request.target
        encoded = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.encoding.mp4")
        try:
            _encode_mp4(encoded, request, frames)
            with open(encoded, "rb") as result:
                while chunk := result.read(1 << 20):
                    handle.write(chunk)
        finally:
            encoded.unlink(missing_ok=True)

    return write


def _encode_mp4(path: Path, request: AnimationRequest, frames: Iterable[np.ndarray]) -> None:
    """H.264 in yuv420p at even sides; ffmpeg writes ``path`` (removed by the caller)."""
    import imageio_ffmpeg

    width, height = request.frame_size
    encoder: Generator[None, bytes | None, None] | None = None
    count = 0
    try:
        for frame in frames:
            if encoder is None:
                encoder = imageio_ffmpeg.write_frames(
                    str(path), (width, height), fps=request.fps, codec="libx264",
                    pix_fmt_in="rgb24", pix_fmt_out="yuv420p", macro_block_size=1,
                    quality=None, ffmpeg_log_level="error",
                    output_params=["-preset", MP4_PRESET, "-crf", "20", "-movflags", "+faststart"],
                )  # fmt: skip
                encoder.send(None)  # start ffmpeg
            encoder.send(np.ascontiguousarray(_even(frame, width, height)).tobytes())
            count += 1
    except OSError as error:  # ffmpeg could not start or died (a broken binary, a full disk)
        raise ExportError(f"cannot write {request.target}: ffmpeg failed ({error})") from None
    finally:
        if encoder is not None:
            with contextlib.suppress(Exception):
                encoder.close()
    if count == 0:
        raise ExportError(f"cannot write {request.target}: the film has no frames")


def _even(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """``frame`` padded by repeating its last row / column to ``(height, width)``."""
    frame = np.asarray(frame, dtype=np.uint8)
    pad_rows, pad_columns = height - frame.shape[0], width - frame.shape[1]
    if pad_rows or pad_columns:
        frame = np.pad(frame, ((0, pad_rows), (0, pad_columns), (0, 0)), mode="edge")
    return frame
