"""Where the student is in the lessons, kept between sessions in QSettings.

Per lesson: the step last open and the steps whose check the student passed; for the window:
the lesson last open and whether the first-start offer ("Start here") was made. Values that do
not read back (a hand edit, an older format) are ignored, never an error.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

_CURRENT = "lessons/current"
_OFFERED = "lessons/offered"


class LessonProgress:
    """Read and write the lessons' progress; ``read_only`` for ``--screenshot``."""

    def __init__(self, settings: QSettings | None = None, read_only: bool = False) -> None:
        self._settings = settings if settings is not None else QSettings()
        self.read_only = read_only

    def current(self) -> str | None:
        value = self._settings.value(_CURRENT)
        return value if isinstance(value, str) and value else None

    def step(self, lesson: str) -> int:
        value = self._settings.value(f"lessons/step/{lesson}")
        try:
            return max(int(str(value)), 0)
        except ValueError:
            return 0

    def done(self, lesson: str) -> set[int]:
        value = self._settings.value(f"lessons/done/{lesson}")
        if not isinstance(value, str):
            return set()
        return {int(part) for part in value.split(",") if part.strip().isdigit()}

    def offered(self) -> bool:
        return str(self._settings.value(_OFFERED, "false")).lower() == "true"

    def save_position(self, lesson: str, step: int) -> None:
        self._write({_CURRENT: lesson, f"lessons/step/{lesson}": step})

    def mark_done(self, lesson: str, step: int) -> None:
        steps = self.done(lesson) | {step}
        self._write({f"lessons/done/{lesson}": ",".join(str(s) for s in sorted(steps))})

    def mark_offered(self) -> None:
        self._write({_OFFERED: "true"})

    def _write(self, values: dict[str, object]) -> None:
        if self.read_only:
            return
        for key, value in values.items():
            self._settings.setValue(key, value)
        self._settings.sync()
