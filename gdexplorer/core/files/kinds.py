"""What a file given on the command line is: settings, a trajectory or a runs file.

``gdexplorer FILE`` opens a file as desktop applications do ("Open with"), so the kind is told
by the content, not only by the name: a JSON object with a ``function`` is the settings of one
run, one with ``"format": "gdexplorer-runs/1"`` is a runs file (the CSV beside it holds the
rows); a CSV whose header starts with ``run`` and has ``iteration`` is a runs file, one starting
with ``iteration`` (or ``update,epoch,batch`` for a run on data) is one trajectory. Anything
else is an :class:`ExportError` of one line, raised before any window or computation starts.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdexplorer.core.budgets import JSON_FILE_LIMIT
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import ExportError
from gdexplorer.core.many.runs_io import RUNS_FORMAT

MAX_JSON_BYTES = JSON_FILE_LIMIT
"""A settings or runs JSON is a few kilobytes; a larger file is refused before it is parsed."""
HEADER_BYTES = 64 * 1024
"""A CSV's kind is told by its header, which fits in this many bytes."""
INFORMATIONAL_KEYS = ("outcome",)
"""Keys an export writes into a settings file for the reader, never applied to a run."""


class FileKind(enum.Enum):
    SETTINGS = "settings"
    TRAJECTORY = "trajectory"
    RUNS = "runs"


@dataclass(frozen=True)
class KnownFile:
    """A file whose kind is known.

    ``path`` is what the reader of that kind takes (for a runs file: the CSV, even when its
    JSON was given); ``settings`` is the parsed JSON object of a settings file.
    """

    kind: FileKind
    path: Path
    settings: Mapping[str, Any] = field(default_factory=dict)


def identify(path: str | os.PathLike) -> KnownFile:
    """The kind of the file at ``path``; ExportError (one line) when it is none of ours."""
    target = Path(path)
    if not target.exists():
        raise ExportError(f"cannot open {target}: there is no such file")
    if target.is_dir():
        raise ExportError(f"cannot open {target}: it is a folder, not a file")
    if not target.is_file():
        raise ExportError(f"cannot open {target}: it is not a regular file")
    head = _read_head(target)
    if head.lstrip().startswith("{"):
        return _identify_json(target)
    return _identify_csv(target, head)


def settings_config(settings: Mapping[str, Any]) -> RunConfig:
    """The validated RunConfig of a parsed settings file (informational keys left out)."""
    body = {k: v for k, v in settings.items() if k not in INFORMATIONAL_KEYS}
    return RunConfig.from_dict(body).validated()


def _read_head(target: Path) -> str:
    try:
        with open(target, "rb") as handle:
            data = handle.read(HEADER_BYTES)
    except OSError as error:
        raise ExportError(f"cannot open {target}: {error.strerror or error}") from None
    if b"\0" in data:
        raise _not_ours(target)
    return data.decode("utf-8", errors="replace")


def _identify_json(target: Path) -> KnownFile:
    if target.stat().st_size > MAX_JSON_BYTES:
        raise ExportError(f"cannot open {target}: a settings file is never this large")
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"cannot open {target}: {error}") from None
    except RecursionError:
        raise ExportError(f"cannot open {target}: its JSON is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ExportError(f"{target} is not a settings file (bad JSON: {error.msg})") from None
    if isinstance(data, dict) and data.get("format") == RUNS_FORMAT:
        return KnownFile(FileKind.RUNS, target.with_suffix(".csv"))
    if isinstance(data, dict) and "function" in data:
        return KnownFile(FileKind.SETTINGS, target, data)
    for figure in ("sweep", "basins"):
        if isinstance(data, dict) and figure in data and "settings" in data:
            raise ExportError(
                f"{target} describes a {figure} export; draw it again with 'gdexplorer {figure}'"
                " (the window opens settings, trajectories and runs files)"
            )
    raise _not_ours(target)


def _identify_csv(target: Path, head: str) -> KnownFile:
    header = next(csv.reader(io.StringIO(head)), [])
    if header[:1] == ["run"] and "iteration" in header:
        return KnownFile(FileKind.RUNS, target)
    if header[:1] == ["iteration"] or header[:3] == ["update", "epoch", "batch"]:
        return KnownFile(FileKind.TRAJECTORY, target)
    raise _not_ours(target)


def _not_ours(target: Path) -> ExportError:
    return ExportError(
        f"{target} is not a gdexplorer file (settings JSON, trajectory CSV or runs file)"
    )
