"""Read a lesson file: Markdown with one ``step`` block of JSON per step.

The format (documented for teachers in ``resources/lessons/README.md``)::

    # Title of the lesson
    Introduction (Markdown).

    ## Title of step 1
    What to notice and what to do (Markdown).

    ```step
    {"preset": "parabola", "settings": {"learning_rate": 0.6}, "highlight": ["run"],
     "expect": {"reason": "diverged"}, "student": {}, "wrong": {"settings": {...}}}
    ```

    ### Right
    Said when the student's run shows what the step claims.
    ### Hint
    Said when it does not.
    ### Question
    ### Answer

Every problem is one :class:`LessonError` line naming the file and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gdexplorer.core.errors import GdxError
from gdexplorer.core.lessons.claims import SETTING_NAMES, ClaimError, validate_claim
from gdexplorer.core.lessons.judge import placeholders_in
from gdexplorer.core.lessons.model import CONTROLS, Lesson, Step, StudentAction

MAX_LESSON_CHARS = 200_000
STEP_KEYS = ("preset", "settings", "highlight", "expect", "student", "wrong")
SECTIONS = ("right", "hint", "question", "answer")
_FENCE = re.compile(r"^```step[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_NAME = re.compile(r"^(\d+)[-_](.+)$")


class LessonError(GdxError):
    """A lesson file cannot be used; the message names the file and the field."""


def lesson_name(path: str | Path) -> str:
    """The lesson's name: its file name without the order prefix and ``.md``."""
    stem = Path(path).stem
    match = _NAME.match(stem)
    return match.group(2) if match else stem


def parse_lesson(text: str, source: str) -> Lesson:
    """The lesson in ``text`` (from the file ``source``), checked whole."""
    if len(text) > MAX_LESSON_CHARS:
        raise LessonError(f"{source}: the file is larger than {MAX_LESSON_CHARS:,} characters")
    blocks = re.split(r"^## ", text, flags=re.MULTILINE)
    head, step_blocks = blocks[0], blocks[1:]
    title_match = re.search(r"^# (.+)$", head, re.MULTILINE)
    if title_match is None:
        raise LessonError(f"{source}: title: the file must start with a '# Title' line")
    intro = head[title_match.end() :].strip()
    if not step_blocks:
        raise LessonError(f"{source}: steps: the lesson has no '## Step' section")
    steps = tuple(_parse_step(block, source, number) for number, block in enumerate(step_blocks, 1))
    return Lesson(lesson_name(source), title_match.group(1).strip(), intro, steps, source)


def _parse_step(block: str, source: str, number: int) -> Step:
    title, _, body = block.partition("\n")
    where = f"{source}: step {number} ({title.strip()})"
    fences = list(_FENCE.finditer(body))
    if len(fences) > 1:
        raise LessonError(f"{where}: step: a step has at most one ```step block")
    data: dict[str, Any] = {}
    if fences:
        data = _step_json(fences[0].group(1), where)
        body = body[: fences[0].start()] + body[fences[0].end() :]
    text, sections = _sections(body, where)
    try:
        return _build_step(title.strip(), text, sections, data, where)
    except ClaimError as error:
        raise LessonError(f"{where}: {error}") from None


