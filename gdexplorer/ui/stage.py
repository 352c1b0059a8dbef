"""The stage: what the window shows (a run or a race, its rows, iteration k), and the views
that follow it.

napari's ``Dims`` owns the current step and every view follows its events; the stage does the
same for gdexplorer. It holds the shown run (:class:`ShownRun`), relays the current iteration
of the playback bar (its transport) and, while a run streams, schedules the views' redraws.
Every view follows it through one small protocol (:class:`StageView`), so adding a view is one
:meth:`Stage.add_view`.

The streamed redraw is split into three turns of the event loop, so timers and input are
handled in between instead of waiting for all of them: the paths (views registered with
``Turn.PATH``), then the playback bar and what follows its index (inspector, markers), then, at
most ``SLOW_FPS`` times a second, the views registered with ``Turn.SLOW`` (the convergence
plots, the slowest to draw). Each turn first pauses the run loops
(:mod:`.threads.redraw_gate`), so a redraw has the interpreter lock alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal, Slot

from gdexplorer.ui.threads import redraw_gate

if TYPE_CHECKING:
    from gdexplorer.core.engine import Outcome
    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.core.trajectory import Trajectory
    from gdexplorer.ui.threads.run_worker import RunController
    from gdexplorer.ui.views.playback import PlaybackBar

STREAM_FPS = 20
"""While a run streams, the views redraw at most this often; rows are appended as they come."""
SLOW_FPS = 10
"""... and the views of the slow turn (the convergence plots) at most this often."""
TURN_PAUSE_MS = 5
"""The streamed redraw's turns start this long apart: time for the last turn's paint, then the
event loop is idle for a moment and timers and input go first."""


@dataclass(frozen=True)
class ShownRun:
    """The run on the stage.

    Attributes
    ----------
    run:
        The run (its settings, objective, optimizer), or None for a trajectory opened from a
        CSV file without its settings.
    trajectory:
        Its rows; while the run streams, rows are appended (views learn of them through
        :meth:`StageView.rows_added`).
    planned:
        The updates the run is about to stream, or None when every row is already there.
    outcome:
        Why a finished run stopped, when its ``run`` does not say (a run of the Compare
        dock, recomputed only to be inspected).
    """

    run: DescentRun | None
    trajectory: Trajectory
    planned: int | None = None
    outcome: Outcome | None = None

    @property
    def maximize(self) -> bool:
        return self.run is not None and bool(self.run.config.maximize)


class StageView(Protocol):
    """What a view does to follow the stage.

    The stage calls :meth:`show_run` for a new run, then :meth:`rows_added` for its rows in
    order (each row once, those already there included; ``streaming`` is False on the last
    call for the run, which may add no row), :meth:`show_iteration` when the current
    iteration changes and :meth:`clear` when nothing is shown.
    """

    def show_run(self, shown: ShownRun) -> None: ...

    def rows_added(self, start: int, stop: int, streaming: bool) -> None: ...

    def show_iteration(self, index: int) -> None: ...

    def clear(self) -> None: ...


class Turn(Enum):
    """When a view draws streamed rows: with the paths, or in the slow turn."""

    PATH = "path"
    SLOW = "slow"


@dataclass
class _Follower:
    view: StageView
    turn: Turn
    announced: int = 0  # rows of the shown trajectory the view has been told of


class Stage(QObject):
    """Owns what is shown and tells the registered views; schedules the streamed redraws.

    Signals
    -------
    run_shown(ShownRun):
        A run (streaming or complete) is on the stage, after the views were told.
    streaming_changed(bool):
        A run started streaming (True), or its stream ended or was left (False).
    index_changed(int):
        The current iteration changed, after the views were told.
    function_shown(object):
        The form's function is drawn on the landscape now (a ``ShownFunction``).
    run_inspected(ShownRun, int):
        During a race, the run whose iterations the inspector works out, and k.
    race_shown(int):
        A race is shown; the playback bar moves through this many rows.
    run_forgotten():
        A new function cleared the run or race of the old one from every view.

    A new function on the landscape (:meth:`show_function`) clears what belonged to the old
    one: the run or race, the inspector, the convergence plots and the progress bar.
    """

    run_shown = Signal(object)
    streaming_changed = Signal(bool)
    index_changed = Signal(int)
    function_shown = Signal(object)
    run_inspected = Signal(object, int)
    race_shown = Signal(int)
    run_forgotten = Signal()

    def __init__(
        self, playback: PlaybackBar, controller: RunController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.playback = playback
        self.controller = controller
        self._followers: list[_Follower] = []
        self._shown: ShownRun | None = None
        self._streaming = False
        self._racing = False
        self._function: object | None = None  # the objective on the landscape
        self._refresh_timer = self._timer(round(1000 / STREAM_FPS), self._on_refresh_due)
        self._follow_timer = self._timer(TURN_PAUSE_MS, self._on_follow_due)
        self._slow_timer = self._timer(TURN_PAUSE_MS, self._on_slow_due)
        self._slow_clock = QElapsedTimer()
        self._slow_clock.start()
        playback.index_changed.connect(self._on_index_changed)
        controller.run_started.connect(self._on_run_started)
        controller.rows_arrived.connect(self._on_rows_arrived)
        controller.run_finished.connect(self._on_run_finished)
        controller.run_failed.connect(self._on_run_failed)

    def _timer(self, interval_ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        return timer

    # -- views ----------------------------------------------------------------------------

    def add_view(self, view: StageView, turn: Turn = Turn.PATH) -> None:
        """Let ``view`` follow the stage; it is brought up to date at once."""
        follower = _Follower(view, turn)
        self._followers.append(follower)
        if self._shown is None:
            return
        view.show_run(self._shown)
        self._announce(follower, streaming=self._streaming)
        if self.index() >= 0:
            view.show_iteration(self.index())

    def remove_view(self, view: StageView) -> None:
        """``view`` stops following the stage (it keeps what it shows)."""
        self._followers = [f for f in self._followers if f.view is not view]

    # -- what is shown --------------------------------------------------------------------

    def shown(self) -> ShownRun | None:
        return self._shown

    def is_streaming(self) -> bool:
        return self._streaming

    def index(self) -> int:
        """The current iteration (row index), or -1 when none is shown."""
        return self.playback.index()

    def set_index(self, index: int) -> None:
        self.playback.set_index(index)

    def show_run(self, run: DescentRun | None, trajectory: Trajectory) -> None:
        """Show a complete trajectory (opened from a file): every view draws all its rows."""
        self._begin(ShownRun(run, trajectory), streaming=False)
        self._advance(Turn.PATH, streaming=False)
        self._advance(Turn.SLOW, streaming=False)
        self._follow(streaming=False)
        self.playback.suggest_speed(trajectory.iterations)

    def show_race(self, row_count: int, keep_index: bool) -> None:
        """Several runs are drawn by the race overlay: the playback bar moves through
        ``row_count`` rows, from k = 0 unless ``keep_index`` (a race was already shown)."""
        index = self.index() if keep_index else 0
        self._leave_stream()
        self._shown = None
        self._racing = True
        self.playback.reset()
        self.playback.set_count(row_count)
        if not keep_index:
            self.playback.suggest_speed(row_count - 1)
        self.playback.set_index(index)
        self.race_shown.emit(row_count)

    def inspect(
        self, run: DescentRun | None, trajectory: Trajectory, outcome: Outcome | None = None
    ) -> None:
        """During a race: work out the iterations of this run (None: its settings fail);
        ``outcome`` says why it stopped."""
        shown = ShownRun(run, trajectory, outcome=outcome)
        self.run_inspected.emit(shown, max(self.index(), 0))

    def clear(self) -> None:
        """Nothing is shown."""
        self._leave_stream()
        self._shown = None
        self._racing = False
        self.playback.reset()
        for follower in list(self._followers):
            follower.view.clear()

    def show_function(self, shown_function: object) -> None:
        """The landscape shows a new function now; those who draw on it may redraw.

        A run or race of another function is cleared from every view (a running one is
        abandoned): nothing keeps showing the old function's numbers.
        """
        objective = getattr(shown_function, "objective", None)
        previous, self._function = self._function, objective
        showing = self._shown is not None or self._racing
        if showing and previous is not None and not same_function(previous, objective):
            if self._streaming:
                self.controller.abandon()
            self.clear()
            self.run_forgotten.emit()
        self.function_shown.emit(shown_function)

    # -- the stream -----------------------------------------------------------------------

    def _begin(self, shown: ShownRun, streaming: bool) -> None:
        for timer in (self._refresh_timer, self._follow_timer, self._slow_timer):
            timer.stop()
        self.playback.reset()
        self._shown = shown
        self._racing = False
        for follower in list(self._followers):
            follower.announced = 0
            follower.view.show_run(shown)
        if streaming != self._streaming:
            self._streaming = streaming
            self.streaming_changed.emit(streaming)
        self.run_shown.emit(shown)

    def _leave_stream(self) -> None:
        for timer in (self._refresh_timer, self._follow_timer, self._slow_timer):
            timer.stop()
        if self._streaming:
            self._streaming = False
            self.streaming_changed.emit(False)

    def _end_stream(self) -> None:
        """Draw every row that has arrived; the slow views fit their axes to the rows in a
        later turn of the event loop."""
        self._streaming = False
        self._refresh_timer.stop()
        self._follow_timer.stop()
        self._advance(Turn.PATH, streaming=False)
        self._follow(streaming=False)
        self._slow_timer.start()
        self.streaming_changed.emit(False)

    def _advance(self, turn: Turn, streaming: bool) -> None:
        if self._shown is None:
            return
        redraw_gate.hold_runs()
        for follower in list(self._followers):
            if follower.turn is turn:
                self._announce(follower, streaming)

    def _announce(self, follower: _Follower, streaming: bool) -> None:
        """Tell ``follower`` of the rows it has not seen (and, at the end, that it ended)."""
        assert self._shown is not None
        stop = len(self._shown.trajectory)
        if stop > follower.announced or not streaming:
            start, follower.announced = follower.announced, stop
            follower.view.rows_added(start, stop, streaming)

    def _follow(self, streaming: bool) -> None:
        """The playback bar learns the row count (and follows the newest row)."""
        if self._shown is None:
            return
        redraw_gate.hold_runs()
        self.playback.set_count(len(self._shown.trajectory))
        if streaming and self._slow_clock.elapsed() >= 1000 / SLOW_FPS:
            self._slow_timer.start()

    # -- slots ----------------------------------------------------------------------------

    @Slot(object)
    def _on_run_started(self, run: DescentRun) -> None:
        trajectory = self.controller.trajectory
        assert trajectory is not None
        self._begin(ShownRun(run, trajectory, run.total_updates), streaming=True)

    @Slot(int)
    def _on_rows_arrived(self, _count: int) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def _on_refresh_due(self) -> None:
        self._advance(Turn.PATH, streaming=True)
        self._follow_timer.start()

    @Slot()
    def _on_follow_due(self) -> None:
        self._follow(streaming=True)

    @Slot()
    def _on_slow_due(self) -> None:
        self._slow_clock.restart()
        self._advance(Turn.SLOW, streaming=self._streaming)

    @Slot(object)
    def _on_run_finished(self, outcome: Outcome) -> None:
        self._end_stream()
        self.playback.suggest_speed(outcome.iterations)

    @Slot(str)
    def _on_run_failed(self, _message: str) -> None:
        self._end_stream()

    @Slot(int)
    def _on_index_changed(self, index: int) -> None:
        redraw_gate.hold_runs()
        for follower in list(self._followers):
            follower.view.show_iteration(index)
        self.index_changed.emit(index)


def same_function(one: object, other: object) -> bool:
    """Whether two objectives are the same function (expression, variables and data)."""
    if one is other:
        return True
    if one is None or other is None:
        return False
    return (
        getattr(one, "variables", None) == getattr(other, "variables", None)
        and getattr(one, "expr", None) == getattr(other, "expr", None)
        and getattr(one, "dataset", None) is getattr(other, "dataset", None)
    )
