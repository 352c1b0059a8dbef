"""The shipped lessons (``resources/lessons/NN-name.md``), found with importlib.resources.

A teacher adds a lesson by adding one file: the number before the name orders the list, and
``README.md`` (the format's documentation) is not a lesson. Each file is parsed and walked
(:mod:`.walk`) when loaded, so a malformed one is refused with one line naming file and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.abc import Traversable
from pathlib import Path

from gdexplorer.core.errors import GdxError
from gdexplorer.core.lessons.model import Lesson
from gdexplorer.core.lessons.parse import MAX_LESSON_CHARS, LessonError, parse_lesson
from gdexplorer.core.lessons.walk import walk_lesson
from gdexplorer.core.resources import resource

FOLDER = "lessons"


def lesson_files(folder: Traversable | Path | None = None) -> list[Traversable | Path]:
    """The lesson files of ``folder`` (default: the shipped ones), in their order."""
    root = folder if folder is not None else resource(FOLDER)
    files: Iterable[Traversable | Path] = root.iterdir() if root.is_dir() else []
    return sorted(
        (f for f in files if f.name.endswith(".md") and f.name.lower() != "readme.md"),
        key=lambda f: f.name,
    )


def read_lesson(file: Traversable | Path, label: str | None = None) -> Lesson:
    """One lesson file, parsed and walked; LessonError naming the file and the field."""
    name = label or f"lessons/{file.name}"
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise LessonError(f"{name}: cannot be read ({error.strerror or error})") from None
    if len(raw) > 4 * MAX_LESSON_CHARS:
        raise LessonError(f"{name}: the file is larger than {MAX_LESSON_CHARS:,} characters")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{name}: not UTF-8 text") from None
    lesson = parse_lesson(text.replace("\r\n", "\n"), name)
    walk_lesson(lesson)
    return lesson


def load_lessons(folder: Traversable | Path | None = None) -> tuple[Lesson, ...]:
    """Every lesson of ``folder``; the first malformed file raises its LessonError."""
    return tuple(read_lesson(f) for f in lesson_files(folder))


def load_lessons_reporting(
    folder: Traversable | Path | None = None,
) -> tuple[tuple[Lesson, ...], tuple[str, ...]]:
    """The lessons that load, and one line for each file that does not (the window lists
    the good ones and says what is wrong with the others)."""
    lessons, problems = [], []
    for file in lesson_files(folder):
        try:
            lessons.append(read_lesson(file))
        except GdxError as error:
            problems.append(str(error))
    return tuple(lessons), tuple(problems)


def find_lesson(lessons: Iterable[Lesson], name: str) -> Lesson:
    """The lesson called ``name`` (or numbered so: ``3``), or a LessonError listing them."""
    listed = list(lessons)
    key = name.strip().lower()
    for number, lesson in enumerate(listed, 1):
        if key in (lesson.name, str(number)):
            return lesson
    raise LessonError(
        f"unknown lesson '{name:.40}': choose one of {', '.join(lesson.name for lesson in listed)}"
    )