def _step_json(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LessonError(
            f"{where}: step block: not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise LessonError(f"{where}: step block: must be a JSON object")
    unknown = sorted(set(data) - set(STEP_KEYS))
    if unknown:
        raise LessonError(f"{where}: {unknown[0]}: unknown field; use {', '.join(STEP_KEYS)}")
    return data


def _sections(body: str, where: str) -> tuple[str, dict[str, str]]:
    parts = re.split(r"^### (.+)$", body, flags=re.MULTILINE)
    sections: dict[str, str] = {}
    for heading, content in zip(parts[1::2], parts[2::2], strict=True):
        name = heading.strip().lower()
        if name not in SECTIONS:
            raise LessonError(
                f"{where}: ### {heading.strip()}: unknown section; use Right, Hint, Question, "
                "Answer"
            )
        if name in sections:
            raise LessonError(f"{where}: ### {heading.strip()}: given twice")
        sections[name] = content.strip()
    for name, content in sections.items():
        unknown = placeholders_in(content)
        if unknown:
            raise LessonError(f"{where}: ### {name.title()}: unknown placeholder {{{unknown[0]}}}")
    return parts[0].strip(), sections


def _build_step(
    title: str, text: str, sections: Mapping[str, str], data: Mapping[str, Any], where: str
) -> Step:
    if not title:
        raise LessonError(f"{where}: title: a step needs a title after '## '")
    preset = _preset(data.get("preset"), where)
    settings = _settings(data.get("settings", {}), where, "settings")
    claim = validate_claim(data["expect"]) if "expect" in data else None
    if claim is not None:
        for needed in ("right", "hint"):
            if not sections.get(needed):
                raise LessonError(f"{where}: ### {needed.title()}: a step with 'expect' needs it")
    elif "student" in data or "wrong" in data:
        raise LessonError(f"{where}: expect: 'student' and 'wrong' need an 'expect' to check")
    if bool(sections.get("question")) != bool(sections.get("answer")):
        raise LessonError(f"{where}: ### Answer: a question needs its answer (and the reverse)")
    return Step(
        title=title, text=text, preset=preset, settings=settings,
        highlight=_highlight(data.get("highlight", []), where), claim=claim,
        student=_student(data.get("student", {}), where, "student"),
        wrong=_student(data["wrong"], where, "wrong") if "wrong" in data else None,
        right=sections.get("right", ""), hint=sections.get("hint", ""),
        question=sections.get("question", ""), answer=sections.get("answer", ""),
    )  # fmt: skip


def _preset(value: Any, where: str) -> str | None:
    if value is None:
        return None
    from gdexplorer.core.presets import load_presets

    names = [p.name for p in load_presets()]
    if value not in names:
        raise LessonError(f"{where}: preset: unknown preset {value!r:.40}; use one of "
                          f"{', '.join(names)}")  # fmt: skip
    return str(value)


def _settings(value: Any, where: str, field: str) -> dict[str, Any]:
    """Known setting names only; their values are checked whole when the lesson's settings
    are walked (:func:`.walk.walk_lesson`), as a settings file's are."""
    if not isinstance(value, dict):
        raise LessonError(f"{where}: {field}: must be an object of settings")
    unknown = sorted(set(value) - set(SETTING_NAMES))
    if unknown:
        raise LessonError(f"{where}: {field}.{unknown[0]:.40}: not a setting of a run")
    return dict(value)


def _highlight(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LessonError(f"{where}: highlight: must be a list of control names")
    for name in value:
        if name not in CONTROLS:
            raise LessonError(f"{where}: highlight: unknown control {name!r:.40}; use "
                              f"{', '.join(CONTROLS)}")  # fmt: skip
    return tuple(value)


def _student(value: Any, where: str, field: str) -> StudentAction:
    if not isinstance(value, dict):
        raise LessonError(f"{where}: {field}: must be an object (settings, iteration, sweep)")
    unknown = sorted(set(value) - {"settings", "iteration", "sweep"})
    if unknown:
        raise LessonError(f"{where}: {field}.{unknown[0]}: unknown; use settings, iteration, sweep")
    iteration = value.get("iteration")
    if iteration is not None and not (isinstance(iteration, int) and iteration >= 0):
        raise LessonError(f"{where}: {field}.iteration: must be a whole number of at least 0")
    sweep = value.get("sweep")
    if sweep is not None and not (
        isinstance(sweep, list)
        and len(sweep) == 3
        and all(isinstance(v, int | float) for v in sweep)
    ):
        raise LessonError(f"{where}: {field}.sweep: must be [lowest rate, highest rate, count]")
    settings = _settings(value.get("settings", {}), where, f"{field}.settings")
    return StudentAction(settings, iteration, tuple(sweep) if sweep else None)  # type: ignore[arg-type]
