"""Test-wide settings: Qt runs offscreen (no screen needed); pure-logic tests stay Qt-free.

Nothing here imports Qt: the Qt fixtures live in ``tests/ui/conftest.py`` and apply only there.
A test under ``tests/core`` (the logic) that asks for a Qt fixture is refused at collection, so
that part runs with Qt absent: ``python -m pytest tests/core -p no:pytest-qt -W
ignore::pytest.PytestConfigWarning`` imports no PySide6 (the warning is pytest-qt's
``qt_api`` option, unknown without it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CORE_TESTS = Path(__file__).parent / "core"
QT_FIXTURES = frozenset({"qapp", "qtbot", "qapp_args", "qapp_cls", "qtmodeltester", "qtlog"})


def qt_fixtures_of_logic_tests(items: list[pytest.Item]) -> list[str]:
    """The ids of the tests under tests/core that request a Qt fixture, with which ones."""
    found = []
    for item in items:
        wanted = QT_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if wanted and item.path.is_relative_to(CORE_TESTS):
            found.append(f"{item.nodeid} ({', '.join(sorted(wanted))})")
    return found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    found = qt_fixtures_of_logic_tests(items)
    if found:
        raise pytest.UsageError("pure-logic tests must not need Qt: " + "; ".join(found))
