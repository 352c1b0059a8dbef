"""The window on a small screen: Run in view, nothing wider than 1024x700, docks restorable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QImage

from gdexplorer.ui.window_layout import SMALLEST_SCREEN, fit_within


def _fits(size: QSize, screen: QSize = SMALLEST_SCREEN) -> bool:
    return size.width() <= screen.width() and size.height() <= screen.height()


def _inside(widget, window) -> bool:
    """Whether ``widget`` is visible and wholly inside the window's visible area."""
    if not widget.isVisible() or widget.visibleRegion().isEmpty():
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    bottom = top_left.y() + widget.height()
    return window.rect().contains(top_left) and bottom <= window.height()


@pytest.fixture
def small_window(qtbot, window):
    window.resize(SMALLEST_SCREEN)
    qtbot.waitUntil(lambda: window.size() == SMALLEST_SCREEN, timeout=2000)
    return window


def test_the_window_fits_the_smallest_screen(small_window):
    assert _fits(small_window.minimumSizeHint())
    assert _fits(small_window.minimumSize())


@pytest.mark.parametrize("data", [False, True])
def test_run_and_stop_stay_in_view_when_the_form_scrolls(qtbot, small_window, data):
    form = small_window.form
    form.mode_switch.set_data_mode(data)
    qtbot.waitUntil(lambda: form.data_section.isVisible() == data, timeout=2000)
    assert form.height() > small_window.form_dock.height() - 60 or not data  # it scrolls
    for button in (form.run_button, form.stop_button):
        assert _inside(button, small_window), button.text()
    assert not form.isAncestorOf(form.run_button)  # under the scroll area, not in it


def test_the_side_panels_keep_readable_sizes(small_window):
    assert small_window.inspector.height() >= 170  # not 3 lines
    assert small_window.inspector.width() >= 240
    assert small_window.convergence.height() >= 150


def test_a_learning_rate_sweep_never_widens_the_window(qtbot, small_window):
    panel = small_window.compare.sweep  # on the valley, whose stability limit 2/L is known
    panel.lr_min.set_value(1e-4)
    panel.lr_max.set_value(1.0)  # converged, stopped and diverged lanes, and the limit
    panel.count.setValue(60)
    with qtbot.waitSignal(panel.runner.succeeded, timeout=30_000):
        panel.run_button.click()
    qtbot.waitUntil(lambda: panel.view.legend.text() != "", timeout=2000)
    assert len(panel.view.legend.text()) > 200  # several entries, as wide as 1,760 px once
    small_window.compare.setCurrentWidget(panel)
    small_window.compare_dock.raise_()
    qtbot.wait(100)
    assert _fits(small_window.minimumSizeHint()) and _fits(small_window.minimumSize())
    assert small_window.width() <= SMALLEST_SCREEN.width()


@pytest.mark.parametrize("count", [63, 1_001, 20_001])
def test_the_playback_counter_is_whole_and_apart_from_the_speed(qtbot, small_window, count):
    playback = small_window.playback
    playback.set_count(count)
    playback.go_last()
    label, caption = playback.position_label, playback.speed_caption
    assert label.text() == f"k = {count - 1:,} / {count - 1:,}"
    text_width = label.fontMetrics().horizontalAdvance(label.text())
    qtbot.waitUntil(lambda: label.width() >= text_width, timeout=2000)  # not cut
    label_box = label.geometry().translated(label.parentWidget().mapTo(playback, QPoint(0, 0)))
    caption_box = caption.geometry().translated(
        caption.parentWidget().mapTo(playback, QPoint(0, 0))
    )
    assert not label_box.adjusted(-8, -2, 8, 2).intersects(caption_box)  # never "62Speed"
    assert _fits(small_window.minimumSizeHint())  # a long run's counter widens nothing


