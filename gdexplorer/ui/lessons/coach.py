"""The lesson coach: opens steps (their settings into the form, their controls outlined),
follows what the student does (runs, the iteration shown, sweeps) and answers with the
step's words and the run's numbers.

The claim of a step is judged by :func:`gdexplorer.core.lessons.judge.judge`, the code that
``gdexplorer lessons --check`` runs headless, so the window and the check cannot disagree.
The student can always go Back or Next: a step's check never blocks the way. Until a lesson
is started ("Start here", a lesson chosen, ``--lesson``, or one open in the last session) the
coach is passive: the panel shows only the offer and no run is judged (:attr:`active`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError
from gdexplorer.core.lessons.claims import Situation
from gdexplorer.core.lessons.judge import fill, judge
from gdexplorer.core.lessons.model import Lesson, Step
from gdexplorer.core.lessons.walk import applied_settings, walk_lesson
from gdexplorer.ui.lessons.highlight import Highlighter
from gdexplorer.ui.lessons.panel import LessonsPanel
from gdexplorer.ui.lessons.progress import LessonProgress

if TYPE_CHECKING:
    from gdexplorer.core.diagnosis import Outcome
    from gdexplorer.core.many.sweep import SweepResult
    from gdexplorer.ui.form.controls import ControlsForm
    from gdexplorer.ui.stage import Stage
    from gdexplorer.ui.threads.run_worker import RunController

OFFER = "New to gradient descent? {count} short lessons, checked as you go."
OFFER_TIP = (
    "Each step sets up an example in this window, asks you to do one thing and checks what "
    "happened. “Start here” opens lesson 1, “{title}”; View ▸ Lessons shows this panel again."
)


class LessonCoach(QObject):
    """Drives a :class:`LessonsPanel` over the window's form, stage and sweep.

    Parameters
    ----------
    controls:
        The widgets a control name of a step's ``highlight`` points at (brought into view).
    sweep_result:
        The sweep panel's last result (None before any), read when it reports.
    """

    def __init__(
        self,
        panel: LessonsPanel,
        lessons: tuple[Lesson, ...],
        progress: LessonProgress,
        form: ControlsForm,
        stage: Stage,
        controller: RunController,
        controls: Callable[[str], Sequence[QWidget]],
        sweep_result: Callable[[], SweepResult | None],
    ) -> None:
        super().__init__(panel)
        self.panel, self.lessons, self.progress = panel, lessons, progress
        self._form, self._stage, self._controls, self._sweep_result = (
            form, stage, controls, sweep_result
        )  # fmt: skip
        self.highlighter = Highlighter(self)
        self.lesson_index, self.step_index = 0, 0
        self.active = False
        """A lesson is open: the student's runs are judged against its step."""
        self.situation = Situation()
        self._outcome: Outcome | None = None
        self._sweep_seen: SweepResult | None = None
        panel.lesson_chosen.connect(self._on_lesson_chosen)
        panel.back_requested.connect(self.go_back)
        panel.next_requested.connect(self.go_next)
        panel.start_requested.connect(self._on_start_requested)
        panel.offer_declined.connect(self._on_offer_declined)
        controller.run_started.connect(self._on_run_started)
        controller.run_finished.connect(self._on_run_finished)
        stage.index_changed.connect(self._on_index_changed)

    @property
    def step(self) -> Step:
        return self.lessons[self.lesson_index].steps[self.step_index]

    # -- opening steps ---------------------------------------------------------------------

    def restore(self) -> None:
        """Show where the student left off (without touching the form), or, when no lesson
        was ever started, the offer alone (passive: nothing judged)."""
        if not self.lessons:
            return
        names = [lesson.name for lesson in self.lessons]
        current = self.progress.current()
        if current not in names:
            self.show_offer()
            return
        index = names.index(current)
        step = min(self.progress.step(names[index]), len(self.lessons[index].steps) - 1)
        self.open_step(index, step, apply=False)

    def show_offer(self) -> None:
        """The panel as the offer only; the coach passive until a lesson is started."""
        self.active = False
        self.highlighter.clear()
        self._refresh_marks()  # the list (and any file not loaded) ready for when it opens
        self.panel.show_offer(OFFER.format(count=len(self.lessons)))
        self.panel.offer.setToolTip(OFFER_TIP.format(title=self.lessons[0].title))

    def open_step(
        self, lesson_index: int, step_index: int, apply: bool = True, continuing: bool = False
    ) -> None:
        """Show a step; with ``apply``, put its settings into the form and outline its
        controls. A step without settings of its own goes on from the one before: reached by
        Back or Next (``continuing``) it leaves the form and the run shown as the student has
        them, reached directly it sets up what the step before left (as the check plays it)."""
        self.lesson_index, self.step_index = lesson_index, step_index
        self.active = True
        self.panel.show_offer(None)
        lesson, step = self.lessons[lesson_index], self.step
        self.progress.save_position(lesson.name, step_index)
        intro = f"{lesson.intro}\n\n" if step_index == 0 and lesson.intro else ""
        header = f"Step {step_index + 1} of {len(lesson.steps)}: {step.title}"
        self.panel.show_step(lesson_index, header, intro + step.text, step.question, step.answer)
        self._refresh_marks()
        last_step = step_index == len(lesson.steps) - 1
        more = lesson_index + 1 < len(self.lessons)
        next_text = "Next lesson ›" if last_step and more else "Next ›"
        self.panel.set_navigation(
            step_index > 0 or lesson_index > 0, next_text, not last_step or more
        )
        self._sweep_seen = self._sweep_result()
        if not apply:
            self.highlighter.clear()
            return
        if step.applies_settings:
            self.situation = Situation()
            self._apply_settings(step)
        elif not continuing and step_index > 0:
            self.situation = Situation()
            self._set_form(walk_lesson(lesson)[step_index - 1].played)
        self.highlighter.show_on([w for name in step.highlight for w in self._controls(name)])

    def open_lesson(self, name: str, step_index: int = 0) -> None:
        """Open lesson ``name`` (or its number) at ``step_index``; GdxError if there is none."""
        from gdexplorer.core.lessons.library import find_lesson

        lesson = find_lesson(self.lessons, name)
        self.panel.show_offer(None)
        self.open_step(self.lessons.index(lesson), min(step_index, len(lesson.steps) - 1))

    def _apply_settings(self, step: Step) -> None:
        current = self._form.config()
        settings = applied_settings(_as_settings(current), step)
        try:
            self._set_form(RunConfig.from_dict(settings or {}, "the step's settings"))
        except GdxError as error:
            self.panel.show_feedback("hint", f"This step's settings could not be applied: {error}")

    def _set_form(self, config: RunConfig | None) -> None:
        if config is None:
            return
        if _other_function(self._form.config(), config) and not self._stage.is_streaming():
            self._stage.clear()  # the old run is not drawn over another function
        self._form.set_config(config)

    @Slot()
    def go_back(self) -> None:
        if self.step_index > 0:
            self.open_step(self.lesson_index, self.step_index - 1, continuing=True)
        elif self.lesson_index > 0:
            previous = self.lessons[self.lesson_index - 1]
            self.open_step(self.lesson_index - 1, len(previous.steps) - 1)

    @Slot()
    def go_next(self) -> None:
        if self.step_index + 1 < len(self.lessons[self.lesson_index].steps):
            self.open_step(self.lesson_index, self.step_index + 1, continuing=True)
        elif self.lesson_index + 1 < len(self.lessons):
            self.open_step(self.lesson_index + 1, 0)

    # -- following the student -------------------------------------------------------------

    @Slot(object)
    def _on_run_started(self, _run: object) -> None:
        self.situation = Situation(sweep=self.situation.sweep)
        self._outcome = None

    @Slot(object)
    def _on_run_finished(self, outcome: Outcome) -> None:
        self._outcome = outcome
        QTimer.singleShot(0, self._on_run_settled)  # after the stage has its last rows

    @Slot()
    def _on_run_settled(self) -> None:
        shown = self._stage.shown()
        if shown is None or shown.run is None or self._outcome is None:
            return
        self.situation = Situation(
            shown.run.config, shown.trajectory, self._outcome, self._shown_iteration(),
            self.situation.sweep,
        )  # fmt: skip
        self.evaluate()

    @Slot(int)
    def _on_index_changed(self, _index: int) -> None:
        if self.situation.outcome is None or self._stage.is_streaming():
            return
        self.situation = _replace(self.situation, iteration=self._shown_iteration())
        self.evaluate()

    @Slot(str)
    def on_sweep_reported(self, _message: str) -> None:
        result = self._sweep_result()
        if result is not None and result is not self._sweep_seen:
            self._sweep_seen = result
            self.situation = _replace(self.situation, sweep=result)
            self.evaluate()

    def _shown_iteration(self) -> int | None:
        index = self._stage.index()
        return index if index >= 0 else None

    def evaluate(self) -> None:
        """Judge the step's claim on what the student did; say right, a hint, or nothing yet."""
        step = self.step
        if step.claim is None or not self.active:
            return
        verdict = judge(step.claim, self.situation)
        if verdict.waiting is not None:
            self.panel.show_feedback(None, "")
        elif verdict.holds:
            self.panel.show_feedback("right", fill(step.right, self.situation))
            self.progress.mark_done(self.lessons[self.lesson_index].name, self.step_index)
            self._refresh_marks()
        else:
            seen = f"\n\n*What happened: {verdict.failures[0]}.*" if verdict.failures else ""
            self.panel.show_feedback("hint", fill(step.hint, self.situation) + seen)

    def _refresh_marks(self) -> None:
        titles = []
        for number, lesson in enumerate(self.lessons, 1):
            checked = {i for i, s in enumerate(lesson.steps) if s.claim is not None}
            complete = checked <= self.progress.done(lesson.name)
            titles.append(f"{number}. {lesson.title}{'  ✓' if complete else ''}")
        self.panel.set_lessons(titles, self.panel_problems)
        self.panel.lesson_combo.setCurrentIndex(self.lesson_index)

    panel_problems: tuple[str, ...] = ()

    # -- the panel's requests ----------------------------------------------------------------

    @Slot(int)
    def _on_lesson_chosen(self, index: int) -> None:
        if 0 <= index < len(self.lessons):
            lesson = self.lessons[index]
            self.open_step(index, min(self.progress.step(lesson.name), len(lesson.steps) - 1))

    @Slot()
    def _on_start_requested(self) -> None:
        self.progress.mark_offered()
        self.open_step(0, 0)

    @Slot()
    def _on_offer_declined(self) -> None:
        self.progress.mark_offered()
        dock = self.panel.parentWidget()
        if dock is not None:
            dock.hide()


def _as_settings(config: RunConfig | None) -> dict[str, Any] | None:
    if config is None:
        return None
    settings = config.to_dict()
    settings.pop("format")
    return settings


def _other_function(current: RunConfig | None, config: RunConfig) -> bool:
    if current is None:
        return True
    return (current.function, current.variables, current.data) != (
        config.function,
        config.variables,
        config.data,
    )


def _replace(situation: Situation, **changes: Any) -> Situation:
    from dataclasses import replace

    return replace(situation, **changes)
