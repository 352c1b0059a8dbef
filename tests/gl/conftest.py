"""Fixtures of the OpenGL tests (``gl_cases.py``), which run in a child process on an X server.

Nothing here is autouse and nothing imports Qt at module level: the parent process (offscreen)
only collects ``test_opengl.py``, which starts the child. The window fixture keeps the UI
suite's habits (isolated settings, GC in the GUI thread, no thread left running, the window
deleted on purpose while its wrappers are whole; see tests/ui/conftest.py).
"""

from __future__ import annotations

import gc
import os

import pytest

WIDTH, HEIGHT = 1400, 900


def pytest_configure(config: pytest.Config) -> None:
    """GL contexts share their objects, as in the app (``create_application``): each test's
    window has its own context, and pyqtgraph keeps its compiled shaders across them. Only in
    the child process on X (the offscreen parent never draws GL)."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb":
        return
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture
def gl_window(qapp, qtbot, tmp_path):
    """The main window on an X server, 1400 x 900, shown and exposed; deleted afterwards."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from gdexplorer.ui import settings_store
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.threads import run_worker
    from gdexplorer.ui.threads.garbage import MainThreadCollector

    QCoreApplication.setOrganizationName(settings_store.ORGANIZATION)
    QCoreApplication.setApplicationName(settings_store.APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    if qapp.findChild(MainThreadCollector) is None:
        MainThreadCollector(qapp)
    window = MainWindow(settings_store.SettingsStore())
    window.resize(WIDTH, HEIGHT)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.controller.shutdown()
    window.compare.shutdown()
    window.close()
    shiboken6.delete(window)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert not run_worker.running_threads(), "a worker thread outlived the test"
