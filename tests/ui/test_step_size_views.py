"""The window with Newton's method and line searches: form, φ(α) view, inspector, model overlay."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.stepsize.search_settings import LineSearchSettings

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
ARMIJO_NEWTON = RunConfig(
    ROSENBROCK, (-1.2, 1.0), variant="newton", learning_rate=1.0,
    line_search=LineSearchSettings("armijo", 0.5, 1e-4),
)  # fmt: skip


@pytest.fixture
def window_config() -> RunConfig:
    return ARMIJO_NEWTON


def run_in(qtbot, window) -> None:
    with qtbot.waitSignal(window.controller.run_finished, timeout=20_000):
        window.form.request_run()


def test_the_form_round_trips_newton_and_the_line_search(qtbot, window) -> None:
    assert window.form.config() == ARMIJO_NEWTON
    exact = ARMIJO_NEWTON.replace(variant="gd", line_search=LineSearchSettings("exact"))
    window.form.set_config(exact)
    assert window.form.config() == exact
    window.form.set_config(ARMIJO_NEWTON.replace(line_search=None))
    assert window.form.config().line_search is None


def test_the_line_search_is_offered_to_gd_and_newton_only(qtbot, window) -> None:
    group = window.form.optimizer.line_search
    window.form.variant_combo.setCurrentIndex(window.form.variant_combo.findData("adam"))
    assert not group.combo.isEnabled()
    assert window.form.config().line_search is None
    assert "gradient descent and Newton" in group.hint.text()
    window.form.variant_combo.setCurrentIndex(window.form.variant_combo.findData("gd"))
    assert group.combo.isEnabled()


def test_a_wrong_shrink_keeps_the_run_from_starting(qtbot, window) -> None:
    group = window.form.optimizer.line_search
    group.shrink.line_edit.setText("1.5")
    assert window.form.config() is None
    assert "less than 1" in (group.shrink.error() or "")


def test_the_phi_view_draws_the_trials_of_iteration_k(qtbot, window) -> None:
    run_in(qtbot, window)
    view = window.step_size_views.line_search
    assert window.step_size_views.dock.isVisible()
    window.playback.set_index(1)  # the Newton step from x₁ overshoots: 4 trials, α = 1/8
    update = view.update_shown
    assert update is not None and update.search is not None
    alphas = [t.alpha for t in update.search.trials]
    assert alphas == [1.0, 0.5, 0.25, 0.125]
    shown_x, shown_y = view.trials.getData()
    np.testing.assert_array_equal(shown_x, alphas)
    assert view.accepted.getData()[0].tolist() == [0.125]
    armijo_x, armijo_y = view.armijo.getData()
    trajectory = window.stage.shown().trajectory
    assert armijo_y[0] == trajectory.values[1]  # the Armijo line starts at f(x₁)
    assert np.all(np.diff(armijo_y) < 0)  # and falls with slope c·∇fᵀd < 0
    text = window.inspector.plain_text()
    assert "Line search of update 1" in text and "trial 4: α = 0.125" in text
    assert "Newton's direction" in text and "eigenvalues of ∇²f(x₁)" in text


def test_the_quadratic_model_is_drawn_at_iteration_k(qtbot, window) -> None:
    run_in(qtbot, window)
    overlay = window.step_size_views.overlay
    assert window.step_size_views.model_action.isChecked()  # switched on for a Newton run
    window.playback.set_index(2)
    model = overlay.model
    trajectory = window.stage.shown().trajectory
    assert model is not None and np.array_equal(model.point, trajectory.points[2])
    xs, ys = overlay.through.getData()
    finite = np.isfinite(xs)
    assert finite.sum() > 100
    levels = model(np.column_stack([xs[finite], ys[finite]]))  # an exact ellipse through x₂
    np.testing.assert_allclose(levels, model.value, rtol=1e-9)
    target = overlay.target.getData()
    newton = model.stationary_point
    assert newton is not None
    np.testing.assert_allclose([target[0][0], target[1][0]], newton, rtol=1e-12)
    assert trajectory.column("alpha")[3] == 1.0  # update 2 took the whole Newton step:
    np.testing.assert_allclose(newton, trajectory.points[3], rtol=1e-12)  # x₃ is its target
    window.step_size_views.model_action.trigger()  # off, by the student's choice
    assert overlay.through.getData()[0] is None or len(overlay.through.getData()[0]) == 0


def test_a_run_without_a_line_search_says_so_in_the_phi_view(qtbot, window) -> None:
    window.form.set_config(ARMIJO_NEWTON.replace(variant="gd", line_search=None, iterations=5))
    run_in(qtbot, window)
    view = window.step_size_views.line_search
    assert not view.has_search
    assert "no line search" in view.message.text()


def test_the_line_search_choice_leaves_the_form_in_data_mode(qtbot, window) -> None:
    group = window.form.optimizer.line_search
    assert group.isVisibleTo(window.form)
    window.form.mode_switch.set_data_mode(True)
    assert not group.isVisibleTo(window.form)
    window.form.mode_switch.set_data_mode(False)
    assert group.isVisibleTo(window.form)


def test_the_runs_table_names_the_line_search(tmp_path) -> None:
    from gdexplorer.core.engine import run_to_end
    from gdexplorer.core.many.runs_io import RunRecord, read_runs, write_runs
    from gdexplorer.ui.compare.runs_table import cell_text

    trajectory, outcome = run_to_end(ARMIJO_NEWTON)
    record = RunRecord("Run 1", ARMIJO_NEWTON, trajectory, outcome, 0.1)
    assert cell_text(record, "Variant") == "Newton's method, armijo line search"
    target = write_runs([record], tmp_path / "runs.csv")
    (back,) = read_runs(target)
    assert back.config == ARMIJO_NEWTON.validated()
    assert np.array_equal(back.trajectory.rows, trajectory.rows, equal_nan=True)
