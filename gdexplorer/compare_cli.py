"""``gdexplorer sweep`` and ``gdexplorer basins``: the comparison figures, headless.

Both take the options of a single run (function, variant, hyperparameters, stopping rules),
print a summary, write the numbers to CSV with ``--output`` (settings in JSON beside it) and
draw the plot to a PNG with ``--png``; Qt is imported only then, offscreen when there is no
display. Mistakes end as one line on stderr and exit status 2 (``cli.main`` catches them).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from gdexplorer.core.errors import ConfigError, ExportError
from gdexplorer.core.files.safe_write import paired_targets, write_text_files
from gdexplorer.core.many.vectorized import REASONS
from gdexplorer.core.trajectory import float_text

# Let values such as "-5,5" or "-1.5,2" follow an option without "=" (argparse would take them
# for options); these parsers have no option that looks like a negative number.
_NEGATIVE_VALUES = re.compile(r"^-\.?\d[\d.,;eE+\-]*$")


def register(subparsers, add_run_options) -> None:
    """Add the ``sweep`` and ``basins`` sub-commands to the ``gdexplorer`` parser."""
    sweep = subparsers.add_parser("sweep", help="final f against the learning rate")
    add_run_options(sweep)
    group = sweep.add_argument_group("sweep")
    group.add_argument("--lr-min", type=_finite, default=1e-5, help="smallest rate (1e-5)")
    group.add_argument("--lr-max", type=_finite, default=10.0, help="largest rate (10)")
    group.add_argument("--count", type=int, default=200, help="rates, log-spaced (200)")
    group.add_argument("--measure", choices=("final_f", "iterations"), default="final_f")
    _add_outputs(sweep, "sweep")
    sweep.set_defaults(handler=_cmd_sweep)

    basins = subparsers.add_parser("basins", help="which minimum each start reaches")
    add_run_options(basins)
    group = basins.add_argument_group("basin map")
    group.add_argument("--x-range", type=_pair, help="e.g. --x-range -5,5 (a preset gives one)")
    group.add_argument("--y-range", type=_pair, help="e.g. --y-range -5,5")
    group.add_argument("--resolution", type=int, default=200, help="cells per side (200)")
    group.add_argument("--minima", type=_points, help="known minima, e.g. '3,2;-2.8,3.13'")
    group.add_argument("--tolerance", type=_distance, help="how close counts as reaching one")
    group.add_argument("--colour-by", choices=("basin", "iterations"), default="basin")
    _add_outputs(basins, "basins")
    basins.set_defaults(handler=_cmd_basins)
    for parser in (sweep, basins):
        parser._negative_number_matcher = _NEGATIVE_VALUES


def _add_outputs(parser: argparse.ArgumentParser, name: str) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--output", "-o", metavar=f"{name.upper()}.csv", help="write the numbers")
    group.add_argument("--png", metavar=f"{name.upper()}.png", help="draw the plot to a PNG")


def _finite(text: str) -> float:
    from gdexplorer.cli import _finite as finite

    return finite(text)


def _distance(text: str) -> float:
    """A positive finite distance whose square is a float (the maps compare squared norms)."""
    from gdexplorer.cli import check_square_fits

    value = _finite(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive distance, such as 0.01")
    if value * value < sys.float_info.min:
        raise argparse.ArgumentTypeError(
            f"{text} is too small (its square underflows to 0); give a distance such as 0.01"
        )
    return check_square_fits(text, value)


MAX_RANGE_BOUND = 1e100
"""Map windows stay within ±1e100, so widths, cell sizes and squared distances stay finite."""


def _pair(text: str) -> tuple[float, float]:
    values = _numbers(text)
    if len(values) != 2 or not values[0] < values[1]:
        raise argparse.ArgumentTypeError(f"'{text}' is not a range; write it like -5,5")
    if max(abs(values[0]), abs(values[1])) > MAX_RANGE_BOUND:
        raise argparse.ArgumentTypeError(
            f"'{text}' is too wide: keep the range within ±{MAX_RANGE_BOUND:g}"
        )
    return values[0], values[1]


def _points(text: str) -> tuple[tuple[float, ...], ...]:
    return tuple(_numbers(part) for part in text.split(";") if part.strip())


def _numbers(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of numbers") from None
    if not all(np.isfinite(values)):
        raise argparse.ArgumentTypeError(f"'{text}' has a number that is not finite")
    return values


def check_output_name(path: str | None) -> None:
    """Refuse an unusable ``--output`` now, before a long computation: an empty name, a folder,
    or a folder that does not exist (the writer checks the rest when it writes)."""
    if path is None:
        return
    target = Path(path)
    if not path.strip():
        raise ExportError("give a file name after --output, such as path.csv")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: the folder {target.parent} does not exist")


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse unusable output names now, before a long computation."""
    check_output_name(args.output)
    if args.png is not None:
        from gdexplorer.core.files.safe_write import png_target

        args.png = str(png_target(args.png))  # ".png" added when the name has no extension


