"""The command line: ``gdexplorer [FILE]`` opens the window, ``gdexplorer run`` works headless.

``gdexplorer FILE`` opens a settings JSON, a trajectory CSV or a runs file in the window ("Open
with"); ``gdexplorer run --settings FILE.json`` reruns the run a settings file describes, with
the options given beside it overriding its values. Every mistake a user can make ends as one
line on stderr and exit status 2, never a traceback: numbers are checked as they are parsed
(finite; tolerances whose square fits in a float), settings by :meth:`RunConfig.validated`.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gdexplorer import __version__
from gdexplorer.cli_animation import (
    add_animation_options,
)
from gdexplorer.cli_line_search import add_line_search_options, line_search_given
from gdexplorer.cli_schedule import add_schedule_options, schedule_given
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError

if TYPE_CHECKING:
    pass

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, not the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _floats(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.replace(";", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a list of numbers; write it like 1.5,-2"
        ) from None
    return values


def _finite(text: str) -> float:
    """A float option: any finite number (nan and inf are refused here, with the option named)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return value


def _tolerance(text: str) -> float:
    """A stopping tolerance: 0 (off) or positive, and small enough that its square is finite
    (the engine compares squared norms; ``1e200 ** 2`` overflows)."""
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give 0 (off) or a positive number")
    return check_square_fits(text, value)


