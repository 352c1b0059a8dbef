"""The bundled sample data sets: their generator, their index and what each one shows.

The CSV files in resources/ were written once by :func:`generate_samples` below (fixed seed);
the first test checks that the committed files are exactly what it produces, so anyone can see
how they were made and regenerate them:

    python -c "from tests.core.test_data_samples import write_samples; write_samples()"
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdexplorer.core.data.datasets import get_sample, load_dataset, load_samples
from gdexplorer.core.engine import run_to_end

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _table(columns: list[str], rows: np.ndarray, decimals: list[int]) -> str:
    lines = [",".join(columns)]
    lines += [",".join(f"{v:.{d}f}" for v, d in zip(row, decimals, strict=True)) for row in rows]
    return "\n".join(lines) + "\n"


def generate_samples() -> dict[str, str]:
    """The text of every bundled sample CSV (file name -> content)."""
    rng = np.random.default_rng(20240611)
    articles = np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3]], dtype=float)
    x = rng.uniform(-1, 3, 50)
    line = np.column_stack([x, 2 * x + 1 + rng.normal(0, 0.6, 50)])
    x1, x2 = rng.uniform(0, 1, 40), rng.uniform(0, 1000, 40)
    scales = np.column_stack([x1, x2, 2 * x1 + 0.003 * x2 + 1 + rng.normal(0, 0.1, 40)])
    labels = rng.permutation(np.repeat([0.0, 1.0], 30))
    centres = np.where(labels[:, None] == 1, [1.0, 0.8], [-1.0, -0.6])
    classes = np.column_stack([centres + rng.normal(0, 0.9, (60, 2)), labels])
    return {
        "data_articles.csv": _table(["x1", "x2", "y"], articles, [0, 0, 0]),
        "data_line.csv": _table(["x", "y"], line, [3, 3]),
        "data_scales.csv": _table(["x1", "x2", "y"], scales, [3, 3, 3]),
        "data_classes.csv": _table(["x1", "x2", "label"], classes, [3, 3, 0]),
    }


def write_samples() -> None:
    for name, text in generate_samples().items():
        (RESOURCES / name).write_text(text, encoding="utf-8")


def test_committed_samples_are_what_the_generator_writes():
    for name, text in generate_samples().items():
        assert (RESOURCES / name).read_text(encoding="utf-8") == text, name


def test_every_sample_in_the_index_loads_and_runs():
    samples = load_samples()
    assert {s.name for s in samples} == {"articles", "line", "scales", "classes"}
    for sample in samples:
        dataset = load_dataset(sample.config.data)
        assert len(dataset) >= 3
        trajectory, outcome = run_to_end(sample.config.replace(iterations=50))
        assert np.all(np.isfinite(trajectory.values)), sample.name
        assert trajectory.values[-1] < trajectory.values[0], sample.name


def test_the_articles_sample_is_the_articles_training_set():
    data = load_dataset("sample:articles")
    assert data.columns == ("x1", "x2", "y")
    np.testing.assert_array_equal(data.values, [[1, 1, 1], [2, 2, 2], [3, 3, 3]])


def test_the_scales_sample_has_features_a_thousand_times_apart():
    data = load_dataset("sample:scales")
    ratio = data.column("x2").std() / data.column("x1").std()
    assert ratio > 500


def test_the_classes_sample_overlaps_so_logistic_regression_has_a_minimum():
    data = load_dataset("sample:classes")
    labels = data.column("label")
    assert set(np.unique(labels)) == {0.0, 1.0}
    # Not linearly separable along the line joining the class means: some points cross it.
    direction = np.array([1.0, 0.7])
    score = data.values[:, :2] @ direction
    assert score[labels == 0].max() > score[labels == 1].min()


def test_unknown_sample_names_the_choices():
    with pytest.raises(Exception, match="choose one of articles"):
        get_sample("nope")
