"""``gdexplorer lessons``: list the guided lessons, or check every claim they make.

``gdexplorer lessons`` prints each lesson with its steps; ``--check`` plays every step headless
through the engine (:mod:`gdexplorer.core.lessons.check`) and exits 1 naming each lesson whose
claim is false; ``--folder DIR`` reads a teacher's lessons instead of the shipped ones.
``gdexplorer --screenshot F.png --lesson NAME [--step N]`` saves the window at that step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gdexplorer.core.errors import GdxError

EXIT_FALSE_CLAIM = 1


def register(subparsers) -> None:
    """Add the ``lessons`` sub-command to the ``gdexplorer`` parser."""
    lessons = subparsers.add_parser("lessons", help="list the guided lessons, or check them")
    lessons.add_argument(
        "--check", action="store_true", help="run every step headless; exit 1 if a claim is false"
    )
    lessons.add_argument("--folder", metavar="DIR", help="lesson files to read (default: shipped)")
    lessons.set_defaults(handler=_cmd_lessons)


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """``--lesson NAME`` and ``--step N`` of the window (with --screenshot: that step)."""
    parser.add_argument("--lesson", metavar="NAME", help="open the Lessons panel at this lesson")
    parser.add_argument("--step", type=_step_number, metavar="N", help="its step (from 1)")


def _step_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"steps are numbered from 1, got {value}")
    return value


def _folder(args: argparse.Namespace):
    if args.folder is None:
        return None
    folder = Path(args.folder)
    if not folder.is_dir():
        raise GdxError(f"{args.folder} is not a folder of lesson files")
    return folder


def _cmd_lessons(args: argparse.Namespace) -> int:
    from gdexplorer.core.lessons.library import load_lessons

    lessons = load_lessons(_folder(args))  # a malformed file: its one line, exit 2
    if not lessons:
        raise GdxError("no lesson files (NN-name.md) found")
    if not args.check:
        for number, lesson in enumerate(lessons, 1):
            steps = "; ".join(step.title for step in lesson.steps)
            print(f"{number:>2}. {lesson.name:<22} {lesson.title}\n    {steps}")
        return 0
    return _check(lessons)


def _check(lessons) -> int:
    from gdexplorer.core.lessons.check import check_lessons

    failed = 0
    for report in check_lessons(lessons):
        mark = "ok  " if report.passed else "FAIL"
        print(f"{mark} {report.lesson.name:<22} {report.checked} claim(s) checked")
        for failure in report.failures:
            print(f"     {failure}")
            print(f"gdexplorer: lesson '{report.lesson.name}': {failure}", file=sys.stderr)
        failed += not report.passed
    if failed:
        print(f"{failed} lesson(s) make a false claim", file=sys.stderr)
        return EXIT_FALSE_CLAIM
    print(f"All {len(lessons)} lessons hold.")
    return 0


def window_lesson(args: argparse.Namespace) -> tuple[str, int] | None:
    """The lesson and step (0-based) the window opens at, checked now; None when not asked."""
    if getattr(args, "lesson", None) is None:
        if getattr(args, "step", None) is not None:
            raise GdxError("--step needs --lesson NAME")
        return None
    from gdexplorer.core.lessons.library import find_lesson, load_lessons

    lesson = find_lesson(load_lessons(), args.lesson)
    step = args.step or 1
    if step > len(lesson.steps):
        raise GdxError(f"lesson '{lesson.name}' has {len(lesson.steps)} steps, not {step}")
    return lesson.name, step - 1
