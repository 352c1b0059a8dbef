"""The data view: the model drawn at the shown update, with the next batch circled."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import get_sample, load_dataset, template_loss
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.data.model import PictureKind
from gdexplorer.core.data.objective import build_data_objective
from gdexplorer.core.engine import record
from gdexplorer.ui.views.data_view import DataView


def _finished(config: RunConfig):
    run = DataRun(config)
    return run, record(run)


@pytest.fixture
def view(qtbot):
    widget = DataView()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    return widget


def test_the_line_follows_the_parameters_of_the_shown_update(view):
    run, trajectory = _finished(get_sample("line").config)
    view.show_data(run, trajectory)
    model_items = view.model
    for index in (0, 7, len(trajectory) - 1):
        view.show_iteration(index)
        w, b = trajectory.points[index]
        xs, ys = view.model.getData()
        assert len(xs) > 100
        np.testing.assert_allclose(ys, w * xs + b, atol=1e-12)
        batch = run.batch_indices(index + 1)
        bx, by = view.batch.getData()
        if index == len(trajectory) - 1:  # the run ended: no next batch to circle
            assert len(bx) == 0 and "no further update" in view.caption.text()
        else:
            np.testing.assert_array_equal(bx, run.dataset.column("x")[batch])
            np.testing.assert_array_equal(by, run.dataset.column("y")[batch])
        assert f"Update {index:,}." in view.caption.text()
    assert view.model is model_items  # updated in place, never re-created
    assert view.plot.listDataItems().count(view.model) == 1
    px, _ = view.points.getData()
    assert len(px) == 50


def test_the_decision_boundary_is_where_the_score_is_zero(view):
    run, trajectory = _finished(get_sample("classes").config)
    view.show_data(run, trajectory)
    view.show_iteration(len(trajectory) - 1)
    assert view.shading.isVisible()
    image = view.shading.image
    assert image.shape == (120, 120)
    assert image.min() < 0.1 and image.max() > 0.9  # both classes have a confident side
    w1, w2, b = trajectory.points[-1]
    rect = view.shading.mapRectToParent(view.shading.boundingRect())
    corner_score = w1 * rect.left() + w2 * rect.top() + b
    assert (image[0, 0] > 0.5) == (corner_score > 0)
    view.show_iteration(0)  # every parameter zero: undecided everywhere
    np.testing.assert_allclose(view.shading.image, 0.5)
    assert "orange triangles" in view.caption.text()


def test_the_fit_view_moves_the_points_toward_the_diagonal(view):
    run, trajectory = _finished(get_sample("articles").config)
    view.show_data(run, trajectory)
    assert view.reference.isVisible()
    view.show_iteration(0)
    _, before = view.points.getData()
    np.testing.assert_array_equal(before, 0.0)
    view.show_iteration(len(trajectory) - 1)
    truth, after = view.points.getData()
    np.testing.assert_allclose(after, truth, atol=1e-9)
    assert view.batch.getData()[0].size == 0  # batch GD: nothing to circle
    assert "uses all 3 examples" in view.caption.text()


def test_out_of_range_indices_are_clamped_and_clear_forgets(view):
    run, trajectory = _finished(get_sample("line").config.replace(epochs=1))
    view.show_data(run, trajectory)
    view.show_iteration(10_000)
    assert view.shown_index == len(trajectory) - 1
    view.clear()
    assert view.model.getData()[0] is None or len(view.model.getData()[0]) == 0
    view.show_iteration(3)  # nothing shown: no error
    assert view.caption.text() == ""


def test_a_growing_trajectory_can_be_shown_while_it_streams(view):
    run = DataRun(get_sample("line").config)
    trajectory = run.new_trajectory()
    view.show_data(run, trajectory)  # empty so far
    batches = run.batches(batch_seconds=0)
    trajectory.append(next(batches).rows)
    view.show_iteration(len(trajectory) - 1)
    assert view.shown_index == len(trajectory) - 1
    for batch in batches:
        trajectory.append(batch.rows)
    view.show_iteration(len(trajectory) - 1)
    assert run.outcome is not None


def test_picture_kinds_of_the_samples(view):
    kinds = {}
    for name in ("articles", "line", "scales", "classes"):
        run = DataRun(get_sample(name).config)
        view.show_data(run, run.new_trajectory())
        assert view.picture is not None
        kinds[name] = view.picture.kind
    assert kinds == {
        "articles": PictureKind.FIT,
        "line": PictureKind.CURVE,
        "scales": PictureKind.FIT,
        "classes": PictureKind.BOUNDARY,
    }


def _three_features(tmp_path) -> str:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 3))
    label = (x @ [1.0, -1.0, 0.5] + rng.normal(0, 0.5, 40) > 0).astype(int)
    lines = [f"{a:.4f},{b:.4f},{c:.4f},{y}" for (a, b, c), y in zip(x, label, strict=True)]
    path = tmp_path / "three.csv"
    path.write_text("x1,x2,x3,label\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("data", "loss", "kind"),
    [
        ("sample:classes", template_loss("logistic regression", ["x1"], "label"),
         PictureKind.SIGMOID),
        ("sample:classes", "log(1 + exp(-(2*label - 1)*(w1*x1 + w2*x2 + w3*x1*x2 + b)))",
         PictureKind.BOUNDARY),
        (None, template_loss("logistic regression", ["x1", "x2", "x3"], "label"),
         PictureKind.SCORES),
        ("sample:line", "abs(w*x + b - y)", PictureKind.POINTS),
    ],
)  # fmt: skip
def test_other_pictures_draw_without_errors(view, tmp_path, data, loss, kind):
    data = data or _three_features(tmp_path)
    start = (0.0,) * build_data_objective(loss, load_dataset(data)).dimension
    config = RunConfig(function=loss, start=start, data=data, learning_rate=0.3, iterations=300)
    run, trajectory = _finished(config)
    view.show_data(run, trajectory)
    assert view.picture is not None and view.picture.kind is kind
    view.show_iteration(len(trajectory) - 1)
    xs, ys = view.model.getData()
    if kind is PictureKind.POINTS:
        assert xs is None or len(xs) == 0
    elif kind is PictureKind.BOUNDARY:
        image = view.shading.image
        assert image.min() < 0.2 and image.max() > 0.8
    else:
        assert np.all((ys >= 0) & (ys <= 1)) and ys[-1] > ys[0]  # a rising probability
    assert len(view.points.getData()[0]) == len(run.dataset)
