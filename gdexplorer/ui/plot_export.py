"""Saving a widget as a PNG without ever leaving a half-written or lost file."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QWidget

from gdexplorer.core.errors import ExportError
from gdexplorer.core.safe_write import checked_target, write_files


def save_widget_png(widget: QWidget, path: str | os.PathLike) -> Path:
    """Render ``widget`` to ``path`` as a PNG.

    The image is encoded in memory and written through :mod:`gdexplorer.core.safe_write`, so
    a target that is not a regular file is refused, a failure (missing folder, full disk,
    unwritable file) raises an :class:`ExportError` a student can read, and any existing file
    is left as it was.
    """
    target = checked_target(path)  # before rendering: say first what is wrong with the name
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise ExportError(f"cannot save {target}: encoding the image failed")
    image = bytes(buffer.data().data())
    return write_files([(target, lambda handle: handle.write(image))])[0]
