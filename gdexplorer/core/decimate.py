"""Peak decimation of a growing series, for drawing a million-row run in a few thousand points.

pyqtgraph's own ``setDownsampling(mode="peak")`` rescans every row on each ``setData`` (about
30 ms per curve at 1,000,000 rows), too slow to redraw while a run streams. A
:class:`PeakSeries` keeps the minimum and maximum of each bucket of consecutive rows and only
scans rows that arrived since the last call, doubling the bucket size when the buckets get too
many. Every bucket's extremes are drawn, so spikes survive; the data itself is never changed.
It is numpy only, so it is tested without Qt; the plots (``ui/views``) feed its output to
``setData``.
"""

from __future__ import annotations

import numpy as np

RAW_LIMIT = 8_192
"""Series up to this length are drawn as they are."""

TARGET_BUCKETS = 4_096
"""Long series are drawn as between this many and twice this many (min, max) pairs."""


def peak_pairs(values: np.ndarray, first: int, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y of (min, max) pairs over buckets of ``bucket`` rows; x is the bucket's first row.

    ``first`` is the row number of ``values[0]``; a partial last bucket is included.
    """
    count = len(values)
    if count == 0:
        return np.empty(0), np.empty(0)
    whole = count // bucket * bucket
    lows, highs = _extremes(values[:whole], bucket)
    if whole < count:
        lows = np.append(lows, np.fmin.reduce(values[whole:]))
        highs = np.append(highs, np.fmax.reduce(values[whole:]))
    starts = first + np.arange(len(lows)) * bucket
    return _interleave(starts, lows, highs)


def _extremes(values: np.ndarray, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    blocks = values.reshape(-1, bucket)
    return np.fmin.reduce(blocks, axis=1), np.fmax.reduce(blocks, axis=1)


def _interleave(starts, lows, highs) -> tuple[np.ndarray, np.ndarray]:
    x = np.repeat(np.asarray(starts, dtype=float), 2)
    y = np.empty(2 * len(lows))
    y[0::2], y[1::2] = lows, highs
    return x, y


class PeakSeries:
    """The drawable form of one growing column: raw while short, peak pairs when long."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.bucket = 1
        self._lows = np.empty(0)
        self._highs = np.empty(0)
        self._complete = 0  # rows summarized in whole buckets

    def update(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x and y to draw for ``values`` (all rows so far; earlier rows must not change)."""
        count = len(values)
        if count <= RAW_LIMIT:
            return np.arange(count, dtype=float), np.asarray(values, dtype=float)
        if self.bucket == 1:
            self.bucket = _bucket_for(count)
        whole = count // self.bucket * self.bucket
        if whole > self._complete:
            lows, highs = _extremes(values[self._complete : whole], self.bucket)
            self._lows = np.concatenate([self._lows, lows])
            self._highs = np.concatenate([self._highs, highs])
            self._complete = whole
        while len(self._lows) > 2 * TARGET_BUCKETS:
            self._merge_pairs()
        x, y = _interleave(np.arange(len(self._lows)) * self.bucket, self._lows, self._highs)
        tail_x, tail_y = peak_pairs(values[self._complete :], self._complete, self.bucket)
        return np.concatenate([x, tail_x]), np.concatenate([y, tail_y])

    def _merge_pairs(self) -> None:
        """Double the bucket: pairs of buckets become one; an odd last one rejoins the tail."""
        pairs = len(self._lows) // 2
        self._lows = np.fmin(self._lows[0 : 2 * pairs : 2], self._lows[1 : 2 * pairs : 2])
        self._highs = np.fmax(self._highs[0 : 2 * pairs : 2], self._highs[1 : 2 * pairs : 2])
        self.bucket *= 2
        self._complete = pairs * self.bucket


def _bucket_for(count: int) -> int:
    """The smallest power of two giving at most TARGET_BUCKETS buckets."""
    return 1 << max(int(np.ceil(np.log2(count / TARGET_BUCKETS))), 0)


def visible_pairs(
    values: np.ndarray, first: int, last: int, limit: int = RAW_LIMIT
) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``first .. last`` (a zoomed-in view), raw or peak-decimated to about ``limit``."""
    first, last = max(first, 0), min(last, len(values) - 1)
    if last < first:
        return np.empty(0), np.empty(0)
    window = np.asarray(values[first : last + 1], dtype=float)
    if len(window) <= limit:
        return np.arange(first, last + 1, dtype=float), window
    return peak_pairs(window, first, int(np.ceil(len(window) / (limit // 2))))


def computed_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` without the pairs whose ``y`` is NaN (a value not computed: a run on big
    data records the full-data loss only every few updates). A line through the remaining
    points joins them; NaN gaps would leave isolated points that draw nothing."""
    missing = np.isnan(y)
    if not missing.any():
        return x, y
    keep = ~missing
    return x[keep], y[keep]
