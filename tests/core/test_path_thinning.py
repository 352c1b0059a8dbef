"""Thinning a long path for drawing: an odd stride, the last row kept, vertices along the length."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.path_thinning import LINE_LIMIT, PathLength, drawn_indices, thinned_indices


def test_drawn_indices_thin_long_paths_with_an_odd_stride_and_keep_the_last() -> None:
    np.testing.assert_array_equal(drawn_indices(10, 20), np.arange(10))
    indices = drawn_indices(100_001, 5_000)
    stride = indices[1] - indices[0]
    assert stride % 2 == 1 and len(indices) <= 5_001
    assert indices[0] == 0 and indices[-1] == 100_000


def test_path_length_grows_with_the_new_rows_only_and_spreads_vertices_evenly() -> None:
    length = PathLength()
    length.reset("run", scale=(2.0, 1.0))
    points = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [np.nan, 5.0], [2.0, 3.0]])
    length.extend(points[:2])
    length.extend(points[2:])
    # (2, 0) is one x unit of 2; (0, 1) one y unit; steps to and from NaN count as 0
    np.testing.assert_allclose(length._lengths[: len(length)], [0.0, 1.0, 2.0, 2.0, 2.0])
    assert length.even_indices(3).tolist() == [0, 1, 2, 4]


def test_a_long_creep_does_not_take_the_vertices_of_the_part_that_moves() -> None:
    """1,000 rows that move, then 199,000 that stay put: thinning by row number alone gives
    the moving part ~10 vertices; half the vertices spread along the length give it most."""
    moving = np.column_stack([np.linspace(0, 1, 1_000), np.sin(np.linspace(0, 20, 1_000))])
    points = np.vstack([moving, np.repeat(moving[-1:], 199_000, axis=0)])
    length = PathLength()
    length.extend(points)
    by_row = drawn_indices(len(points), LINE_LIMIT)
    both = thinned_indices(len(points), LINE_LIMIT, length)
    assert np.count_nonzero(by_row < 1_000) <= 12
    assert np.count_nonzero(both < 1_000) >= 700
    assert len(both) <= LINE_LIMIT + 2 and both[0] == 0 and both[-1] == len(points) - 1


def test_a_path_whose_length_is_behind_is_thinned_by_row_alone() -> None:
    length = PathLength()
    length.extend(np.zeros((10, 2)))  # measured 10 rows of a 50,000-row path
    assert len(length) == 10
    np.testing.assert_array_equal(
        thinned_indices(50_000, LINE_LIMIT, length), drawn_indices(50_000, LINE_LIMIT)
    )
    np.testing.assert_array_equal(thinned_indices(7, LINE_LIMIT, length), np.arange(7))
