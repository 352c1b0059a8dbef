"""The runs list in the window: add, compare all variants, show/hide, race, export/import."""

from __future__ import annotations

import numpy as np
from run_configs import ENDLESS

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.many.runs_io import read_runs
from gdexplorer.core.optimizers import VARIANTS
from gdexplorer.ui.threads.run_worker import running_threads
from gdexplorer.ui.views.multi_path import Z_BASE


def wait_for_runs(qtbot, panel, action, timeout=20_000):
    with qtbot.waitSignal(panel.runner.succeeded, timeout=timeout):
        action()


def add_with_rate(qtbot, window, rate, iterations=None):
    config = window.form.config().replace(learning_rate=rate)
    if iterations is not None:
        config = config.replace(iterations=iterations)
    window.form.set_config(config)
    wait_for_runs(qtbot, window.compare.runs, window.compare.runs.add_current)
    return config


def path_items(window):
    """The race's path lines on the main plot (above the single run's items)."""
    return [
        item
        for item in window.plot.plot.items
        if type(item).__name__ == "PlotCurveItem" and item.zValue() >= Z_BASE
    ]


def test_added_runs_are_the_engines_runs_and_race_on_the_plot(qtbot, window):
    configs = [add_with_rate(qtbot, window, rate) for rate in (0.01, 0.045, 0.06)]
    panel = window.compare.runs
    assert [r.name for r in panel.runs] == ["Run 1", "Run 2", "Run 3"]
    for record, config in zip(panel.runs, configs, strict=True):
        expected, outcome = run_to_end(config)
        np.testing.assert_array_equal(record.trajectory.rows, expected.rows)
        assert record.outcome == outcome
        assert record.seconds is not None and record.seconds >= 0
    assert panel.runs[2].outcome.reason == StopReason.DIVERGED  # beyond 2/L = 0.05
    assert window.compare.is_racing()
    assert len(path_items(window)) == 3
    assert len(set(panel.colours)) == 3
    assert window.playback.count() == max(len(r.trajectory) for r in panel.runs)


def test_compare_all_variants_gives_one_engine_run_per_variant(qtbot, window):
    panel = window.compare.runs
    form_config = window.form.config()
    wait_for_runs(qtbot, panel, panel.compare_all_variants, timeout=30_000)
    assert [r.config.variant for r in panel.runs] == list(VARIANTS)
    for record in panel.runs:
        assert record.config == form_config.replace(
            variant=record.config.variant, learning_rate=record.config.learning_rate
        )
        expected, outcome = run_to_end(record.config)
        np.testing.assert_array_equal(record.trajectory.rows, expected.rows)
        assert record.outcome == outcome
    converged = [r.outcome.reason.converged for r in panel.runs]
    assert all(converged), [r.outcome.message for r in panel.runs]
    table = window.compare.runs.table
    assert table.proxy.rowCount() == len(VARIANTS)
    assert len(path_items(window)) == len(VARIANTS)


def test_hiding_a_run_removes_its_path_and_showing_brings_it_back(qtbot, window):
    for rate in (0.01, 0.03):
        add_with_rate(qtbot, window, rate)
    panel = window.compare.runs
    hidden = panel.runs[0].trajectory
    panel.set_shown(0, False)
    assert len(path_items(window)) == 1
    assert [e.trajectory for e in window.compare.race.entries] == [panel.runs[1].trajectory]
    assert hidden not in [e.trajectory for e in window.compare.race.entries]
    panel.set_shown(0, True)
    assert len(path_items(window)) == 2


