"""The command line's line-search options: ``--line-search none|armijo|exact``, ``--shrink``,
``--armijo-c`` (``--variant newton`` is one more variant name).

They become the run's ``line_search`` setting (:class:`LineSearchSettings`). ``--shrink`` and
``--armijo-c`` belong to Armijo's backtracking; given without ``--line-search armijo`` they are
an error (one line), as are values out of range (:meth:`LineSearchSettings.validated`).
"""

from __future__ import annotations

import argparse
from typing import Any

from gdexplorer.core.errors import GdxError
from gdexplorer.core.stepsize.search_settings import (
    DEFAULT_ARMIJO_C,
    DEFAULT_SHRINK,
    MAX_TRIALS,
    LineSearchSettings,
)


def add_line_search_options(parser: argparse.ArgumentParser, number: Any) -> None:
    """The ``line search`` argument group; ``number`` parses a finite float option."""
    group = parser.add_argument_group("line search (gd and newton)")
    group.add_argument(
        "--line-search", choices=("none", "armijo", "exact"),
        help="choose each step's length along its direction: armijo backtracks from lr, exact "
        "minimizes f along the ray (none: the step length is lr)",
    )  # fmt: skip
    group.add_argument(
        "--shrink", type=number,
        help=f"armijo: multiply the trial step by this until f falls enough (default "
        f"{DEFAULT_SHRINK:g}; at most {MAX_TRIALS} trials)",
    )  # fmt: skip
    group.add_argument(
        "--armijo-c", type=number,
        help=f"armijo: sufficient-decrease constant c in f(x+αd) ≤ f(x) + c·α·∇fᵀd (default "
        f"{DEFAULT_ARMIJO_C:g})",
    )  # fmt: skip


def line_search_given(args: argparse.Namespace) -> dict[str, LineSearchSettings | None]:
    """``{"line_search": ...}`` when a line-search option was given, else ``{}``."""
    name = getattr(args, "line_search", None)
    shrink, c = getattr(args, "shrink", None), getattr(args, "armijo_c", None)
    if name != "armijo":
        for option, value in (("--shrink", shrink), ("--armijo-c", c)):
            if value is not None:
                raise GdxError(f"{option} applies to --line-search armijo only")
    if name is None:
        return {}
    if name == "none":
        return {"line_search": None}
    return {"line_search": LineSearchSettings(name, shrink, c)}
