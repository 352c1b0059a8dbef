"""The UI tests' shared fixtures, in one place.

Autouse, for every test here: isolated QSettings, garbage collected in the GUI thread only, no
worker thread may outlive its test, and a test fails when the window's last-resort handler
(:mod:`gdexplorer.ui.error_guard`) caught anything. On request: ``window`` (the main window, on
``window_config``, which a module may override). The run settings the tests share (``VALLEY``,
``ENDLESS``) are in ``run_configs.py``, as test modules import them.
"""

from __future__ import annotations

import gc
import threading

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QWidget

from gdexplorer.core.config import RunConfig
from gdexplorer.ui import error_guard, settings_store
from gdexplorer.ui.threads import run_worker as worker
from gdexplorer.ui.threads.garbage import MainThreadCollector


@pytest.fixture(scope="session", autouse=True)
def collector_in_the_gui_thread(qapp):
    """As the app does (gdexplorer.ui.app.create_application): no automatic collection, a GUI
    timer collects instead. Without it, a collection started by a worker thread's allocations
    destroyed an earlier test's widgets in that thread and deadlocked the suite (1 run in ~4)."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def widgets_deleted_before_they_are_garbage(qtbot, collections_only_in_the_gui_thread):
    """Keep every widget of the test alive until it is deleted here, on purpose.

    pytest-qt holds the widgets of ``qtbot.addWidget`` by weak reference: once the test returns,
    a window is only in reference cycles, and the cycle collector may free it during pytest-qt's
    event processing. Collecting clears the Python attributes of every item first, then deletes
    the C++ window, whose teardown calls Python overrides (LabelItem.sizeHint) on the emptied
    items: "'LabelItem' object has no attribute '_sizeHint'" (1 suite run in ~3 under load).
    Deleting the C++ objects while the wrappers are whole avoids it.
    """
    kept: list[QWidget] = []
    add_widget = qtbot.addWidget

    def add_and_keep(widget, *args, **kwargs):
        kept.append(widget)
        return add_widget(widget, *args, **kwargs)

    qtbot.addWidget = add_and_keep
    yield kept
    for widget in reversed(kept):
        if shiboken6.isValid(widget):
            widget.close()
            shiboken6.delete(widget)
    kept.clear()


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
def window_config() -> RunConfig | None:
    """What :func:`window` opens on: the elongated valley. A module overrides this fixture to
    open on something else (``None``: the window's own first example, as a student sees it).
    Imported here, not at the top: test_error_guard runs a copy of this file on its own."""
    from run_configs import VALLEY

    return VALLEY


@pytest.fixture
def window(qtbot, window_config):
    """The main window, shown and active, on ``window_config``; closed after the test."""
    from gdexplorer.ui.main_window import MainWindow

    made = MainWindow(settings_store.SettingsStore())
    made.load_initial(window_config)
    qtbot.addWidget(made)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    yield made
    made.close()


@pytest.fixture
def plot_view(qtbot):
    """A PlotView on its own, 800 x 600, shown."""
    from gdexplorer.ui.views.plot_view import PlotView

    widget = PlotView()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def bowl_form(qtbot):
    """The settings form on its own, shown, on the bowl example."""
    from gdexplorer.ui.form.controls import ControlsForm

    made = ControlsForm()
    qtbot.addWidget(made)
    made.show()
    made.select_preset("bowl")
    return made
