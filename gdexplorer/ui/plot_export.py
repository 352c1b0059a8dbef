"""Saving a widget as a PNG without ever leaving a half-written or lost file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gdexplorer.core.errors import ExportError


def png_target(path: str | os.PathLike) -> Path:
    """Where a PNG export of ``path`` goes: ``.png`` added when the name has no extension.

    ExportError (one line) for an empty name, a folder, or a folder that does not exist, so a
    caller can check before a long computation.
    """
    target = Path(path)
    if not str(path).strip():
        raise ExportError("give a file name for the PNG, such as plot.png")
    if target.is_dir():
        raise ExportError(f"cannot save {target}: it is a folder; give a file name such as "
                          f"{target / 'plot.png'}")  # fmt: skip
    if not target.suffix:
        target = target.with_name(f"{target.name}.png")
        if target.is_dir():
            raise ExportError(f"cannot save {target}: it is a folder")
    if target.exists() and not target.is_file():
        raise ExportError(f"cannot save {target}: it exists and is not a regular file")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot save {target}: the folder {directory} does not exist")
    return target


def save_widget_png(widget: QWidget, path: str | os.PathLike) -> Path:
    """Render ``widget`` to ``path`` as a PNG (``.png`` added when the name has none).

    The image is written to a temporary file beside the target and moved over it with
    ``os.replace``, so a failure (missing folder, full disk, unwritable file) raises an
    :class:`ExportError` a student can read and leaves any existing file as it was.
    """
    target = png_target(path)
    directory = target.parent
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".png", dir=directory)
        os.close(handle)
    except OSError as error:
        raise ExportError(f"cannot save {target}: {error.strerror or error}") from None
    try:
        if not widget.grab().save(temp, "PNG"):
            raise ExportError(f"cannot save {target}: writing the image failed")
        os.replace(temp, target)
    except OSError as error:
        raise ExportError(f"cannot save {target}: {error.strerror or error}") from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return target


def drop_offscreen_chatter(_mode, _context, message: str) -> None:
    """A Qt message handler: Qt's messages go to stderr, except the offscreen plugin's note on
    size hints (headless exports would print it on every run)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)
