"""The one-paragraph summary of a finished run, for the command line."""

from __future__ import annotations

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Outcome
from gdexplorer.core.objective import format_point
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.stepsize.describe import rate_phrase
from gdexplorer.core.trajectory import Trajectory


def summarize(config: RunConfig, trajectory: Trajectory, outcome: Outcome) -> str:
    """Stop reason, iterations, final point, f and |grad f|, in one paragraph."""
    variant = get_variant(config.variant)
    title = variant.title + (f", {config.line_search.title}" if config.line_search else "")
    last = len(trajectory) - 1
    point = format_point(trajectory.variables, trajectory.points[last])
    value = trajectory.values[last]
    norm = trajectory.gradient_norms[last]
    goal = "maximize" if config.maximize else "minimize"
    start = format_point(trajectory.variables, trajectory.points[0])
    return (
        f"{outcome.message}. {title} with "
        f"{rate_phrase(config.learning_rate, config.schedule, config.iterations)} "
        f"to {goal} f = {config.function} from ({start}) "
        f"ended at {point} (iteration {last:,}) with f = {value:.10g} and |∇f| = {norm:.3g}."
    )


def settings_with_outcome(config: RunConfig, outcome: Outcome | None) -> dict:
    """The settings dict written beside an export, with how the run ended when it is known.

    ``"outcome": {"reason", "iterations", "message"}`` is for people (the same text as the
    command line and the window's status bar); :meth:`RunConfig.from_dict` ignores it.
    """
    settings = config.to_dict()
    if outcome is not None:
        settings["outcome"] = {
            "reason": outcome.reason.value,
            "iterations": outcome.iterations,
            "message": outcome.message,
        }
    return settings