def test_docks_hide_and_come_back_with_restore_layout(qtbot, window):
    keeper = window.layout_keeper
    view_menu = next(a.menu() for a in window.menuBar().actions() if "View" in a.text())
    texts = [action.text() for action in view_menu.actions()]
    for dock in (window.form_dock, window.convergence_dock, window.inspector_dock):
        assert dock.toggleViewAction().text() in texts
    assert keeper.restore_action in view_menu.actions()
    window.inspector_dock.toggleViewAction().trigger()
    window.convergence_dock.setFloating(True)
    window.removeDockWidget(window.form_dock)
    qtbot.waitUntil(lambda: not window.inspector_dock.isVisible(), timeout=2000)
    keeper.restore_action.trigger()
    qtbot.waitUntil(lambda: window.inspector_dock.isVisible(), timeout=2000)
    assert window.form_dock.isVisible() and not window.convergence_dock.isFloating()
    assert window.dockWidgetArea(window.form_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert not window.data_dock.isVisible()  # follows the form's mode, typed here


def test_the_layout_is_remembered_between_sessions(qtbot, window):
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.settings_store import SettingsStore

    window.inspector_dock.hide()
    window.close()  # saves the window with the settings
    again = MainWindow(SettingsStore())
    qtbot.addWidget(again)
    again.restore_layout()
    again.show()
    qtbot.waitUntil(again.isVisible, timeout=2000)
    assert not again.inspector_dock.isVisible() and again.convergence_dock.isVisible()


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_a_screenshot_is_taken_at_the_size_asked_for(tmp_path, size):
    target = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "gdexplorer", "--screenshot", str(target)]
    command += ["--size", f"{size[0]}x{size[1]}", "--preset", "bowl"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == size


def _in_viewport(widget, scroll) -> bool:
    """Whether ``widget`` is wholly inside the scroll area's viewport as it is scrolled now."""
    viewport = scroll.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    box = widget.rect().translated(top_left)
    return widget.isVisible() and viewport.rect().contains(box)


@pytest.mark.parametrize("size", [QSize(1400, 900), SMALLEST_SCREEN])
def test_the_data_forms_common_case_fits_without_scrolling(qtbot, window, size):
    from gdexplorer.core.data.datasets import load_samples

    window.resize(size)
    window.form.set_config(load_samples()[0].config)
    section = window.form.data_section
    scroll = window.form.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: section.isVisible() and window.size() == size, timeout=2000)
    assert scroll.verticalScrollBar().value() == 0
    for widget in (section.sample_combo, section.templates.template_combo, section.batch_size):
        qtbot.waitUntil(lambda w=widget: _in_viewport(w, scroll), timeout=2000)
    assert _inside(window.form.run_button, window)
    order = (section.sample_combo, section.templates.template_combo, section.batch_size)
    heights = [w.mapTo(section, QPoint(0, 0)).y() for w in (*order, section.loss_field)]
    assert heights == sorted(heights)  # data, model, batch size: then the loss written out
    assert not section.more.is_open() and not section.epochs.isVisible()  # folded, and says so
    assert "epochs" in section.more.header.text() and "seed" in section.more.header.text()


def test_folded_settings_open_when_a_run_uses_them(qtbot, window):
    from gdexplorer.core.data.datasets import load_samples

    config = load_samples()[0].config
    window.form.set_config(config.replace(epochs=3))
    section = window.form.data_section
    qtbot.waitUntil(section.epochs.isVisible, timeout=2000)
    assert section.more.is_open() and section.epochs.value() == 3
    section.more.header.click()
    assert not section.epochs.isVisible() and window.form.config().epochs == 3  # still used


@pytest.mark.parametrize("start", [QRect(0, 0, 1400, 900), QRect(300, 200, 1400, 900)])
def test_a_stored_or_default_size_is_fitted_to_a_small_screen(qtbot, window, start):
    window.setGeometry(start)
    screen = QRect(0, 0, 1024, 700)
    assert fit_within(window, screen)
    assert screen.contains(window.frameGeometry())
    assert not fit_within(window, screen)  # fitted once, left alone after


