"""Learning from data in the window: pick or load data, run the three flavours, step, export."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.batch_details import MAX_LISTED, batch_details
from gdexplorer.core.data.datasets import get_sample
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui.file_actions import read_settings
from gdexplorer.ui.main_window import MainWindow


@pytest.fixture
def window_config():
    """The window opens on its own first example, as a student sees it (see conftest.py)."""
    return None


def pick_sample(window, name: str) -> None:
    """Switch to data mode and choose a bundled sample, as a student clicks them."""
    window.form.mode_switch.data_button.click()
    combo = window.form.data_section.sample_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def sample_config(name: str) -> RunConfig:
    """The sample's run settings as a settings file gives them (variables as a tuple)."""
    return RunConfig.from_dict(get_sample(name).config.to_dict())


def run_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout) as finished:
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.playback.count() == finished.args[0].iterations + 1)
    return finished.args[0]


def test_data_mode_switches_the_form_and_a_sample_fills_every_field(qtbot, window):
    form = window.form
    assert not form.data_section.isVisible() and not window.data_dock.isVisible()
    pick_sample(window, "line")
    assert form.data_section.isVisible() and not form.function_field.isVisible()
    assert window.data_dock.isVisible()
    assert form.config() == sample_config("line")
    assert form.start_fields.variables() == ("w", "b")
    assert not form.gradient_combo.isEnabled()  # exact gradients on data
    assert "Mini-batch" in form.data_section.flavour_label.text()
    preview = form.data_section.loss_field.preview.text()
    assert "data: x, y" in preview and "parameters: w, b" in preview
    assert window.plot._objective.variables == ("w", "b")  # the contour is the data's loss
    form.mode_switch.function_button.click()
    assert form.config().data is None and form.function_field.isVisible()
    assert not window.data_dock.isVisible()


def test_batch_gradient_descent_on_the_articles_example_ends_at_one_half(qtbot, window):
    pick_sample(window, "articles")
    config = window.form.config()
    assert config.batch_size is None and "batch gradient descent" in (
        window.form.data_section.flavour_label.text().lower()
    )
    outcome = run_and_wait(qtbot, window)
    trajectory = window.controller.trajectory
    expected, _ = run_to_end(config)
    assert outcome.iterations == 1000
    np.testing.assert_array_equal(trajectory.points[-1], expected.points[-1])
    np.testing.assert_allclose(trajectory.points[-1], [0.5, 0.5], atol=1e-9)


def _stochastic_run(qtbot, window, seed: int) -> Trajectory:
    section = window.form.data_section
    section.batch_size.setValue(1)
    section.seed.setValue(seed)
    assert "Stochastic" in section.flavour_label.text()
    run_and_wait(qtbot, window)
    return window.controller.trajectory


def test_the_same_seed_gives_the_same_stochastic_run(qtbot, window):
    pick_sample(window, "line")
    first = _stochastic_run(qtbot, window, 7).rows.copy()
    again = _stochastic_run(qtbot, window, 7).rows.copy()
    other = _stochastic_run(qtbot, window, 8).rows.copy()
    assert window.form.config().batch_size == 1 and window.form.config().seed == 8
    np.testing.assert_array_equal(first, again)
    assert first.shape == other.shape and not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "is empty"),
        ("x,y\n1,2\n3,abc\n", "'abc', which is not a number"),
        ("x,y\n1,2\n3,nan\n", "missing a value"),
        ("x,y\n1,2\n3\n", "1 value(s) but the header has 2 columns"),
    ],
)
def test_a_bad_csv_is_reported_inline_and_disables_run(qtbot, window, tmp_path, content, says):
    pick_sample(window, "line")
    assert window.form.run_button.isEnabled()
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    assert not window.form.data_section.load_file(str(bad))
    error = window.form.data_section.data_error
    assert error.isVisible() and says in error.text()
    assert not window.form.run_button.isEnabled()
    assert window.form.config() is None


def test_a_loaded_csv_and_a_template_give_a_runnable_loss(qtbot, window, tmp_path):
    pick_sample(window, "line")
    good = tmp_path / "heights.csv"
    good.write_text("height,age,weight\n1.6,30,60\n1.8,40,80\n1.7,35,70\n", encoding="utf-8")
    section = window.form.data_section
    assert section.load_file(str(good))
    assert "3 examples; columns height, age, weight" in section.columns_label.text()
    assert not window.form.run_button.isEnabled()  # the line's loss names columns x and y
    assert "neither a column of the data" in section.loss_field.error_label.text()
    templates = section.templates
    templates.target_combo.setCurrentIndex(templates.target_combo.findData("weight"))
    templates.target_combo.activated.emit(templates.target_combo.currentIndex())
    templates.feature_checks["age"].setChecked(False)
    templates.template_combo.setCurrentIndex(1)
    templates.template_combo.activated.emit(1)
    assert section.loss_field.text() == "(w*height + b - weight)^2"
    assert window.form.start_fields.variables() == ("w", "b")
    assert window.form.run_button.isEnabled()
    config = window.form.config()
    assert config.data == str(good) and config.function == "(w*height + b - weight)^2"


