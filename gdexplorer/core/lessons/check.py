"""Check a lesson's story headless: run each step as the student would and judge its claim.

For every step that checks something, the student who does as asked runs the step's settings
with their changes (:class:`~.model.StudentAction`) through the engine (and a sweep, when the
step asks for one), steps to the iteration asked for, and the claim must hold; the student who
does something else (``wrong``) must get the hint, not the praise. So a change to the engine
that breaks what a lesson says fails ``gdexplorer lessons --check`` and the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError
from gdexplorer.core.lessons.claims import Situation
from gdexplorer.core.lessons.judge import judge
from gdexplorer.core.lessons.model import Lesson, StudentAction
from gdexplorer.core.lessons.walk import walk_lesson


@dataclass
class LessonReport:
    """What the check found for one lesson: the claims checked and those that were false."""

    lesson: Lesson
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


class _Runs:
    """Runs by their settings: a lesson reruns the same settings in several steps."""

    def __init__(self) -> None:
        self._done: dict[str, Situation] = {}

    def situation(self, config: RunConfig, action: StudentAction) -> Situation:
        from gdexplorer.core.engine import run_to_end

        key = json.dumps(config.to_dict(), sort_keys=True)
        if key not in self._done:
            trajectory, outcome = run_to_end(config)
            self._done[key] = Situation(config, trajectory, outcome)
        ran = self._done[key]
        sweep = None
        if action.sweep is not None:
            from gdexplorer.core.many.sweep import learning_rate_sweep

            low, high, count = action.sweep
            sweep = learning_rate_sweep(config, float(low), float(high), int(count))
        return Situation(config, ran.trajectory, ran.outcome, action.iteration, sweep)


def check_lesson(lesson: Lesson, runs: _Runs | None = None) -> LessonReport:
    """Play every step of ``lesson`` headless and report the claims that do not hold."""
    runs = runs or _Runs()
    report = LessonReport(lesson)
    for number, walked in enumerate(walk_lesson(lesson), 1):
        step = walked.step
        if step.claim is None or walked.played is None:
            continue
        label = f"step {number} ({step.title})"
        report.checked += 1
        try:
            verdict = judge(step.claim, runs.situation(walked.played, step.student))
            if not verdict.holds:
                why = verdict.waiting and f"the student's action gives no {verdict.waiting}"
                report.failures.append(f"{label}: {why or '; '.join(verdict.failures)}")
            if step.wrong is not None and walked.wrong is not None:
                other = judge(step.claim, runs.situation(walked.wrong, step.wrong))
                if other.holds or other.waiting:
                    report.failures.append(f"{label}: the 'wrong' action does not get the hint")
        except GdxError as error:
            report.failures.append(f"{label}: the run cannot start: {error}")
    return report


def check_lessons(lessons: tuple[Lesson, ...]) -> list[LessonReport]:
    """:func:`check_lesson` for each lesson, sharing the runs."""
    runs = _Runs()
    return [check_lesson(lesson, runs) for lesson in lessons]
