"""Writing files without harm: checked targets, all-or-nothing groups, no litter.

Every export of the app (the CLI's ``--output``, the window's Export actions) writes through
:func:`write_files`, so they all share these guarantees:

- a target that exists and is not a regular file (a device such as ``/dev/null``, a FIFO, a
  folder) is refused before anything is written: it must never be replaced by a plain file;
- the files of one export (a CSV and its settings JSON) are written as a group: each to a
  temporary file beside its target first, then all renamed over their targets. If any of them
  cannot be written or renamed, the targets already renamed are put back, so no old file
  changes;
- temporary files are removed on any exception, Ctrl-C (KeyboardInterrupt) included;
- a new file gets the usual permissions (``0o666`` less the umask, as ``open`` gives), not
  ``mkstemp``'s ``0o600``; a replaced file keeps its mode.

A symbolic link to a regular file is followed: the file it points to is replaced, the link
stays.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from gdexplorer.core.errors import ExportError

Writer = Callable[[BinaryIO], None]
"""Writes one file's bytes to the (binary) handle it is given."""

NEW_FILE_MODE = 0o666
"""Asked for when a file is created; the kernel takes the umask off, as for ``open(.., "w")``."""


def checked_target(path: str | os.PathLike) -> Path:
    """The path to write, or an ExportError (one line) saying why it must not be written."""
    if not str(path).strip():
        raise ExportError("no file name given: type a name for the file to write")
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        status = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file"
        raise ExportError(f"cannot write {target}: it exists and is {kind}; choose a file name")
    directory = target.parent
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: the folder {directory} does not exist")
    return target


def with_default_suffix(path: str, suffix: str) -> str:
    """``path`` with ``suffix`` (e.g. ``.png``) added when its name has no extension."""
    name = os.path.basename(path)
    return path if not name.strip() or Path(name).suffix else path + suffix


def png_target(path: str | os.PathLike) -> Path:
    """Where a PNG export of ``path`` goes: ``.png`` added when the name has no extension.

    ExportError (one line) for an empty name, a folder, or what :func:`checked_target` refuses,
    so a caller can check before a long computation.
    """
    if not str(path).strip():
        raise ExportError("give a file name for the PNG, such as plot.png")
    if Path(path).is_dir():
        raise ExportError(f"cannot save {path}: it is a folder; give a file name such as "
                          f"{Path(path) / 'plot.png'}")  # fmt: skip
    target = Path(with_default_suffix(str(path), ".png"))
    if target.is_dir():
        raise ExportError(f"cannot save {target}: it is a folder")
    checked_target(target)
    return target


def paired_targets(path: str | os.PathLike) -> tuple[Path, Path]:
    """A table's path and its settings JSON beside it (``<name>.json``), both checked.

    A table named ``*.json`` is refused: its settings would be written over it.
    """
    if str(path).strip() and Path(path).suffix.lower() == ".json":
        raise ExportError(
            f"cannot write {path}: a name ending in .json is where its settings go; "
            "name the table .csv"
        )
    table = checked_target(path)
    return table, checked_target(table.with_suffix(".json"))


def write_files(files: Sequence[tuple[str | os.PathLike, Writer]]) -> list[Path]:
    """Write every ``(path, writer)`` pair, all or nothing; ExportError if any fails.

    Returns the paths written (links resolved). See the module docstring for the guarantees.
    """
    targets = [checked_target(path) for path, _ in files]
    temps: list[Path] = []
    try:
        for target, (_, writer) in zip(targets, files, strict=True):
            temps.append(_write_temporary(target, writer))
        _commit(list(zip(temps, targets, strict=True)))
    except OSError as error:
        names = " and ".join(map(str, targets))
        raise ExportError(f"cannot write {names}: {error.strerror or error}") from None
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return targets


def write_text_files(files: Sequence[tuple[str | os.PathLike, str]]) -> list[Path]:
    """:func:`write_files` for texts already in memory (written as UTF-8)."""
    return write_files([(path, text_writer(text)) for path, text in files])


def atomic_write(target: str | os.PathLike, text: str) -> None:
    """Write one text file safely (see the module docstring)."""
    write_text_files([(target, text)])


def text_writer(text: str) -> Writer:
    """A :data:`Writer` of ``text`` in UTF-8."""

    def write(handle: BinaryIO) -> None:
        handle.write(text.encode("utf-8"))

    return write


def _write_temporary(target: Path, writer: Writer) -> Path:
    """Write a temporary file beside ``target``; it has ``target``'s mode if that exists."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
    try:
        if target.exists():
            os.fchmod(descriptor, stat.S_IMODE(target.stat().st_mode))
        with os.fdopen(descriptor, "wb") as handle:
            descriptor = -1  # the handle owns it now
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if descriptor >= 0:
            os.close(descriptor)
        temp.unlink(missing_ok=True)
        raise
    return temp


def _commit(moves: list[tuple[Path, Path]]) -> None:
    """Rename each temporary file over its target; on any failure put the old files back."""
    backups: list[tuple[Path, Path | None]] = []  # (target, a link to its old file or None)
    try:
        for temp, target in moves:
            backups.append((target, _backup(target)))
            os.replace(temp, target)
    except BaseException:
        for target, backup in reversed(backups):
            _restore(target, backup)
        raise
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _restore(target: Path, backup: Path | None) -> None:
    """Put the old file back (a new file is removed); a backup that cannot be moved stays."""
    try:
        if backup is None:
            target.unlink(missing_ok=True)
        elif target.exists() and os.path.samefile(target, backup):
            backup.unlink()  # the rename never happened: the target is still the old file
        else:
            os.replace(backup, target)
    except OSError:
        pass  # the old contents are still in the backup file beside the target


def _backup(target: Path) -> Path | None:
    """A hard link to the file at ``target`` (None when there is none), to restore it."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
    try:
        os.link(target, backup)
    except OSError:  # no hard links here (some network or FAT file systems): move it aside
        os.replace(target, backup)
    return backup
