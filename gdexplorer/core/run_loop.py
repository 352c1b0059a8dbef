"""The skeleton both single-run loops share: chunks, cancel, the resume gate, batches, stops.

A run on a typed function (:class:`gdexplorer.core.engine.Run`, a generated fused loop) and a
run on data (:class:`gdexplorer.core.data.engine.DataRun`, numpy per update) differ in how they
compute an update, and in nothing else that a caller sees. Both advance in chunks that last
1–4 ms (:func:`next_chunk`), so a cancel is seen and a GUI thread that wants the interpreter lock
for a redraw gets it within a few milliseconds (:class:`ResumeGate`); both hand their rows out as
:class:`Batch` es at most about 30 times a second; both say why they stopped in the same words.
:func:`stream_rows` is that loop once, driving either through the small :class:`Steps` protocol.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import RunTail, StopReason

BATCH_SECONDS = 1 / 30
"""Rows leave a run at most this often: a GUI redraws at most ~30 times a second anyway."""
RESUME_WAIT = 0.05
"""The longest a run waits between chunks for a GUI thread that is redrawing."""
RESUME_HOLDOFF = 0.2
"""After a wait ran out, the run ignores the gate this long (see :class:`ResumeGate`)."""


@dataclass(frozen=True)
class Batch:
    """Rows ``start .. start + len(rows) - 1`` of a trajectory (fresh arrays, never mutated)."""

    start: int
    rows: np.ndarray


class ResumeGate:
    """Waits between chunks while ``resume`` is clear, but never stalls a run.

    A GUI thread clears ``resume`` while its event loop handles events, so a redraw has the
    interpreter lock to itself. A thread that stays busy (or blocked) longer than
    ``RESUME_WAIT`` is not redrawing: the run then goes on without waiting for
    ``RESUME_HOLDOFF`` seconds, so it slows by a quarter at most instead of stalling.
    """

    def __init__(self, resume: threading.Event | None) -> None:
        self._resume = resume
        self._ignore_until = 0.0

    def wait(self) -> None:
        if self._resume is None or time.perf_counter() < self._ignore_until:
            return
        if not self._resume.wait(RESUME_WAIT):
            self._ignore_until = time.perf_counter() + RESUME_HOLDOFF


def next_chunk(chunk: int, seconds: float, largest: int = 1 << 16) -> int:
    """Aim for chunks of 1–4 ms: a cancel is seen, and a GUI thread that wants the interpreter
    lock for a redraw (``resume`` cleared) gets it, within a few milliseconds."""
    if seconds < 0.001:
        return min(chunk * 2, largest)
    if seconds > 0.004 and chunk > 1:
        return chunk // 2
    return chunk


class Steps(Protocol):
    """What :func:`stream_rows` needs of a run's update loop."""

    @property
    def remaining(self) -> int:
        """Updates the run may still make (its iteration or epoch limit minus those made)."""

    @property
    def stopped(self) -> bool:
        """True once a stop rule (convergence, divergence, the domain) ended the run."""

    def advance(self, count: int) -> None:
        """Make up to ``count`` updates, recording their rows, until a stop rule fires."""

    def take(self) -> np.ndarray:
        """The rows recorded since the last call (row 0, the start, comes first), as one
        fresh ``(rows, columns)`` array that the run never touches again."""


@dataclass(frozen=True)
class Chunking:
    """How a loop sizes its chunks: the first one, the largest, and the batch interval."""

    first: int
    largest: int
    batch_seconds: float = BATCH_SECONDS


def stream_rows(
    steps: Steps,
    tail: RunTail,
    chunking: Chunking,
    cancel: threading.Event | None = None,
    resume: threading.Event | None = None,
) -> Generator[Batch, None, bool]:
    """Advance ``steps`` chunk by chunk and yield its rows in batches; return True when
    ``cancel`` stopped it. ``tail`` sees every row after the start, for the diagnosis.

    Between chunks it waits at the resume gate (``resume``, see :class:`ResumeGate`), then
    looks at ``cancel``; chunks are resized to last 1–4 ms (:func:`next_chunk`).
    """
    chunk, emitted = chunking.first, 0
    gate = ResumeGate(resume)
    last_emit = time.perf_counter()
    while not steps.stopped and steps.remaining > 0:
        gate.wait()
        if cancel is not None and cancel.is_set():
            break
        began = time.perf_counter()
        steps.advance(min(chunk, steps.remaining))
        chunk = next_chunk(chunk, time.perf_counter() - began, chunking.largest)
        if time.perf_counter() - last_emit >= chunking.batch_seconds:
            batch = _observed(emitted, steps.take(), tail)
            yield batch
            emitted += len(batch.rows)
            last_emit = time.perf_counter()
    rows = steps.take()
    if len(rows):
        yield _observed(emitted, rows, tail)
    return not steps.stopped and steps.remaining > 0


def _observed(start: int, rows: np.ndarray, tail: RunTail) -> Batch:
    """The rows as a batch; the tail keeps the last of them (not the start) for the diagnosis."""
    tail.observe(rows[1:] if start == 0 else rows)
    return Batch(start, rows)


@dataclass(frozen=True)
class StopWords:
    """How a kind of run names its updates, its gradient and where it is defined."""

    noun: str
    gradient: str
    domain: str
    undefined: str


FUNCTION_WORDS = StopWords(
    "iterations", "|∇f|", "the function's domain", "f or its gradient is not defined"
)
DATA_WORDS = StopWords(
    "updates",
    "the full-data gradient |∇L|",
    "the loss's domain",
    "the loss or its gradient is not defined for some example",
)


def stop_sentence(reason: StopReason, done: int, config: RunConfig, words: StopWords) -> str | None:
    """The sentence a student reads for every reason but the iteration limit (None: each kind
    of run says how far it got in its own terms)."""
    after = f"after {done:,} {words.noun.removesuffix('s') if done == 1 else words.noun}"
    if reason is StopReason.CANCELLED:
        return f"Stopped by you {after}"
    if reason is StopReason.GRADIENT_SMALL:
        return f"Converged: {words.gradient} < {config.tol_grad:g} {after}"
    if reason is StopReason.STEP_SMALL:
        return f"Converged: the step was shorter than {config.tol_step:g} {after}"
    if reason is StopReason.DIVERGED:
        return f"Diverged {after}: the next update overflowed"
    if reason is StopReason.UNDEFINED:
        return (
            f"Left {words.domain} {after}: the next update reached a point where "
            f"{words.undefined} — try a smaller learning rate or another start"
        )
    return None
