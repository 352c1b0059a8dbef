"""The stage: registered views follow the shown run, its streamed rows and iteration k."""

from __future__ import annotations

import pytest
from run_configs import ENDLESS

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.ui.stage import ShownRun, Stage, Turn
from gdexplorer.ui.threads.run_worker import RunController
from gdexplorer.ui.views.playback import PlaybackBar

LONG_BOWL = RunConfig("x^2 + 3y^2", (2.0, -1.0), learning_rate=1e-6, iterations=200_000)


class FakeView:
    """Records every call of the protocol, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def show_run(self, shown: ShownRun) -> None:
        self.calls.append(("show_run", shown))

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        self.calls.append(("rows_added", start, stop, streaming))

    def show_iteration(self, index: int) -> None:
        self.calls.append(("show_iteration", index))

    def clear(self) -> None:
        self.calls.append(("clear",))

    def named(self, name: str) -> list[tuple]:
        return [call for call in self.calls if call[0] == name]

    def ended(self) -> bool:
        return any(call[0] == "rows_added" and not call[3] for call in self.calls)


@pytest.fixture
def stage(qtbot):
    playback = PlaybackBar()
    qtbot.addWidget(playback)
    controller = RunController()
    made = Stage(playback, controller)
    yield made
    assert controller.shutdown(5000)


def assert_follows_the_run(view: FakeView, trajectory) -> None:
    """One show_run of this trajectory first; then rows_added covering each row once, in
    order, non-empty while streaming, and ending with the one call that says it ended."""
    assert view.calls[0][0] == "show_run" and view.calls[0][1].trajectory is trajectory
    assert len(view.named("show_run")) == 1
    added = view.named("rows_added")
    assert added, "no rows were announced"
    assert added[0][1] == 0
    for (_, _, stop, _), (_, start, _, _) in zip(added, added[1:], strict=False):
        assert start == stop
    assert added[-1][2] == len(trajectory)
    assert [call[3] for call in added] == [True] * (len(added) - 1) + [False]
    assert all(stop > start for _, start, stop, streaming in added if streaming)


def run_on_stage(qtbot, stage: Stage, config: RunConfig, views: list[FakeView]):
    with qtbot.waitSignal(stage.controller.run_finished, timeout=60_000) as finished:
        stage.controller.start(config)
    qtbot.waitUntil(lambda: all(view.ended() for view in views), timeout=5_000)
    return finished.args[0]


@pytest.mark.parametrize("turn", list(Turn))
@pytest.mark.parametrize("config", [LONG_BOWL, ENDLESS], ids=["finished", "cancelled"])
def test_a_streamed_run_reaches_every_view_row_by_row(qtbot, stage, turn, config) -> None:
    view, slow = FakeView(), FakeView()
    stage.add_view(view, turn)
    stage.add_view(slow, Turn.SLOW)
    changes: list[bool] = []
    stage.streaming_changed.connect(changes.append)
    with qtbot.waitSignal(stage.controller.run_finished, timeout=60_000) as finished:
        stage.controller.start(config)
        if config is ENDLESS:  # stopped once both views have drawn in several turns

            def several_turns() -> bool:
                return min(len(v.named("rows_added")) for v in (view, slow)) >= 3

            qtbot.waitUntil(several_turns, timeout=30_000)
            stage.controller.cancel()
    qtbot.waitUntil(lambda: view.ended() and slow.ended(), timeout=5_000)
    outcome, trajectory = finished.args[0], stage.controller.trajectory
    assert len(trajectory) == outcome.iterations + 1
    if config is LONG_BOWL:
        assert len(trajectory) == len(run_to_end(LONG_BOWL)[0])
    for followed in (view, slow):
        assert_follows_the_run(followed, trajectory)
    assert changes == [True, False]
    assert not stage.is_streaming()
    last = len(trajectory) - 1
    assert stage.index() == last and view.named("show_iteration")[-1] == ("show_iteration", last)


def test_a_view_registered_mid_stream_is_brought_up_to_date(qtbot, stage) -> None:
    early, late = FakeView(), FakeView()
    stage.add_view(early)
    with qtbot.waitSignal(stage.controller.run_finished, timeout=60_000) as finished:
        stage.controller.start(ENDLESS)
        qtbot.waitUntil(lambda: len(early.named("rows_added")) >= 2, timeout=20_000)
        stage.add_view(late)
        assert late.calls[0][0] == "show_run" and late.named("rows_added")[0][1] == 0
        qtbot.waitUntil(lambda: len(late.named("rows_added")) >= 2, timeout=20_000)
        stage.controller.cancel()
    assert finished.args[0].reason is StopReason.CANCELLED
    qtbot.waitUntil(lambda: early.ended() and late.ended(), timeout=5_000)
    for view in (early, late):
        assert_follows_the_run(view, stage.controller.trajectory)


def test_a_view_registered_after_the_run_gets_all_of_it(qtbot, stage) -> None:
    first = FakeView()
    stage.add_view(first)
    run_on_stage(qtbot, stage, LONG_BOWL, [first])
    stage.set_index(7)
    late = FakeView()
    stage.add_view(late, Turn.SLOW)
    trajectory = stage.controller.trajectory
    assert late.calls == [
        ("show_run", stage.shown()),
        ("rows_added", 0, len(trajectory), False),
        ("show_iteration", 7),
    ]


def test_show_iteration_and_clear_reach_every_view(qtbot, stage) -> None:
    views = [FakeView() for _ in range(3)]
    for view, turn in zip(views, (Turn.PATH, Turn.SLOW, Turn.PATH), strict=True):
        stage.add_view(view, turn)
    run_on_stage(qtbot, stage, LONG_BOWL, views)
    shown_indices: list[int] = []
    stage.index_changed.connect(shown_indices.append)
    for index in (0, 5, 2, 10**9):
        stage.set_index(index)
    last = len(stage.controller.trajectory) - 1
    assert shown_indices == [0, 5, 2, last]
    for view in views:
        assert view.named("show_iteration")[-4:] == [("show_iteration", k) for k in shown_indices]
    stage.clear()
    assert stage.shown() is None and stage.index() == -1
    for view in views:
        assert view.calls[-1] == ("clear",)


def test_an_unregistered_view_hears_nothing_more(qtbot, stage) -> None:
    kept, removed = FakeView(), FakeView()
    stage.add_view(kept)
    stage.add_view(removed)
    run_on_stage(qtbot, stage, LONG_BOWL, [kept, removed])
    stage.remove_view(removed)
    heard = list(removed.calls)
    stage.set_index(3)
    stage.show_run(None, stage.controller.trajectory)
    stage.clear()
    assert removed.calls == heard
    assert kept.calls[-1] == ("clear",) and ("show_iteration", 3) in kept.calls


def test_a_complete_trajectory_is_shown_at_once(qtbot, stage) -> None:
    expected, _ = run_to_end(LONG_BOWL)
    views = {turn: FakeView() for turn in Turn}
    for turn, view in views.items():
        stage.add_view(view, turn)
    stage.show_run(None, expected)
    for view in views.values():
        (name, shown), added = view.calls[:2]
        assert name == "show_run" and shown.trajectory is expected
        assert shown.run is None and shown.planned is None
        assert added == ("rows_added", 0, len(expected), False)
    assert stage.playback.count() == len(expected)
    assert stage.index() == len(expected) - 1
    assert not stage.is_streaming()
