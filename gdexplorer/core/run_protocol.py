"""What every run offers, on a typed function or on a dataset: :class:`DescentRun`.

:func:`gdexplorer.core.engine.make_run` returns a :class:`~gdexplorer.core.engine.Run` or a
:class:`~gdexplorer.core.data.engine.DataRun`; the worker thread, the stage, the views and the
worked example use either through this protocol, so mypy checks that both keep offering what
they ask for. What only a run on data has (its dataset and batch schedule) is reached after
:func:`is_data_run`, which narrows the type instead of asking ``hasattr``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeGuard

if TYPE_CHECKING:
    import numpy as np
    import sympy

    from gdexplorer.core.config import RunConfig
    from gdexplorer.core.data.engine import DataRun
    from gdexplorer.core.diagnosis import Outcome
    from gdexplorer.core.engine import Batch
    from gdexplorer.core.optimizers import Variant
    from gdexplorer.core.trajectory import Trajectory


class RunObjective(Protocol):
    """What a run minimises: f and its exact gradient over ``variables``.

    An :class:`~gdexplorer.core.objective.Objective` (a typed function) or a
    :class:`~gdexplorer.core.data.objective.DataObjective` (the mean loss over a dataset, whose
    ``expr`` is the loss of one example).
    """

    @property
    def variables(self) -> tuple[str, ...]: ...

    @property
    def dimension(self) -> int: ...

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]: ...

    @property
    def expr(self) -> sympy.Expr: ...

    @property
    def gradient_exprs(self) -> tuple[sympy.Expr, ...]: ...

    def value(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """f at ``points`` (shape ``(..., d)``) -> shape ``(...)``."""
        ...

    def gradient(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """The exact gradient at ``points`` (shape ``(..., d)``) -> shape ``(..., d)``."""
        ...


class DescentRun(Protocol):
    """One validated run of gradient descent; iterate :meth:`batches` once.

    Attributes are read-only to its users; ``outcome`` is None until :meth:`batches` has
    ended, then says why the run stopped.
    """

    @property
    def config(self) -> RunConfig: ...

    @property
    def objective(self) -> RunObjective: ...

    @property
    def variant(self) -> Variant: ...

    @property
    def hyperparameters(self) -> dict[str, float]: ...

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def first_row(self) -> np.ndarray: ...

    @property
    def total_updates(self) -> int:
        """The updates the run makes at most (``config.iterations``, or fewer epochs' worth)."""
        ...

    @property
    def outcome(self) -> Outcome | None: ...

    def new_trajectory(self) -> Trajectory:
        """An empty trajectory with this run's columns, for the rows of :meth:`batches`."""
        ...

    def batches(
        self,
        cancel: threading.Event | None = None,
        batch_seconds: float = ...,
        resume: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield the rows as they are computed; row 0 (the start) comes first."""
        ...


def is_data_run(run: DescentRun | None) -> TypeGuard[DataRun]:
    """Whether ``run`` learns from a dataset: then its dataset and batch schedule are there."""
    from gdexplorer.core.data.engine import DataRun

    return isinstance(run, DataRun)