def test_playback_moves_every_run_to_iteration_k_clamped_at_its_end(qtbot, window):
    add_with_rate(qtbot, window, 0.01)
    add_with_rate(qtbot, window, 0.045, iterations=40)  # stops early, at row 40
    panel = window.compare.runs
    lengths = [len(r.trajectory) for r in panel.runs]
    assert lengths[1] == 41 < lengths[0]
    for k in (0, 25, 60, lengths[0] - 1):
        window.playback.set_index(k)
        expected = [
            tuple(r.trajectory.points[min(k, n - 1)])
            for r, n in zip(panel.runs, lengths, strict=True)
        ]
        np.testing.assert_allclose(
            np.array(window.compare.race.current_points(), dtype=float), np.array(expected)
        )
        for line in window.convergence.lines:
            assert line.value() == k
    panel.table.select_run(1)
    window.playback.set_index(60)
    assert window.inspector.example.index == 40  # the selected run waits at its end
    np.testing.assert_array_equal(
        window.inspector.example.point, panel.runs[1].trajectory.points[40]
    )


def test_a_single_run_leaves_the_race_and_selecting_a_run_brings_it_back(qtbot, window):
    add_with_rate(qtbot, window, 0.02)
    with qtbot.waitSignal(window.controller.run_finished, timeout=10_000):
        window.form.request_run()
    assert not window.compare.is_racing()
    assert path_items(window) == []
    window.compare.runs.race_button.click()
    assert window.compare.is_racing()
    assert window.controller.run is None


def test_edit_a_copy_loads_its_settings_into_the_form(qtbot, window):
    add_with_rate(qtbot, window, 0.02)
    add_with_rate(qtbot, window, 0.03)
    panel = window.compare.runs
    panel.table.select_run(0)
    panel.edit_button.click()
    assert window.form.config() == panel.runs[0].config
    assert window.compare.is_racing()  # same function: the race stays


def test_runs_on_another_function_are_refused_with_a_reason(qtbot, window):
    add_with_rate(qtbot, window, 0.02)
    window.form.set_config(RunConfig("x^2 + y^2", (1.0, 1.0)))
    window.compare.runs.add_current()
    assert len(window.compare.runs.runs) == 1
    assert "Remove all" in window.compare.runs.status.text()
    qtbot.waitUntil(lambda: not window.compare.is_racing(), timeout=2000)


def test_export_then_import_gives_the_same_runs(qtbot, window, tmp_path):
    for rate in (0.01, 0.06):
        add_with_rate(qtbot, window, rate)
    panel = window.compare.runs

    def described(runs):
        return [(r.name, r.config, r.outcome, r.trajectory.rows.tolist()) for r in runs]

    before = described(panel.runs)
    path = tmp_path / "runs.csv"
    file_menu = window.menuBar().actions()[0].menu()
    assert {panel.export_action, panel.import_action} <= set(file_menu.actions())
    assert panel.export_runs(str(path))
    assert path.exists() and path.with_suffix(".json").exists()
    assert len(read_runs(path)) == 2
    panel.clear()
    assert panel.runs == [] and not window.compare.is_racing()
    assert panel.import_runs(str(path))
    assert described(panel.runs) == before
    assert window.compare.is_racing()
    assert "— diverged" in panel.table.model.data(panel.table.model.index(1, 7))


def test_failed_import_and_export_say_why_and_keep_what_was_there(qtbot, window, tmp_path):
    add_with_rate(qtbot, window, 0.02)
    panel = window.compare.runs
    bad = tmp_path / "bad.csv"
    bad.write_text("run,iteration\n1,0\n")
    assert not panel.import_runs(str(bad))
    assert "Could not import" in panel.status.text()
    assert len(panel.runs) == 1
    assert not panel.export_runs(str(tmp_path / "no such folder" / "runs.csv"))
    assert "Could not export" in panel.status.text()
    assert "Could not export" in window.status_label.text()


def test_cancel_adds_nothing_and_ends_the_thread(qtbot, window):
    window.form.set_config(ENDLESS)
    panel = window.compare.runs
    panel.add_current()
    assert not panel.cancel_button.isHidden()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=5000):
        panel.cancel_button.click()
    assert panel.runs == []
    qtbot.waitUntil(lambda: running_threads() == [], timeout=5000)
    assert panel.add_button.isEnabled() and panel.cancel_button.isHidden()