def _cmd_sweep(args: argparse.Namespace) -> int:
    from gdexplorer.cli import config_from_args
    from gdexplorer.core.many.sweep import learning_rate_sweep

    _check_outputs(args)
    config = config_from_args(args)
    result = learning_rate_sweep(config, args.lr_min, args.lr_max, args.count, args.measure)
    print(sweep_summary(result))
    if args.output is not None:
        path = write_sweep_csv(result, args.output)
        print(f"Wrote {len(result.learning_rates):,} rows to {path}")
    if args.png is not None:
        from gdexplorer.ui.compare.sweep_view import SweepView

        print(f"Drew the sweep to {_save_png(SweepView, 'set_result', result, args.png)}")
    return 0


def _cmd_basins(args: argparse.Namespace) -> int:
    from gdexplorer.cli import config_from_args
    from gdexplorer.core.many.basins import basin_map

    _check_outputs(args)
    x_range, y_range, minima = _basin_window(args)
    if args.start is None and not args.preset:
        args.start = (sum(x_range) / 2, sum(y_range) / 2)  # every cell is a start instead
    config = config_from_args(args)
    result = basin_map(config, x_range, y_range, args.resolution, minima, args.tolerance)
    print(basin_summary(result))
    if args.output is not None:
        path = write_basins_csv(result, args.output)
        print(f"Wrote {result.labels.size:,} rows to {path}")
    if args.png is not None:
        from gdexplorer.ui.compare.basin_view import BasinView

        def show(view, basins):
            view.set_map(basins, colour_by=args.colour_by)

        print(f"Drew the map to {_save_png(BasinView, show, result, args.png)}")
    return 0


def _basin_window(args: argparse.Namespace):
    """The ranges and minima: given, else the preset's, else a one-line error."""
    x_range, y_range, minima = args.x_range, args.y_range, args.minima
    if args.preset:
        from gdexplorer.core.presets import get_preset

        preset = get_preset(args.preset)
        if len(preset.plot_range) == 2:
            x_range = x_range or preset.plot_range[0]
            y_range = y_range or preset.plot_range[1]
        minima = preset.minima if minima is None else minima
    if x_range is None or y_range is None:
        raise ConfigError("give --x-range A,B and --y-range C,D (or a two-variable --preset)")
    return x_range, y_range, minima or ()


def schedule_words(config) -> str:
    """`` with a cosine schedule applied to each rate`` (onecycle: the rates are its max_lr)."""
    schedule = config.schedule
    if schedule is None or schedule.name == "constant":
        return ""
    if schedule.name == "onecycle":
        return " with a onecycle schedule (the rates are its max_lr)"
    article = "an" if schedule.name[0] in "aeiou" else "a"
    return f" with {article} {schedule.name} schedule applied to each rate"


def sweep_summary(result) -> str:
    """What a student reads after a sweep: where it works, where it diverges, the best rate."""
    cfg = result.config
    rates = result.learning_rates
    lines = [
        f"Learning-rate sweep: {cfg.variant}{schedule_words(cfg)} on f = {cfg.function}, "
        f"start {cfg.start}, "
        f"{len(rates):,} rates from {rates[0]:.3g} to {rates[-1]:.3g}, "
        f"at most {cfg.iterations:,} iterations each ({result.seconds:.2f} s)",
        f"  converged: {int(result.converged.sum()):,}   "
        f"stopped at the iteration limit: {int((~result.converged & ~result.diverged).sum()):,}"
        f"   diverged: {int(result.diverged.sum()):,}",
    ]
    first = result.first_diverging_rate()
    if first is not None:
        lines.append(f"  the smallest rate that diverged: {first:.4g}")
    best = result.best_learning_rate()
    if best is not None:
        what = "lowest final f" if result.measure == "final_f" else "fewest iterations"
        lines.append(f"  {what} at lr = {best:.4g}")
    if result.stability_limit is not None:
        lines.append(f"  stability limit for this quadratic: {result.stability_limit:.4g}")
    return "\n".join(lines)


