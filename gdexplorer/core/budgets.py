"""Budgets: refuse work that would exhaust memory, hang or run for hours, before it starts.

Each check says what was asked for, what the limit is and what to change, in one line, instead
of a MemoryError half-way through a run, a window frozen on a pipe, or a sweep that never ends.

The limits, and why:

* :data:`MEMORY_BUDGET` (recorded rows): a run keeps every row, ``iterations + 1`` rows of
  ``columns`` float64 values. The budget is :data:`MEMORY_CAP` (2 GiB) or a quarter of the
  physical memory, whichever is smaller. 2 GiB lets every 2-D run (up to 14 columns, a data run
  with Adam) use all 10 million iterations (1.1 GB) and refuses 20 variables of Adam (8 GB). A
  table that grows by doubling peaks at up to three times its content for a moment; a quarter
  of the memory keeps that inside the machine.
* :data:`DATA_FILE_LIMIT` (a dataset CSV, 256 MiB): millions of examples, read whole.
* :data:`RUNS_FILE_LIMIT` (a runs CSV, 2 GiB) and :data:`JSON_FILE_LIMIT` (any settings JSON,
  16 MiB: a hundred runs take a few hundred kB).
* :data:`MAX_RUNS_IN_FILE` (100): the compare panel shows each run as a row and a path.
* :data:`MAX_LANE_STEPS` (2e9): a sweep or a basin map updates ``lanes x iterations`` points;
  at the 1e7 lane-steps a second measured on a busy 2-core machine that is a few minutes.

Files must be *regular* files: a FIFO blocks the reader forever, a device never ends. They are
opened without blocking and checked with ``fstat`` on the open descriptor, so the check and the
read see the same file.
"""

from __future__ import annotations

import os
import stat

from gdexplorer.core.errors import ConfigError, DataError, GdxError

GIB = 1024**3
MIB = 1024**2
MEMORY_CAP = 2 * GIB
FLOAT_BYTES = 8
DATA_FILE_LIMIT = 256 * MIB
RUNS_FILE_LIMIT = 2 * GIB
JSON_FILE_LIMIT = 16 * MIB
MAX_RUNS_IN_FILE = 100
MAX_LANE_STEPS = 2_000_000_000


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say (Windows)."""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * page_size if pages > 0 and page_size > 0 else None


def _memory_budget() -> int:
    physical = physical_memory()
    return MEMORY_CAP if physical is None else min(MEMORY_CAP, physical // 4)


MEMORY_BUDGET = _memory_budget()
"""Bytes the recorded rows of one run may take (see the module docstring)."""


def size_text(count: float) -> str:
    """``1.5 GiB``, ``200 MiB``, ``12 kB``: a byte count for a message."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("kB", 1024)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.0f} bytes"


def check_recorded_rows(
    iterations: int, columns: int, budget: int | None = None, what: str = "values"
) -> None:
    """ConfigError when ``iterations + 1`` rows of ``columns`` floats exceed the budget."""
    budget = MEMORY_BUDGET if budget is None else budget
    needed = (iterations + 1) * columns * FLOAT_BYTES
    if needed <= budget:
        return
    most = budget // (columns * FLOAT_BYTES) - 1
    advice = f"use at most {most:,} iterations" if most >= 1 else "use fewer variables"
    raise ConfigError(
        f"recording {iterations + 1:,} rows x {columns} {what} needs {size_text(needed)}, "
        f"above the memory budget of {size_text(budget)}: {advice}"
    )


def check_lane_steps(lanes: int, iterations: int, what: str, limit: int = MAX_LANE_STEPS) -> None:
    """ConfigError when ``lanes x iterations`` updates exceed :data:`MAX_LANE_STEPS`."""
    steps = lanes * iterations
    if steps <= limit:
        return
    most = max(limit // max(lanes, 1), 1)
    raise ConfigError(
        f"{what} would make {lanes:,} runs x {iterations:,} iterations = {steps:.3g} updates, "
        f"above the limit of {limit:.3g} (hours of work): use at most {most:,} iterations "
        "or fewer runs"
    )


def check_run_count(count: int, where: str, limit: int = MAX_RUNS_IN_FILE) -> None:
    if count > limit:
        raise ConfigError(f"{where} lists {count:,} runs; at most {limit} can be opened")


def read_regular_file(
    path: str | os.PathLike, limit: int, what: str, error: type[GdxError] = DataError
) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Refuses a folder, a FIFO, a device or a socket (opening never blocks) and a file that is too
    large, with an ``error`` naming ``what`` (``the data file``, ``the runs file``).
    """
    with open_regular_file(path, limit, what, error) as handle:
        try:
            content = handle.read(limit + 1)
        except OSError as failure:
            raise error(f"cannot read {what} {path}: {failure.strerror or failure}") from None
    if len(content) > limit:  # it grew while we read it
        raise error(f"{what} {path} is larger than {size_text(limit)}")
    return content


def check_regular_file(
    path: str | os.PathLike, limit: int, what: str, error: type[GdxError] = DataError
) -> None:
    """The checks of :func:`read_regular_file`, without reading (another reader follows)."""
    open_regular_file(path, limit, what, error).close()


def open_regular_file(path: str | os.PathLike, limit: int, what: str, error: type[GdxError]):
    """A binary file object for ``path``, opened without blocking and checked with fstat."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"cannot read {what} {path}: no such file") from None
    except IsADirectoryError:
        raise error(f"cannot read {what} {path}: it is a folder") from None
    except (OSError, ValueError) as failure:  # ValueError: a NUL character in the name
        reason = getattr(failure, "strerror", None) or failure
        raise error(f"cannot read {what} {path}: {reason}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"cannot read {what} {path}: it is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"cannot read {what} {path}: it is not a regular file (a pipe or device)")
        if info.st_size > limit:
            raise error(
                f"{what} {path} is {size_text(info.st_size)}, larger than the limit of "
                f"{size_text(limit)}"
            )
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