def test_a_window_that_fits_is_left_alone(qtbot, window):
    window.setGeometry(QRect(50, 60, 1100, 760))
    before = window.frameGeometry()
    assert not fit_within(window, QRect(0, 0, 1920, 1080))
    assert window.frameGeometry() == before


def test_the_compare_table_keeps_whole_columns_and_scrolls_to_them(qtbot, small_window):
    panel = small_window.compare.runs
    with qtbot.waitSignal(panel.runner.succeeded, timeout=20_000):
        panel.add_current()
    view = panel.table.view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: view.model().rowCount() == 1, timeout=2000)
    for column in range(header.count()):
        title = view.model().headerData(column, Qt.Orientation.Horizontal)
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(title)
    total = header.length()
    bar = view.horizontalScrollBar()
    assert total <= view.viewport().width() or bar.maximum() >= total - view.viewport().width()
    bar.setValue(bar.maximum())
    last = header.count() - 1
    assert header.sectionViewportPosition(last) < view.viewport().width()  # reachable


def test_many_variables_and_long_read_outs_never_widen_the_window(qtbot, small_window):
    field = small_window.form.function_field
    field.set_text("a^2 + b^2 + c^2 + d^2 + e1^2 + f1^2 + g1^2 + h1^2")  # a slice of 8 variables
    header = small_window.plot.header
    qtbot.waitUntil(header.horizontal.isVisible, timeout=2000)
    small_window.form.set_start([-1.2345] * 8)  # six coordinates held fixed, five digits each
    qtbot.waitUntil(lambda: "-1.234" in header.slice_label.text(), timeout=2000)
    header.set_hover("f(-1.2345, -1.2345, -1.2345, -1.2345, -1.2345) = 123456.789")
    qtbot.wait(50)
    assert len(header.slice_label.text()) > 80  # longer than its share of 1024 px
    assert _fits(small_window.minimumSizeHint())
    assert small_window.width() <= SMALLEST_SCREEN.width()


@pytest.mark.parametrize("data", [False, True])
def test_the_settings_are_never_cut_off_at_the_docks_narrowest(qtbot, small_window, data):
    from gdexplorer.core.data.datasets import load_samples

    form = small_window.form
    if data:
        form.set_config(load_samples()[0].config)
        form.data_section.more.set_open(True)  # its rows too
    small_window.resizeDocks([small_window.form_dock], [50], Qt.Orientation.Horizontal)
    scroll = form.parentWidget().parentWidget()

    def whole() -> bool:
        return scroll.viewport().width() >= form.minimumSizeHint().width()

    def squeezed() -> bool:  # as narrow as the dock goes
        return small_window.form_dock.width() <= small_window.form_dock.minimumSizeHint().width()

    qtbot.waitUntil(lambda: squeezed() and whole(), timeout=2000)
    assert form.width() <= scroll.viewport().width()  # no field runs past the right edge
    assert _fits(small_window.minimumSizeHint())


def test_a_note_never_cuts_the_preview_under_it(qtbot):
    """A note makes the form taller, its scroll bar appears and narrows every field: the
    wrapped note and preview get the height their new width needs."""
    from gdexplorer.core.config import RunConfig
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.settings_store import SettingsStore

    window = MainWindow(SettingsStore())  # nothing loaded yet: a short form, no scroll bar
    qtbot.addWidget(window)
    window.resize(SMALLEST_SCREEN)
    window.show()
    qtbot.waitUntil(window.isVisible)
    window.form.set_config(RunConfig(function="sinx^2 + xy^2", start=(1.0, 1.0)))
    field = window.form.function_field
    labels = (field.note_label, field.preview)

    def whole() -> bool:
        return all(label.height() >= label.heightForWidth(label.width()) for label in labels)

    qtbot.wait(100)
    qtbot.waitUntil(whole, timeout=2000)
    assert field.note_label.geometry().bottom() < field.preview.geometry().top()
    window.close()
