"""The sweep and basin tabs in the window: worker, progress, cancel, results, picking."""

from __future__ import annotations

import numpy as np
import pytest
from run_configs import ENDLESS, VALLEY

from gdexplorer.core.many.basins import basin_map
from gdexplorer.core.many.sweep import learning_rate_sweep
from gdexplorer.core.presets import get_preset
from gdexplorer.ui.threads.run_worker import running_threads


def run_sweep(qtbot, panel, lr_min, lr_max, count, measure="final_f"):
    panel.lr_min.set_value(lr_min)
    panel.lr_max.set_value(lr_max)
    panel.count.setValue(count)
    panel.measure.setCurrentIndex(panel.measure.findData(measure))
    with qtbot.waitSignal(panel.runner.succeeded, timeout=20_000):
        panel.run_button.click()


def test_the_sweep_runs_on_a_worker_and_matches_the_core(qtbot, window):
    panel = window.compare.sweep
    progress = []
    panel.runner.progressed.connect(lambda done, total: progress.append((done, total)))
    run_sweep(qtbot, panel, 1e-4, 1.0, 60)
    expected = learning_rate_sweep(window.form.config(), 1e-4, 1.0, 60)
    np.testing.assert_array_equal(panel.result.learning_rates, expected.learning_rates)
    np.testing.assert_array_equal(panel.result.final_values, expected.final_values)
    np.testing.assert_array_equal(panel.result.reason_codes, expected.reason_codes)
    assert panel.result.stability_limit == pytest.approx(0.05)  # 2/L, marked on the plot
    assert panel.view._limit.isVisible()
    assert progress and progress[-1][1] == VALLEY.iterations
    assert not panel.cancel_button.isEnabled() and panel.run_button.isEnabled()


def test_picking_a_sweep_point_loads_its_learning_rate_into_the_form(qtbot, window):
    panel = window.compare.sweep
    run_sweep(qtbot, panel, 1e-3, 0.1, 40, measure="iterations")
    lane = 17
    rate = panel.result.learning_rates[lane]
    with qtbot.waitSignal(panel.learning_rate_picked) as picked:
        panel.view.pick(lane)
    assert picked.args[0] == float(f"{rate:.3g}")
    assert window.form.config().learning_rate == float(f"{rate:.3g}")
    assert window.form.learning_rate.slider.value() == round(np.log10(float(f"{rate:.3g}")) * 20)


def test_a_bad_range_is_refused_without_a_thread(qtbot, window):
    panel = window.compare.sweep
    panel.lr_min.set_value(1.0)
    panel.lr_max.set_value(0.1)
    panel.run_button.click()
    assert not panel.runner.is_running()
    assert "smallest" in panel.status.text()


def test_the_sweep_cancels(qtbot, window):
    window.form.set_config(ENDLESS)
    panel = window.compare.sweep
    panel.count.setValue(50)
    with qtbot.waitSignal(panel.runner.progressed, timeout=10_000):
        panel.run_button.click()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=5000):
        panel.cancel_button.click()
    assert panel.result is None
    assert "cancelled" in panel.status.text()
    qtbot.waitUntil(lambda: running_threads() == [], timeout=5000)


def test_closing_the_window_while_a_sweep_runs_is_clean(qtbot, window):
    window.form.set_config(ENDLESS)
    panel = window.compare.sweep
    panel.count.setValue(50)
    with qtbot.waitSignal(panel.runner.progressed, timeout=10_000):
        panel.run_button.click()
    assert running_threads()
    window.close()
    assert running_threads() == []


def show_himmelblau(window):
    window.form.select_preset("himmelblau")


def test_the_basin_map_of_himmelblau_shows_four_basins(qtbot, window):
    show_himmelblau(window)
    panel = window.compare.basins
    preset = get_preset("himmelblau")
    assert [f.value() for f in panel.ranges] == [*preset.plot_range[0], *preset.plot_range[1]]
    assert panel.controls.isEnabled() and panel.reason.isHidden()
    panel.resolution.setValue(30)
    with qtbot.waitSignal(panel.runner.succeeded, timeout=20_000):
        panel.run_button.click()
    result = panel.basin_map
    minima = [b for b in result.basins if b.kind == "minimum"]
    assert len(minima) == 4 and all(b.known for b in minima)
    expected = basin_map(
        window.form.config(), *preset.plot_range, 30, preset.minima
    )  # the same map as the core's
    np.testing.assert_array_equal(result.labels, expected.labels)
    assert panel.overlay.is_shown()
    assert panel.overlay.image.image.shape[:2] == (30, 30)
    panel.overlay_box.setChecked(False)
    assert not panel.overlay.is_shown()
    panel.colour_by.setCurrentIndex(panel.colour_by.findData("iterations"))
    assert panel.view.colour_by == "iterations"


def test_the_basin_map_needs_two_variables_and_says_so(qtbot, window):
    window.form.select_preset("three-variables")
    panel = window.compare.basins
    assert not panel.controls.isEnabled()
    assert not panel.reason.isHidden() and "two variables" in panel.reason.text()
    window.form.select_preset("himmelblau")
    assert panel.controls.isEnabled()


def test_the_basin_map_cancels(qtbot, window):
    show_himmelblau(window)
    window.form.set_config(window.form.config().replace(iterations=150_000, tol_grad=0.0,
                                                        learning_rate=1e-9))  # fmt: skip
    panel = window.compare.basins
    panel.resolution.setValue(100)  # 1.5e9 lane-steps: minutes of work, inside the budget
    with qtbot.waitSignal(panel.runner.progressed, timeout=10_000):
        panel.run_button.click()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=5000):
        panel.cancel_button.click()
    assert panel.basin_map is None and not panel.overlay.is_shown()
    qtbot.waitUntil(lambda: running_threads() == [], timeout=5000)
