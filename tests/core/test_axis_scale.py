"""The y axis of a growing series: log when positive values span decades, steady ranges."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.axis_scale import Extent, wants_log


def test_f_that_goes_negative_stays_linear() -> None:
    assert not wants_log(np.array([3.0, 1.0, -0.5]))
    assert wants_log(np.array([1e3, 1.0, 1e-3, 0.0]))
    assert not wants_log(np.array([2.0, 1.5, 1.0]))


def test_steady_ranges_round_outwards() -> None:
    extent = Extent().add(np.array([3e-5, 0.2, 41.0]))
    assert extent.steady_range(log=True) == (-5.0, 2.0)
    assert extent.steady_range(log=False) == (0.0, 50.0)
    assert Extent().add(np.array([-1.25, 2.5])).steady_range(log=False) == (-2.0, 3.0)
    assert Extent().steady_range(log=False) is None


def test_an_extent_grows_batch_by_batch_like_one_pass() -> None:
    values = np.array([5.0, np.nan, 0.5, np.inf, 1e-4, 0.0])
    grown = Extent().add(values[:2]).add(values[2:4]).add(values[4:])
    whole = Extent().add(values)
    assert (grown.low, grown.high, grown.least, grown.most) == (1e-4, 5.0, 0.0, 5.0)
    assert (whole.low, whole.high, whole.least, whole.most) == (1e-4, 5.0, 0.0, 5.0)
    assert grown.wants_log and not Extent().add(values[:3]).wants_log
