"""``gdexplorer --animation OUT.gif|OUT.mp4 [run options] [--frames N] [--fps F] [--size WxH]``.

Runs (or opens the settings JSON or runs file given as FILE), films the path growing and exits,
offscreen like ``--screenshot``. Everything a user can get wrong (the extension, the size, the
frame rate, the frame count, the target, a missing video extra) is checked here, before a window
is made: one line on stderr and exit status 2. This module imports no Qt; the filming is in
:mod:`gdexplorer.ui.film_app`.
"""

from __future__ import annotations

import argparse
import os

from gdexplorer.core.errors import GdxError
from gdexplorer.core.files.animation import (
    DEFAULT_FPS,
    DEFAULT_FRAMES,
    DEFAULT_SIZE,
    AnimationRequest,
    animation_request,
    parse_size,
)
from gdexplorer.core.film_frames import check_frame_count

SUBJECTS = ("plot", "plot+convergence", "plot+data", "window")
"""``--film`` choices: the keys of :func:`gdexplorer.ui.film.window_subjects`."""


def add_animation_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``--animation`` (on the window's parser, beside ``--screenshot``)."""
    group = parser.add_argument_group("animation (with --animation)")
    group.add_argument(
        "--animation", metavar="OUT.gif|OUT.mp4",
        help="run, film the path growing, save a GIF or an MP4, exit (MP4 needs "
        '`pip install "gdexplorer[video]"`)',
    )  # fmt: skip
    group.add_argument("--frames", type=_count, help=f"frames to film (default {DEFAULT_FRAMES})")
    group.add_argument("--fps", type=_rate, help=f"frames per second (default {DEFAULT_FPS:g})")
    group.add_argument(
        "--film", choices=SUBJECTS, default="plot",
        help="what to film: the main plot (default), with the convergence plots, with the data "
        "and model (runs on data), the whole window",
    )  # fmt: skip


def wants_animation(args: argparse.Namespace) -> bool:
    return getattr(args, "animation", None) is not None


def animation_settings(args: argparse.Namespace) -> tuple[AnimationRequest, int]:
    """The checked request and frame count; a GdxError (one line) for what is wrong."""
    if args.screenshot is not None:
        raise GdxError("give --screenshot or --animation, not both")
    frames = DEFAULT_FRAMES if args.frames is None else args.frames
    check_frame_count(frames)
    fps = DEFAULT_FPS if args.fps is None else args.fps
    size = DEFAULT_SIZE if args.size is None else parse_size(args.size)
    return animation_request(args.animation, size, fps), frames


def refuse_stray_options(args: argparse.Namespace) -> None:
    """--frames, --fps and --film only make sense with --animation (--size serves both)."""
    for name in ("frames", "fps"):
        if getattr(args, name, None) is not None and not wants_animation(args):
            raise GdxError(f"--{name} is for --animation OUT.gif|OUT.mp4; give that too")


def run_animation(args: argparse.Namespace, config, opened) -> int:
    """Film in an offscreen window; the exit status (0, or 2 with one line on stderr)."""
    request, frames = animation_settings(args)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a film needs no screen
    from gdexplorer.ui.film_app import film_in_window

    return film_in_window(config, opened, request, frames, args.film)


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of frames") from None


def _rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of frames a second") from None
