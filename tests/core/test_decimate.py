"""Peak decimation: a million rows drawn as a few thousand (min, max) pairs, spikes kept."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.decimate import (
    RAW_LIMIT,
    TARGET_BUCKETS,
    PeakSeries,
    peak_pairs,
    visible_pairs,
)


def test_peak_series_keeps_every_extreme_and_the_last_row_while_growing() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=300_001)
    values[123_457] = 50.0  # a spike must survive decimation
    values[7] = np.nan
    series = PeakSeries()
    for end in (5_000, 20_000, 20_001, 150_000, 300_001):  # rows arrive in batches
        x, y = series.update(values[:end])
        assert len(x) <= 4 * TARGET_BUCKETS + 2
        assert x[-1] <= end - 1 and np.all(np.diff(x) >= 0)
        assert np.nanmax(y) == np.nanmax(values[:end])
        assert np.nanmin(y) == np.nanmin(values[:end])
    fresh = PeakSeries().update(values)  # the same as computed in one go
    assert np.nanmax(fresh[1]) == 50.0
    assert len(PeakSeries().update(values[:RAW_LIMIT])[0]) == RAW_LIMIT  # short: raw


def test_zoomed_window_is_raw_when_small() -> None:
    values = np.arange(100_000, dtype=float)
    x, y = visible_pairs(values, 500, 600)
    np.testing.assert_array_equal(x, np.arange(500, 601))
    np.testing.assert_array_equal(y, values[500:601])
    x, y = visible_pairs(values, -10, 99_999)
    assert len(x) <= RAW_LIMIT + 2 and y.max() == 99_999 and y.min() == 0


def test_peak_pairs_are_each_buckets_min_then_max_with_a_partial_tail() -> None:
    values = np.array([3.0, 1.0, 2.0, 7.0, 5.0])
    x, y = peak_pairs(values, 10, 2)
    np.testing.assert_array_equal(x, [10, 10, 12, 12, 14, 14])
    np.testing.assert_array_equal(y, [1, 3, 2, 7, 5, 5])


def test_a_series_is_restarted_by_clear() -> None:
    series = PeakSeries()
    series.update(np.arange(100_000, dtype=float))
    assert series.bucket > 1
    series.clear()
    x, y = series.update(np.ones(10))
    assert series.bucket == 1 and len(x) == 10 and y.tolist() == [1.0] * 10
