"""Qt test fixtures: isolated QSettings, garbage collected in the GUI thread only, and no worker
thread may outlive its test."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from gdexplorer.ui import settings_store, worker
from gdexplorer.ui.garbage import MainThreadCollector


@pytest.fixture(scope="session", autouse=True)
def collector_in_the_gui_thread(qapp):
    """As the app does (gdexplorer.ui.app.create_application): no automatic collection, a GUI
    timer collects instead. Without it, a collection started by a worker thread's allocations
    destroyed an earlier test's widgets in that thread and deadlocked the suite (1 run in ~4)."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def collections_only_in_the_gui_thread(qapp, collector_in_the_gui_thread):
    """Fail a test during which the cycle collector ran outside the GUI thread; collect the
    test's garbage here at the end (after Qt's deferred deletes), in the GUI thread."""
    elsewhere: list[str] = []

    def watch(phase: str, _info: dict) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            elsewhere.append(threading.current_thread().name)

    gc.callbacks.append(watch)
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    gc.callbacks.remove(watch)
    assert not elsewhere, f"the cycle collector ran in worker thread(s): {elsewhere}"


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
