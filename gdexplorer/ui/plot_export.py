"""Saving a widget as a PNG without ever leaving a half-written or lost file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gdexplorer.core.errors import ExportError


def save_widget_png(widget: QWidget, path: str | os.PathLike) -> Path:
    """Render ``widget`` to ``path`` as a PNG.

    The image is written to a temporary file beside the target and moved over it with
    ``os.replace``, so a failure (missing folder, full disk, unwritable file) raises an
    :class:`ExportError` a student can read and leaves any existing file as it was.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot save {target}: the folder {directory} does not exist")
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
