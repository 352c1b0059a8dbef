"""A run on big data records the full-data loss at checkpoints: the plots join those points."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import template_loss
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.engine import record
from gdexplorer.ui.views.data_panel import EpochLossView


@pytest.fixture
def sparse_run(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(size=20_000)
    label = (x > 0).astype(float)
    path = tmp_path / "big.csv"
    lines = (f"{a!r},{b!r}" for a, b in zip(x.tolist(), label.tolist(), strict=True))
    path.write_text("x,label\n" + "\n".join(lines) + "\n", encoding="utf-8")
    config = RunConfig(
        function=template_loss("logistic regression", ["x"], "label"), start=(0.0, 0.0),
        learning_rate=0.5, data=str(path), batch_size=8, epochs=1, tol_grad=0.0,
    )  # fmt: skip
    run = DataRun(config)
    return run, record(run)


def test_the_full_loss_curve_joins_the_computed_points(qtbot, sparse_run):
    run, trajectory = sparse_run
    computed = ~np.isnan(trajectory.values)
    assert 2 < computed.sum() < len(trajectory) / 10  # sparse: most rows have no full loss
    view = EpochLossView()
    qtbot.addWidget(view)
    view.show_run(trajectory, run.schedule.updates_per_epoch, shuffled=True)
    xs, ys = view.full_curve.getData()
    assert len(ys) == computed.sum() and np.all(np.isfinite(ys))
    per_epoch = run.schedule.updates_per_epoch
    np.testing.assert_allclose(xs * per_epoch, np.flatnonzero(computed), rtol=0, atol=1e-9)
    view.show_iteration(1)  # an update without a full loss: no marker, no error
    assert len(view.marker.getData()[0] or []) == 0
    view.show_iteration(int(np.flatnonzero(computed)[1]))
    assert len(view.marker.getData()[0]) == 1
