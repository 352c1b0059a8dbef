"""The command line: ``gdexplorer`` opens the window, ``gdexplorer run`` works headless.

Every mistake a user can make ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gdexplorer import __version__
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError

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
    o.add_argument("--variant", help="gd, momentum, nesterov, adagrad, rmsprop or adam")
    o.add_argument("--lr", type=float, dest="learning_rate", help="learning rate")
    for name in ("momentum", "beta1", "beta2", "rho", "eps"):
        o.add_argument(f"--{name}", type=float)
    o.add_argument("--maximize", action="store_true", default=None, help="climb instead")
    s = parser.add_argument_group("stopping and gradient")
    s.add_argument("--iterations", type=int, help="maximum number of updates")
    s.add_argument("--tol-grad", type=float, help="stop when |grad f| < this (0: off)")
    s.add_argument("--tol-step", type=float, help="stop when |step| < this (0: off)")
    s.add_argument("--gradient", choices=("symbolic", "central", "forward"))
    s.add_argument("--h", type=float, help="finite-difference step (default 1e-5)")
    d = parser.add_argument_group("learning from data")
    d.add_argument("--data", help="a CSV dataset; the function is the per-example loss")
    d.add_argument("--batch-size", type=int, help="examples per update (default: all)")
    d.add_argument("--epochs", type=int, help="passes over the data")
    d.add_argument("--seed", type=int, help="shuffling seed")
    d.add_argument("--standardize", action="store_true", default=None)


_CONFIG_KEYS = (
    "function", "start", "variables", "variant", "learning_rate", "momentum", "beta1", "beta2",
    "rho", "eps", "iterations", "tol_grad", "tol_step", "gradient", "h", "maximize", "data",
    "batch_size", "epochs", "seed", "standardize",
)  # fmt: skip


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """A RunConfig from the options, on top of a preset when one is named."""
    given = {k: getattr(args, k) for k in _CONFIG_KEYS if getattr(args, k, None) is not None}
    if args.preset:
        from gdexplorer.core.presets import get_preset

        base = get_preset(args.preset).config
        return base.replace(**given)
    if "function" not in given:
        raise GdxError("give --function TEXT (or --preset NAME)")
    if "start" not in given:
        raise GdxError("give --start A[,B,...] with one number per variable")
    return RunConfig(**given)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdexplorer", description="Watch gradient descent and step through it.")
    parser.add_argument("--version", action="version", version=f"gdexplorer {__version__}")
    parser.add_argument("--screenshot", metavar="FILE.png", help="run, save the window, exit")
    parser.add_argument("--list-presets", action="store_true", help="list the bundled examples")
    add_run_options(parser)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = commands.add_parser("run", help="run headless and print a summary")
    add_run_options(run)
    run.add_argument("--output", "-o", metavar="FILE.csv", help="write the trajectory here")
    run.set_defaults(handler=_cmd_run)
    for register in _extra_commands():
        register(commands, add_run_options)
    return parser


def _extra_commands():
    """Sub-commands that live in their own modules (sweep, basins)."""
    try:
        from gdexplorer.compare_cli import register
    except ImportError:
        return []
    return [register]


def _cmd_run(args: argparse.Namespace) -> int:
    from gdexplorer.core.engine import run_to_end
    from gdexplorer.core.summary import summarize

    config = config_from_args(args)
    trajectory, outcome = run_to_end(config)
    print(summarize(config, trajectory, outcome))
    if args.output:
        path = _write_output(trajectory, args.output, config, outcome)
        print(f"Wrote {len(trajectory):,} rows to {path} (settings in {path.with_suffix('.json')})")
    return 0


def _write_output(trajectory, path: str, config: RunConfig, outcome=None):
    """The CSV (with its settings JSON, and how the run ended, beside it); a run on data also
    records its batches."""
    from gdexplorer.core.summary import settings_with_outcome

    settings = settings_with_outcome(config, outcome)
    if config.data:
        from gdexplorer.core.data_export import write_data_csv

        return write_data_csv(trajectory, path, config, settings=settings)
    from gdexplorer.core.trajectory import write_csv

    return write_csv(trajectory, path, settings=settings)


def _cmd_window(args: argparse.Namespace) -> int:
    config = None
    if args.function or args.preset or args.data:  # --data alone: its loss is missing
        config = config_from_args(args)
    if not _has_display():
        if not args.screenshot:
            raise GdxError(
                "no display to open the window on (DISPLAY is not set); use 'gdexplorer run' "
                "on the command line, or --screenshot FILE.png to save a picture of the window"
            )
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    from gdexplorer.ui.app import main as open_window

    return open_window(config, screenshot=args.screenshot)


def _has_display() -> bool:
    """True when Qt can show a window: a chosen platform, X11 or Wayland (or not Linux)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(k) for k in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


def _list_presets() -> int:
    from gdexplorer.core.presets import load_presets

    for preset in load_presets():
        print(f"{preset.name:<16} {preset.config.function:<40} {preset.title}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.list_presets:
            return _list_presets()
        handler = getattr(args, "handler", _cmd_window)
        return handler(args)
    except _UsageError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
    except GdxError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("gdexplorer: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE
