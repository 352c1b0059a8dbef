"""The run loops' shared skeleton, driven by a toy update loop: batches, stops, cancel."""

from __future__ import annotations

import threading

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import RunTail, StopReason
from gdexplorer.core.run_loop import (
    DATA_WORDS,
    FUNCTION_WORDS,
    Chunking,
    stop_sentence,
    stream_rows,
)


class Counting:
    """Rows (k, k) for k = 1, 2, ...; stops by itself after ``stop_at`` updates if given."""

    def __init__(self, limit: int, stop_at: int | None = None) -> None:
        self.limit, self.stop_at, self.done = limit, stop_at, 0
        self.pending = [np.zeros((1, 2))]
        self.chunks: list[int] = []

    @property
    def remaining(self) -> int:
        return self.limit - self.done

    @property
    def stopped(self) -> bool:
        return self.stop_at is not None and self.done >= self.stop_at

    def advance(self, count: int) -> None:
        if self.stop_at is not None:
            count = min(count, self.stop_at - self.done)
        self.chunks.append(count)
        k = np.arange(self.done + 1, self.done + count + 1, dtype=float)
        self.pending.append(np.column_stack([k, k]))
        self.done += count

    def take(self) -> np.ndarray:
        block, self.pending = np.concatenate(self.pending or [np.empty((0, 2))]), []
        return block


def run(steps: Counting, cancel=None, batch_seconds=0.0) -> tuple[list, bool]:
    tail = RunTail(np.zeros(2), 1, False)
    return drain(stream_rows(steps, tail, Chunking(4, 64, batch_seconds), cancel))


def drain(stream) -> tuple[list, bool]:
    """Every batch left in ``stream`` and what it returned (True: cancelled)."""
    batches = []
    while True:
        try:
            batches.append(next(stream))
        except StopIteration as end:
            return batches, end.value


def test_every_row_leaves_once_in_order_and_chunks_never_pass_the_limit() -> None:
    steps = Counting(limit=1000)
    batches, cancelled = run(steps)
    rows = np.concatenate([b.rows for b in batches])
    np.testing.assert_array_equal(rows[:, 0], np.arange(1001))
    assert [b.start for b in batches] == list(np.cumsum([0] + [len(b.rows) for b in batches[:-1]]))
    assert not cancelled and sum(steps.chunks) == 1000 and steps.chunks[0] == 4
    assert max(steps.chunks) <= 64


def test_a_stop_rule_ends_the_run_and_is_not_a_cancel() -> None:
    steps = Counting(limit=1000, stop_at=37)
    batches, cancelled = run(steps, batch_seconds=3600.0)  # one batch, at the end
    assert not cancelled and len(batches) == 1 and len(batches[0].rows) == 38


def test_a_cancel_is_seen_between_chunks_and_keeps_what_was_computed() -> None:
    steps = Counting(limit=10**9)
    cancel = threading.Event()
    stream = stream_rows(steps, RunTail(np.zeros(2), 1, False), Chunking(4, 64, 0.0), cancel)
    first = next(stream)
    cancel.set()
    rest, cancelled = drain(stream)
    rows = np.concatenate([first.rows, *(b.rows for b in rest)])
    assert cancelled and len(rows) == steps.done + 1 < 10**9


def test_stop_sentences_name_the_kind_of_run() -> None:
    config = RunConfig("x^2", (1.0,), tol_grad=1e-6, tol_step=1e-9)
    assert stop_sentence(StopReason.CANCELLED, 1234, config, FUNCTION_WORDS) == (
        "Stopped by you after 1,234 iterations"
    )
    assert stop_sentence(StopReason.GRADIENT_SMALL, 5, config, DATA_WORDS) == (
        "Converged: the full-data gradient |∇L| < 1e-06 after 5 updates"
    )
    assert "the loss's domain" in stop_sentence(StopReason.UNDEFINED, 5, config, DATA_WORDS)
    assert stop_sentence(StopReason.MAX_ITERATIONS, 5, config, FUNCTION_WORDS) is None
