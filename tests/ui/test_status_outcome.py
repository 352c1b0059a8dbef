"""The window says what the core says: status text, iteration count, playback and export agree."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.optimizers import VARIANTS

# x^2 + 10y^2 from (3, 2): slowly diverging for gd / momentum / nesterov, settling for the rest
RATES = {"gd": 0.11, "momentum": 0.2, "nesterov": 0.11, "adagrad": 0.5, "rmsprop": 0.05,
         "adam": 0.1}  # fmt: skip


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_status_count_playback_and_export_agree_for_every_variant(qtbot, window, tmp_path, variant):
    config = RunConfig(
        "x^2 + 10y^2", (3.0, 2.0), variant=variant, learning_rate=RATES[variant], iterations=150
    )
    window.form.set_config(config)
    assert window.form.config() == config
    with qtbot.waitSignal(window.controller.run_finished, timeout=20_000) as finished:
        qtbot.mouseClick(window.form.run_button, Qt.MouseButton.LeftButton)
    outcome = finished.args[0]
    expected_rows, expected = run_to_end(config)
    assert outcome == expected
    assert window.status_label.text() == outcome.message
    last = outcome.iterations
    assert last == len(expected_rows) - 1 == len(window.controller.trajectory) - 1
    assert window.progress.value() == window.progress.maximum() == last
    assert window.playback.count() == last + 1 and window.playback.index() == last
    if variant in ("gd", "momentum", "nesterov"):
        assert outcome.message.startswith((f"Diverging after {last} ", f"Diverged after {last} "))
    target = tmp_path / f"{variant}.csv"
    assert window.files.export_trajectory(str(target))
    settings = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert settings["outcome"] == {
        "reason": outcome.reason.value, "iterations": last, "message": outcome.message
    }  # fmt: skip
    assert RunConfig.from_dict(settings) == config
