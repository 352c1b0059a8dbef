"""The last-resort handler: a bug in a slot is logged and shown, the window goes on, tests fail."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gdexplorer.ui import error_guard
from gdexplorer.ui.error_guard import ErrorGuard, describe_unexpected, install_error_guard

pytest_plugins = ["pytester"]


class _Emitter(QObject):
    fired = Signal()

    @Slot()
    def explode(self) -> None:
        raise ZeroDivisionError("a bug in a slot")


@pytest.mark.qt_no_exception_capture  # the guard is the only handler here, as in the app
def test_a_bug_in_a_slot_is_logged_shown_and_the_window_goes_on(qtbot, window, caplog):
    guard = install_error_guard(window)
    try:
        window.store.clear = _raise_os_error  # the slot behind Run > Reset to defaults fails
        with caplog.at_level(logging.ERROR, logger="gdexplorer"):
            QTimer.singleShot(0, window.reset_to_defaults)
            qtbot.waitUntil(lambda: "Something went wrong" in window.status_label.text())
        assert "OSError: the disk is on fire" in window.status_label.text()
        [record] = [r for r in caplog.records if r.name == "gdexplorer"]
        assert record.levelno == logging.ERROR and record.exc_info[0] is OSError
        assert [type(e) for e in error_guard.forget_caught()] == [OSError]
        with qtbot.waitSignal(window.controller.run_finished, timeout=20_000):
            window.form.request_run()  # the window still runs, and reports normally
        assert window.isVisible() and "Something went wrong" not in window.status_label.text()
    finally:
        guard.uninstall()
    assert sys.excepthook != guard.handle


def test_pytest_qt_still_captures_what_the_guard_sees(qtbot):
    emitter = _Emitter()
    emitter.fired.connect(emitter.explode)
    with qtbot.capture_exceptions() as captured:
        guard = ErrorGuard()
        guard.install()  # replaces pytest-qt's hook, and passes every exception on to it
        emitter.fired.emit()
        guard.uninstall()
    assert [type(e[1]) for e in captured] == [ZeroDivisionError]
    assert [str(e) for e in error_guard.forget_caught()] == ["a bug in a slot"]


def test_ctrl_c_and_exit_go_straight_to_the_previous_hook(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: seen.append(kind))
    guard = ErrorGuard()
    guard.install()
    try:
        for kind in (KeyboardInterrupt, SystemExit):
            sys.excepthook(kind, kind(), None)
    finally:
        guard.uninstall()
    assert seen == [KeyboardInterrupt, SystemExit]
    assert error_guard.caught_exceptions() == []


def test_uninstall_leaves_a_hook_installed_later_in_place(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back whatever is left
    guard = ErrorGuard()
    guard.install()
    later = ErrorGuard()
    later.install()
    guard.uninstall()  # not on top: nothing changes
    assert sys.excepthook == later.handle
    later.uninstall()
    assert sys.excepthook == guard.handle  # later's previous hook


@pytest.mark.parametrize(
    "error",
    [ValueError("x" * 100_000), RuntimeError("first line\nsecond line"), KeyError(), MemoryError()],
)
def test_the_message_is_one_short_line(error):
    message = describe_unexpected(error)
    assert "\n" not in message and len(message) < 260
    assert type(error).__name__ in message


def _raise_os_error() -> None:
    raise OSError("the disk is on fire")


def test_the_suite_fails_a_test_during_which_the_guard_caught_something(pytester):
    conftest = (Path(__file__).parent / "conftest.py").read_text()
    pytester.makeconftest(conftest)
    pytester.makepyfile(
        test_buggy="""
        import pytest
        from PySide6.QtCore import QObject, Signal, Slot
        from gdexplorer.ui.error_guard import ErrorGuard

        class Emitter(QObject):
            fired = Signal()

            @Slot()
            def explode(self):
                raise ZeroDivisionError("a bug")

        @pytest.mark.qt_no_exception_capture
        def test_buggy(qapp):
            emitter = Emitter()
            emitter.fired.connect(emitter.explode)
            guard = ErrorGuard()
            guard.install()
            emitter.fired.emit()  # the guard shows it and the test body goes on...
            guard.uninstall()

        def test_clean(qapp):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2, errors=1)  # ...but its teardown fails it
    result.stdout.fnmatch_lines(["*the window's error guard caught*ZeroDivisionError*"])
