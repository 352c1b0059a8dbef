"""Saving a widget as a PNG without ever leaving a half-written or lost file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QWidget

from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.safe_write import checked_target, png_target, write_files


def save_widget_png(widget: QWidget, path: str | os.PathLike) -> Path:
    """Render ``widget`` to ``path`` as a PNG (``.png`` added when the name has none).

    The image is encoded in memory and written through :mod:`gdexplorer.core.files.safe_write`, so
    a target that is not a regular file is refused, a failure (missing folder, full disk,
    unwritable file) raises an :class:`ExportError` a student can read, and any existing file
    is left as it was.
    """
    target = checked_target(png_target(path))  # before rendering: what is wrong with the name
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise ExportError(f"cannot save {target}: encoding the image failed")
    image = bytes(buffer.data().data())

    def write_image(handle: BinaryIO) -> None:
        handle.write(image)

    return write_files([(target, write_image)])[0]


def drop_offscreen_chatter(_mode, _context, message: str) -> None:
    """A Qt message handler: Qt's messages go to stderr, except the offscreen plugin's note on
    size hints (headless exports would print it on every run)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)