def test_the_inspector_lists_the_batch_of_update_k(qtbot, window):
    pick_sample(window, "line")
    run_and_wait(qtbot, window)
    run, trajectory = window.controller.run, window.controller.trajectory
    k = 13
    window.playback.set_index(k)
    batch = run.batch_indices(k + 1)
    text = window.inspector.plain_text()
    assert f"Batch of update {k + 1}" in text
    for index in batch:
        assert f"example {index}: ℓ = " in text
    details = batch_details(run, trajectory, k)
    np.testing.assert_allclose(details.mean_gradient, trajectory.gradients[k], rtol=1e-12)
    assert "all 50: " in text and "the full-data gradient" in text


def test_a_batch_run_lists_at_most_twenty_examples(qtbot, window):
    pick_sample(window, "line")
    window.form.data_section.batch_size.setValue(0)  # all 50: batch gradient descent
    window.form.iterations.setValue(5)
    run_and_wait(qtbot, window)
    window.playback.set_index(2)
    text = window.inspector.plain_text()
    assert "all the examples" in text and f"… and {50 - MAX_LISTED} more" in text
    assert text.count("   ∇ℓ = ") == MAX_LISTED


def test_the_least_squares_fit_is_marked_on_the_loss_landscape(qtbot, window):
    pick_sample(window, "line")
    section = window.form.data_section
    qtbot.waitUntil(lambda: section.objective() is not None, timeout=5000)
    objective = section.objective()
    expected = objective.least_squares_minimum
    assert expected is not None
    qtbot.waitUntil(lambda: len(window.plot.path.minima.getData()[0] or ()) == 1, timeout=5000)
    x, y = window.plot.path.minima.getData()
    np.testing.assert_allclose([x[0], y[0]], expected)
    np.testing.assert_allclose(objective.gradient(np.array(expected)), [0.0, 0.0], atol=1e-9)
    assert window.plot.legend.getLabel(window.plot.path.minima).text == "least-squares fit"


def exported_line_run(qtbot, window, tmp_path):
    """Run the "line" sample in the window and export it to tmp_path / "run.csv"."""
    pick_sample(window, "line")
    run_and_wait(qtbot, window)
    target = tmp_path / "run.csv"
    assert window.files.export_trajectory(str(target))
    return target


def test_export_writes_the_batches_and_the_settings(qtbot, window, tmp_path):
    target = exported_line_run(qtbot, window, tmp_path)
    run = window.controller.run
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(window.controller.trajectory)
    assert rows[0]["batch"] == "" and rows[3]["epoch"] == "1"
    assert rows[3]["batch"] == " ".join(map(str, run.batch_indices(3)))
    assert read_settings(target.with_suffix(".json")) == run.config


def test_an_exported_data_csv_opens_again_with_its_batches(qtbot, window, tmp_path):
    target = exported_line_run(qtbot, window, tmp_path)
    shown = window.controller.trajectory
    window.form.mode_switch.function_button.click()  # the student moved on to something else
    with qtbot.waitSignal(window.files.trajectory_opened, timeout=5000) as opened:
        assert window.files.open_trajectory(str(target))
    trajectory, run = opened.args
    np.testing.assert_array_equal(trajectory.rows, shown.rows)
    assert window.form.config() == run.config and window.data_dock.isVisible()
    window.playback.set_index(3)
    assert window.data_panel.data_view.shown_index == 3
    target.with_suffix(".json").unlink()  # without its settings the batches are unknown
    assert not window.files.open_trajectory(str(target))
    assert "settings file run.json" in window.status_label.text()


def test_the_data_view_follows_the_playback_index(qtbot, window):
    pick_sample(window, "line")
    run_and_wait(qtbot, window)
    trajectory = window.controller.trajectory
    view = window.data_panel.data_view
    for index in (0, 25, 5):
        window.playback.set_index(index)
        assert view.shown_index == index
        w, b = trajectory.points[index]
        xs, ys = view.model.getData()
        np.testing.assert_allclose(ys, w * xs + b, atol=1e-12)
        assert window.data_panel.epoch_view.line.value() == pytest.approx(index / 10)


def test_data_settings_come_back_from_a_file_and_from_the_last_session(qtbot, window, tmp_path):
    config = sample_config("classes").replace(batch_size=4, seed=11, standardize=True)
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(config.to_dict()), encoding="utf-8")
    assert window.files.open_settings(str(path))
    assert window.form.mode_switch.is_data_mode()
    assert window.form.config() == config
    section = window.form.data_section
    assert section.templates.template_combo.currentData() == "logistic regression"
    assert section.standardize.isChecked() and section.seed.value() == 11
    assert section.objective().dataset.name.endswith("(standardized)")
    window.store.save_config(config)
    fresh = MainWindow(window.store)
    qtbot.addWidget(fresh)
    fresh.load_initial(None)
    assert fresh.form.config() == config
    fresh.close()


def test_standardizing_redraws_the_contour_of_the_rescaled_loss(qtbot, window):
    pick_sample(window, "scales")
    before = window.plot._objective
    window.form.data_section.standardize.setChecked(True)
    after = window.plot._objective
    assert after is not before and after.dataset.name.endswith("(standardized)")
    np.testing.assert_allclose(after.dataset.column("x2").std(), 1.0)
    assert window.form.config().standardize
