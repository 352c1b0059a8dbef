"""What a lesson is: a title, an introduction and steps; what a step asks and checks.

A step is read from one ``## `` section of a lesson file (:mod:`.parse`): its Markdown text, the
settings it applies, the controls it points at, what it asks the student to do and the claim
(:mod:`.claims`) that the run the student makes must satisfy, with the words for right and for
a hint. The same step drives the Lessons dock and the headless check (:mod:`.check`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CONTROLS = (
    "preset", "function", "start", "variant", "learning_rate", "momentum", "beta1", "beta2",
    "iterations", "gradient", "h", "maximize", "data", "batch_size", "seed", "standardize",
    "run", "playback", "plot", "convergence", "inspector", "sweep", "basins", "runs",
    "schedule", "line_search", "line_search_plot",
)  # fmt: skip
"""The names a step may point at (``highlight``); the dock maps each to a widget."""


@dataclass(frozen=True)
class StudentAction:
    """What the student is asked to do, as the headless check plays it.

    Attributes
    ----------
    settings:
        Settings the student changes before pressing Run (empty: run as applied).
    iteration:
        The iteration the student steps to afterwards, or None.
    sweep:
        ``(lowest rate, highest rate, count)`` of a learning-rate sweep the student runs.
    """

    settings: Mapping[str, Any] = field(default_factory=dict)
    iteration: int | None = None
    sweep: tuple[float, float, int] | None = None


@dataclass(frozen=True)
class Step:
    """One step of a lesson.

    Attributes
    ----------
    title, text:
        The heading and the Markdown body (what to notice, what to do).
    preset, settings:
        Applied when the step opens: a bundled example, then these settings over it (any field
        of a settings JSON). Neither: the form is left as the student has it.
    highlight:
        Names from :data:`CONTROLS` the dock outlines.
    claim:
        What the student's run must show (:mod:`.claims`), or None for a reading step.
    student, wrong:
        How the check plays the student who does as asked (the claim must hold) and one who
        does something else (it must not hold: the hint is reachable).
    right, hint:
        Markdown said when the claim holds, and when the student's run does not satisfy it.
    question, answer:
        A question and its answer, revealed on demand.
    """

    title: str
    text: str
    preset: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    highlight: tuple[str, ...] = ()
    claim: Mapping[str, Any] | None = None
    student: StudentAction = field(default_factory=StudentAction)
    wrong: StudentAction | None = None
    right: str = ""
    hint: str = ""
    question: str = ""
    answer: str = ""

    @property
    def applies_settings(self) -> bool:
        return self.preset is not None or bool(self.settings)


@dataclass(frozen=True)
class Lesson:
    """A lesson file: its name (the file name without the order prefix), title and steps."""

    name: str
    title: str
    intro: str
    steps: tuple[Step, ...]
    source: str = ""
    """The file it came from, for messages."""