def basin_summary(result) -> str:
    cfg = result.config
    lines = [
        f"Basin map: {cfg.variant}, lr {cfg.learning_rate:g} on f = {cfg.function}, "
        f"{result.labels.shape[1]}x{result.labels.shape[0]} starts over "
        f"{result.x_range} x {result.y_range} ({result.seconds:.2f} s)"
    ]
    for basin in result.basins[:12]:
        lines.append(f"  {basin.count / result.labels.size:6.1%}  {basin.name}")
    if len(result.basins) > 12:
        lines.append(f"  ... and {len(result.basins) - 12} more")
    return "\n".join(lines)


def write_sweep_csv(result, path: str | os.PathLike) -> Path:
    """One row per learning rate; the settings in JSON beside it."""
    names = [f"end_{v}" for v in result.variables]
    header = ["learning_rate", "final_f", "iterations", "reason", *names]
    rows = (
        [float_text(lr), float_text(f), str(n), reason.value, *map(float_text, point)]
        for lr, f, n, reason, point in zip(
            result.learning_rates, result.final_values, result.iterations, result.reasons,
            result.final_points, strict=True,
        )
    )  # fmt: skip
    extra = {"lr_min": float(result.learning_rates[0]), "lr_max": float(result.learning_rates[-1])}
    extra["count"] = len(result.learning_rates)
    extra["stability_limit"] = result.stability_limit
    return _write_table(path, header, rows, result.config, {"sweep": extra})


def write_basins_csv(result, path: str | os.PathLike) -> Path:
    """One row per start: where it is, its label, why it stopped and where it ended."""
    x, y = result.variables
    header = [x, y, "basin", "basin_name", "reason", "iterations", f"end_{x}", f"end_{y}", "end_f"]
    grid_x, grid_y = np.meshgrid(result.xs, result.ys)

    def rows():
        for j, i in np.ndindex(result.labels.shape):
            label = int(result.labels[j, i])
            end = result.final_points[j, i]
            yield [
                float_text(grid_x[j, i]), float_text(grid_y[j, i]), str(label),
                result.basins[label].name, REASONS[result.reason_codes[j, i]].value,
                str(int(result.iterations[j, i])), float_text(end[0]), float_text(end[1]),
                float_text(result.final_values[j, i]),
            ]  # fmt: skip

    extra = {"x_range": list(result.x_range), "y_range": list(result.y_range)}
    extra["resolution"] = list(result.labels.shape[::-1])
    extra["basins"] = [{"label": k, "name": b.name, "kind": b.kind, "point": b.point,
                        "count": b.count} for k, b in enumerate(result.basins)]  # fmt: skip
    return _write_table(path, header, rows(), result.config, {"basins": extra})


def _write_table(path, header, rows, config, extra: dict) -> Path:
    target = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    settings = {"settings": config.to_dict(), **extra}
    settings_text = json.dumps(settings, indent=2) + "\n"
    table_path, settings_path = paired_targets(target)
    write_text_files([(table_path, buffer.getvalue()), (settings_path, settings_text)])
    return table_path


def _save_png(widget_class, show, result, path: str | os.PathLike) -> Path:
    """Draw ``result`` in a new ``widget_class`` offscreen and save it (atomically)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from gdexplorer.core.files.safe_write import png_target
    from gdexplorer.ui.views.plot_export import drop_offscreen_chatter

    target = png_target(path)
    app = QApplication.instance() or QApplication([])
    previous = qInstallMessageHandler(drop_offscreen_chatter)
    try:
        return _grab(widget_class, show, result, target, app)
    finally:
        qInstallMessageHandler(previous)


def _grab(widget_class, show, result, target: Path, app) -> Path:
    widget = widget_class()
    widget.resize(1000, 700)
    (getattr(widget, show) if isinstance(show, str) else lambda r: show(widget, r))(result)
    widget.show()
    for _ in range(2):  # the axes size themselves to their tick labels on the second pass
        app.processEvents()
    from gdexplorer.ui.views.plot_export import save_widget_png

    try:
        return save_widget_png(widget, target)
    finally:
        widget.close()
        widget.deleteLater()
