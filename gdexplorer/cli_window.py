"""The window from the command line: ``gdexplorer [FILE] [--screenshot F] [--size WxH] ...``.

What the user typed becomes the window's inputs (a form config, a file to open, a notice) and
every mistake a one-line GdxError before any window exists; a screenshot or a film needs no
display (Qt's offscreen platform), a window does.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TYPE_CHECKING

from gdexplorer.cli import config_from_args, given_options, print_notes
from gdexplorer.cli_animation import refuse_stray_options, run_animation, wants_animation
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError

if TYPE_CHECKING:
    from gdexplorer.core.files.kinds import KnownFile


def window_size(text: str) -> tuple[int, int]:
    """``--size WxH``: the window's width and height in pixels (at least 640x480)."""
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    size = (int(match[1]), int(match[2])) if match else (0, 0)
    if not (640 <= size[0] <= 10000 and 480 <= size[1] <= 10000):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a window size from 640x480 to 10000x10000; write it like 1024x700"
        )
    return size


def checked_window_size(text: str) -> tuple[int, int]:
    """:func:`window_size` for a value read as text: a GdxError (one line) when it is wrong."""
    try:
        return window_size(text)
    except argparse.ArgumentTypeError as error:
        raise GdxError(f"--size: {error}") from None


def cmd_window(args: argparse.Namespace) -> int:
    from gdexplorer.cli_lessons import window_lesson

    refuse_stray_options(args)
    lesson = window_lesson(args)  # --lesson NAME [--step N], checked before any window
    config, opened, notice = window_inputs(args)
    if config is not None:
        print_notes(config)
    if wants_animation(args):
        return run_animation(args, config, opened)
    size = None if args.size is None else checked_window_size(args.size)
    if not _has_display():
        if args.screenshot is None:
            raise GdxError(
                "no display to open the window on (DISPLAY is not set); use 'gdexplorer run' "
                "on the command line, or --screenshot FILE.png to save a picture of the window"
            )
        if args.view != "contour":
            raise GdxError("3-D needs OpenGL, which needs a display: run under an X server")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    if args.view != "contour" and os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        raise GdxError("3-D needs OpenGL: Qt's offscreen platform has none (use xcb)")
    if lesson is not None and args.screenshot is not None:
        from gdexplorer.ui.lessons.screenshot import lesson_screenshot

        return lesson_screenshot(args.screenshot, *lesson, size=size)
    from gdexplorer.ui.app import main as open_window

    return open_window(
        config,
        screenshot=args.screenshot,
        open_file=opened,
        notice=notice,
        view=args.view,
        size=size,
        lesson=lesson,
    )


def window_inputs(
    args: argparse.Namespace,
) -> tuple[RunConfig | None, KnownFile | None, str | None]:
    """What the window shows: a config for the form, a trajectory or runs file to open (a
    :class:`~gdexplorer.core.files.kinds.KnownFile`) and a note for its status bar. A FILE that
    cannot be opened is an error now with --screenshot, and the note otherwise (the window
    opens as usual and says why)."""
    from gdexplorer.core.files.kinds import FileKind, identify, settings_config

    if args.file is None:
        return _form_config(args), None, None
    try:
        known = identify(args.file)
        if known.kind is FileKind.SETTINGS:
            if args.preset:
                raise GdxError("give a settings FILE or --preset NAME, not both")
            config = settings_config(known.settings).replace(**given_options(args)).validated()
            return config, None, f"Loaded the settings from {args.file}; press Run to run them"
    except GdxError as error:
        if args.screenshot is not None or wants_animation(args):
            raise
        return _form_config(args), None, str(error)
    return _form_config(args), known, None


def _form_config(args: argparse.Namespace) -> RunConfig | None:
    """The options' config when they name a function, a preset or data (--data alone is
    refused for its missing loss), else None: the window shows its usual example."""
    return config_from_args(args) if (args.function or args.preset or args.data) else None


def _has_display() -> bool:
    """True when Qt can show a window: a chosen platform, X11 or Wayland (or not Linux)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(k) for k in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))
