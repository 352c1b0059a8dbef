"""Qt test fixtures: isolated QSettings, no worker thread may outlive its test, and a test fails
when the window's last-resort handler (:mod:`gdexplorer.ui.error_guard`) caught anything."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from gdexplorer.ui import error_guard, settings_store, worker


@pytest.fixture(autouse=True)
def isolated_settings(qapp, tmp_path):
    """Point QSettings at a fresh INI file under tmp_path, so no test touches the user's."""
    QCoreApplication.setOrganizationName(settings_store.ORGANIZATION)
    QCoreApplication.setApplicationName(settings_store.APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(tmp_path))
    yield tmp_path


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail a test that leaves a worker QThread running (it would abort the process later)."""
    yield
    left = worker.running_threads()
    for thread in left:  # stop them so the rest of the session survives
        thread.quit()
        thread.wait(5000)
    assert not left, f"{len(left)} worker thread(s) still running after the test"


@pytest.fixture(autouse=True)
def no_guarded_exception():
    """Fail a test during which the error guard caught an unexpected exception (a bug).

    pytest-qt still fails it too: the guard passes every exception on to pytest-qt's hook.
    Tests that raise on purpose call ``error_guard.forget_caught()`` themselves.
    """
    error_guard.forget_caught()
    yield
    caught = error_guard.forget_caught()
    assert not caught, f"the window's error guard caught: {caught!r}"


@pytest.fixture
def window(qtbot):
    """The main window on the elongated valley (test modules may define their own)."""
    from compare_fixtures import VALLEY

    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.settings_store import SettingsStore

    made = MainWindow(SettingsStore())
    made.load_initial(VALLEY)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()