def check_square_fits(text: str, value: float) -> float:
    """``value``, or an ArgumentTypeError when its square overflows a float."""
    if not math.isfinite(value * value):
        raise argparse.ArgumentTypeError(
            f"{text} is too large (its square overflows a float); a tolerance is a small "
            "number such as 1e-6"
        )
    return value


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of one run, shared by ``run``, ``--screenshot`` and the compare commands."""
    g = parser.add_argument_group("function and start")
    g.add_argument("--function", "-f", help="the function, e.g. 'x^2 + 2y^2'")
    g.add_argument("--start", type=_floats, help="start point, e.g. --start=-1.5,2")
    g.add_argument("--variables", type=_names, help="variable order, e.g. w,b")
    g.add_argument("--preset", help="a bundled example (see --list-presets)")
    o = parser.add_argument_group("optimizer")
    o.add_argument("--variant", help="gd, momentum, nesterov, adagrad, rmsprop, adam or newton")
    o.add_argument("--lr", type=_finite, dest="learning_rate", help="learning rate")
    for name in ("momentum", "beta1", "beta2", "rho", "eps"):
        o.add_argument(f"--{name}", type=_finite)
    o.add_argument("--maximize", action="store_true", default=None, help="climb instead")
    s = parser.add_argument_group("stopping and gradient")
    s.add_argument("--iterations", type=int, help="maximum number of updates")
    s.add_argument("--tol-grad", type=_tolerance, help="stop when |grad f| < this (0: off)")
    s.add_argument("--tol-step", type=_tolerance, help="stop when |step| < this (0: off)")
    s.add_argument("--gradient", choices=("symbolic", "central", "forward"))
    s.add_argument("--h", type=_finite, help="finite-difference step (default 1e-5)")
    add_line_search_options(parser, _finite)
    d = parser.add_argument_group("learning from data")
    d.add_argument("--data", help="a CSV dataset; the function is the per-example loss")
    d.add_argument("--batch-size", type=int, help="examples per update (default: all)")
    d.add_argument("--epochs", type=int, help="passes over the data")
    d.add_argument("--seed", type=int, help="shuffling seed")
    d.add_argument("--standardize", action="store_true", default=None)
    add_schedule_options(parser)


_CONFIG_KEYS = (
    "function", "start", "variables", "variant", "learning_rate", "momentum", "beta1", "beta2",
    "rho", "eps", "iterations", "tol_grad", "tol_step", "gradient", "h", "maximize", "data",
    "batch_size", "epochs", "seed", "standardize",
)  # fmt: skip


def given_options(args: argparse.Namespace) -> dict:
    """The run options the user actually gave (every run option defaults to None)."""
    given = {k: getattr(args, k) for k in _CONFIG_KEYS if getattr(args, k, None) is not None}
    return given | line_search_given(args) | schedule_given(args)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """A RunConfig from the options, on top of a settings file or a preset when one is named."""
    given = given_options(args)
    settings = getattr(args, "settings", None)
    if settings is not None:
        if args.preset:
            raise GdxError("give --settings FILE.json or --preset NAME, not both")
        return settings_from_file(settings).replace(**given).validated()
    if args.preset:
        from gdexplorer.core.presets import get_preset

        base = get_preset(args.preset).config
        return base.replace(**given)
    if "function" not in given:
        raise GdxError("give --function TEXT (or --preset NAME)")
    if "start" not in given:
        raise GdxError("give --start A[,B,...] with one number per variable")
    if given.get("variant") == "newton" and "learning_rate" not in given:
        given["learning_rate"] = 1.0  # pure Newton: the step to the local model's minimum
    return RunConfig(**given)


def settings_from_file(path: str) -> RunConfig:
    """The run a settings JSON describes; a one-line ExportError for any other file."""
    from gdexplorer.core.files.kinds import FileKind, identify, settings_config

    known = identify(path)
    if known.kind is FileKind.TRAJECTORY:
        beside = Path(path).with_suffix(".json")
        raise GdxError(f"{path} is a trajectory; its settings are in {beside} (give that file)")
    if known.kind is not FileKind.SETTINGS:
        raise GdxError(f"{path} is a {known.kind.value} file, not the settings of one run")
    return settings_config(known.settings)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdexplorer",
        usage="gdexplorer [FILE] [options]  |  gdexplorer {run,sweep,basins,lessons} [options]",
        description="Watch gradient descent and step through it. FILE (a settings JSON, a "
        "trajectory CSV or a runs file) opens in the window; run options given beside a "
        "settings file override its values.",
    )
    parser.add_argument("--version", action="version", version=f"gdexplorer {__version__}")
    parser.add_argument("--screenshot", metavar="FILE.png", help="run, save the window, exit")
    parser.add_argument(
        "--view", choices=("contour", "3d", "both"), default="contour",
        help="the centre shows the contour, the 3-D surface or both (3-D needs OpenGL)",
    )  # fmt: skip
    parser.add_argument(
        "--size", metavar="WxH",
        help="the window's size for --screenshot (e.g. 1024x700), the frames' for --animation",
    )  # fmt: skip
    parser.add_argument("--list-presets", action="store_true", help="list the bundled examples")
    add_run_options(parser)
    add_animation_options(parser)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = commands.add_parser("run", help="run headless and print a summary")
    add_run_options(run)
    run.add_argument("--output", "-o", metavar="FILE.csv", help="write the trajectory here")
    run.add_argument(
        "--settings", metavar="FILE.json", help="rerun the run of a settings file (options "
        "given beside it override its values)"
    )  # fmt: skip
    run.set_defaults(handler=_cmd_run)
    for register in _extra_commands():
        register(commands, add_run_options)
    from gdexplorer import cli_lessons

    cli_lessons.register(commands)
    cli_lessons.add_window_options(parser)
    return parser


def _extra_commands():
    """Sub-commands that live in their own modules (sweep, basins)."""
    try:
        from gdexplorer.compare_cli import register
    except ImportError:
        return []
    return [register]


def _cmd_run(args: argparse.Namespace) -> int:
    from gdexplorer.compare_cli import check_output_name
    from gdexplorer.core.engine import run_to_end
    from gdexplorer.core.summary import summarize

    check_output_name(args.output)  # before the run, not after it
    config = config_from_args(args)
    print_notes(config)
    if args.output is not None:  # a target that must not be written is refused before the run
        from gdexplorer.core.files.safe_write import paired_targets

        paired_targets(args.output)
    trajectory, outcome = run_to_end(config)
    print(summarize(config, trajectory, outcome))
    if args.output is not None:
        path = _write_output(trajectory, args.output, config, outcome)
        print(f"Wrote {len(trajectory):,} rows to {path} (settings in {path.with_suffix('.json')})")
    return 0


def print_notes(config: RunConfig) -> None:
    """Gentle notes on the typed function (``sinx`` is one variable) on stderr: not errors."""
    from gdexplorer.core.parse.hints import notes_on_text

    for note in notes_on_text(config.function, config.variables) if not config.data else ():
        print(f"gdexplorer: note: {note}", file=sys.stderr)


def _write_output(trajectory, path: str, config: RunConfig, outcome=None):
    """The CSV (with its settings JSON, and how the run ended, beside it); a run on data also
    records its batches."""
    from gdexplorer.core.summary import settings_with_outcome

    settings = settings_with_outcome(config, outcome)
    if config.data:
        from gdexplorer.core.data.export import write_data_csv

        return write_data_csv(trajectory, path, config, settings=settings)
    from gdexplorer.core.trajectory import write_csv

    return write_csv(trajectory, path, settings=settings)


def _list_presets() -> int:
    from gdexplorer.core.presets import load_presets

    for preset in load_presets():
        print(f"{preset.name:<16} {preset.config.function:<40} {preset.title}")
    return 0


def split_file_argument(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> tuple[list[str], str | None]:
    """``argv`` without the FILE to open, and that FILE (None when a command is given).

    argparse cannot have both an optional positional FILE and sub-commands, so the first word
    that is neither an option nor an option's value is looked at here: a command name is left
    in place, anything else is the FILE (and a second such word is a usage error).
    """
    words = list(argv)
    index = _first_positional(parser, words)
    if index is None or words[index] in _command_names(parser):
        return words, None
    rest = words[:index] + words[index + 1 :]
    extra = _first_positional(parser, rest[index:])
    if extra is not None:
        raise _UsageError(
            f"give one FILE to open, not also '{rest[index + extra]}' (the commands rerun a "
            "settings file with 'run --settings FILE.json')"
        )
    return rest, words[index]


def _first_positional(parser: argparse.ArgumentParser, words: list[str]) -> int | None:
    """The index of the first word that is not an option or an option's value."""
    actions = parser._option_string_actions  # noqa: SLF001 - argparse has no public lookup
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            return index + 1 if index + 1 < len(words) else None
        if not word.startswith("-") or word == "-":
            return index
        index += 1 + _takes_value(word, actions)
    return None


def _takes_value(word: str, actions: dict) -> int:
    """1 when option ``word`` is followed by its value as the next word, else 0."""
    if "=" in word or (not word.startswith("--") and len(word) > 2):
        return 0  # --lr=0.1, -f"x^2"
    matches = [name for name in actions if name.startswith(word)]
    action = actions.get(word) or (actions[matches[0]] if len(matches) == 1 else None)
    return int(action is not None and action.nargs != 0)


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        words, file = split_file_argument(parser, sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(words)
        args.file = file
        if args.list_presets:
            return _list_presets()
        from gdexplorer.cli_window import cmd_window  # it imports this module

        handler = getattr(args, "handler", cmd_window)
        return handler(args)
    except _UsageError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
    except GdxError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("gdexplorer: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE
