"""A lesson's settings, step by step, as the student meets them.

A step with a preset starts from that bundled example; its ``settings`` go over what the form
holds (the last step's settings and what the student changed there). :func:`walk_lesson`
plays the lesson as the student who does as asked and checks every config whole, so a lesson
whose settings cannot run is refused when it is loaded, naming the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError
from gdexplorer.core.lessons.model import Lesson, Step
from gdexplorer.core.lessons.parse import LessonError


@dataclass(frozen=True)
class WalkedStep:
    """A step with the config it applies (None: it leaves the form alone) and the config the
    student runs after doing as asked (None for a reading step before any settings)."""

    step: Step
    applied: RunConfig | None
    played: RunConfig | None
    wrong: RunConfig | None


def preset_settings(name: str) -> dict[str, Any]:
    """The settings of a bundled example as a settings-JSON object."""
    from gdexplorer.core.presets import get_preset

    settings = get_preset(name).config.to_dict()
    settings.pop("format")
    return settings


def applied_settings(current: Mapping[str, Any] | None, step: Step) -> dict[str, Any] | None:
    """What the form holds after ``step`` opens, given what it held before (None: nothing
    a lesson set yet)."""
    base = preset_settings(step.preset) if step.preset is not None else current
    if not step.settings:
        return dict(base) if base is not None else None
    return {**(base or {}), **step.settings}


def walk_lesson(lesson: Lesson) -> tuple[WalkedStep, ...]:
    """Every step with its configs, each checked whole; LessonError naming the step."""
    current: dict[str, Any] | None = None
    walked = []
    for number, step in enumerate(lesson.steps, 1):
        where = f"{lesson.source}: step {number} ({step.title})"
        current = applied_settings(current, step)
        applied = _config(current, where, "settings") if step.applies_settings else None
        played = wrong = None
        if current is not None:
            played_settings = {**current, **step.student.settings}
            played = _config(played_settings, where, "student.settings")
            if step.wrong is not None:
                wrong = _config({**current, **step.wrong.settings}, where, "wrong.settings")
            current = played_settings
        elif step.claim is not None:
            raise LessonError(f"{where}: preset: a step that checks a run needs settings first")
        walked.append(WalkedStep(step, applied, played, wrong))
    return tuple(walked)


def _config(settings: Mapping[str, Any] | None, where: str, field: str) -> RunConfig:
    if settings is None or "function" not in settings or "start" not in settings:
        raise LessonError(f"{where}: {field}: give a preset, or a function and a start")
    try:
        return RunConfig.from_dict(settings, field)
    except GdxError as error:
        raise LessonError(f"{where}: {error}") from None
