"""The current iteration: play/pause, step, first/last, speed and a scrubber.

The bar knows only how many rows exist (``set_count``) and which one is shown; it emits
``index_changed`` and the views draw that iteration. While a run streams, a student who is at
the last row follows the new rows; one who stepped back stays where they are.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MIN_SPEED_LOG = 0.0  # 1 iteration per second
MAX_SPEED_LOG = 4.0  # 10,000 iterations per second
SPEED_STEPS_PER_DECADE = 10
DEFAULT_SPEED = 20.0
PLAY_SECONDS = 10.0
"""A finished run's suggested speed plays all of it in about this long."""
COUNTER_GAP = 12
"""Pixels between the scrubber and the iteration counter, and before the speed control."""
FRAME_MS = 16  # at most ~60 frames a second; faster speeds advance several rows per tick


PLAYBACK_KEYS = (
    Qt.Key.Key_Space,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
)


class _KeyGuard(QObject):
    """Lets a focused button, combo box or slider keep Space and the arrows for itself.

    Line edits and spin boxes already claim those keys (through ShortcutOverride); buttons,
    check boxes, combo boxes and sliders do not, so without this a student who tabs to
    "Maximize" and presses Space would start playback instead.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
            if plain and event.key() in PLAYBACK_KEYS:
                event.accept()
                return True
        return False


class PlaybackBar(QWidget):
    """Transport controls over the rows of the current trajectory.

    Signals
    -------
    index_changed(int):
        The shown iteration changed (row index into the trajectory).
    """

    index_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._count = 0
        self._index = -1
        self._carry = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self._clock = QElapsedTimer()
        self._key_guard = _KeyGuard(self)
        self._make_actions()
        self._make_widgets()
        self._update_widgets()

    # -- construction -------------------------------------------------------------------

    def _make_actions(self) -> None:
        style = self.style()
        icon = QStyle.StandardPixmap
        self.play_action = self._action("Play", icon.SP_MediaPlay, Qt.Key.Key_Space)
        self.play_action.setCheckable(True)
        self.play_action.toggled.connect(self._on_play_toggled)
        self.first_action = self._action(
            "First iteration", icon.SP_MediaSkipBackward, Qt.Key.Key_Home
        )
        self.back_action = self._action("Step back", icon.SP_MediaSeekBackward, Qt.Key.Key_Left)
        self.forward_action = self._action(
            "Step forward", icon.SP_MediaSeekForward, Qt.Key.Key_Right
        )
        self.last_action = self._action("Last iteration", icon.SP_MediaSkipForward, Qt.Key.Key_End)
        self.first_action.triggered.connect(self.go_first)
        self.back_action.triggered.connect(self.step_back)
        self.forward_action.triggered.connect(self.step_forward)
        self.last_action.triggered.connect(self.go_last)
        self._icons = (
            style.standardIcon(icon.SP_MediaPlay),
            style.standardIcon(icon.SP_MediaPause),
        )

    def _action(
        self, text: str, pixmap: QStyle.StandardPixmap, key: Qt.Key | None = None
    ) -> QAction:
        action = QAction(self.style().standardIcon(pixmap), text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text} ({QKeySequence(key).toString()})")
        # Window-wide, but a focused line edit or spin box still gets its own arrow keys and
        # spaces: they claim those keys through ShortcutOverride before shortcuts fire.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    def _make_widgets(self) -> None:
        """The scrubber across the full width with "k = 62 / 62" at its end; the buttons and
        the speed under it (the counter has a row of its own, so however many iterations it
        counts it never runs into "Speed" or widens the window)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.setSpacing(0)
        self.scrubber = QSlider(Qt.Orientation.Horizontal, self)
        self.scrubber.setToolTip("Drag to any iteration")
        self.scrubber.valueChanged.connect(self._on_scrubbed)
        self.scrubber.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.position_label = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.scrubber, 1)
        top.addSpacing(COUNTER_GAP)
        top.addWidget(self.position_label)
        layout.addLayout(top)
        row = QHBoxLayout()
        layout.addLayout(row)
        for action in (
            self.first_action,
            self.back_action,
            self.play_action,
            self.forward_action,
            self.last_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
        row.addStretch(1)
        row.addSpacing(COUNTER_GAP)
        self._make_speed_control(row)
        self._row = row

    def _make_speed_control(self, row: QHBoxLayout) -> None:
        self.speed_caption = QLabel("Speed", self)
        row.addWidget(self.speed_caption)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.speed_slider.setRange(
            round(MIN_SPEED_LOG * SPEED_STEPS_PER_DECADE),
            round(MAX_SPEED_LOG * SPEED_STEPS_PER_DECADE),
        )
        self.speed_slider.setMinimumWidth(80)
        self.speed_slider.setMaximumWidth(140)
        self.speed_slider.setToolTip("Iterations per second while playing (log scale)")
        self.speed_slider.valueChanged.connect(self._on_speed_changed)
        self.speed_slider.actionTriggered.connect(self._on_speed_chosen)
        self._speed_chosen = False
        row.addWidget(self.speed_slider)
        self.speed_label = QLabel(self)
        self.speed_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("10,000 it/s "))
        row.addWidget(self.speed_label)
        self.set_speed(DEFAULT_SPEED)

    # -- public API -----------------------------------------------------------------------

    def add_button(self, action: QAction) -> QToolButton:
        """A button for ``action`` at the end of the bar (Export animation…)."""
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._row.addWidget(button)
        return button

    def count(self) -> int:
        return self._count

    def leave_keys_to_inputs(self, container: QWidget) -> None:
        """Space and the arrow keys pressed in ``container``'s buttons, combo boxes and
        sliders go to them, not to playback (call once the container is built)."""
        for widget in container.findChildren(QWidget):
            if isinstance(widget, QAbstractButton | QComboBox | QAbstractSlider):
                widget.installEventFilter(self._key_guard)

    def index(self) -> int:
        """The shown row, or -1 when there is none."""
        return self._index

    def speed(self) -> float:
        """Iterations per second while playing."""
        return 10 ** (self.speed_slider.value() / SPEED_STEPS_PER_DECADE)

    def set_speed(self, iterations_per_second: float) -> None:
        log_speed = math.log10(max(iterations_per_second, 1e-9))
        self.speed_slider.setValue(round(log_speed * SPEED_STEPS_PER_DECADE))
        self._on_speed_changed(self.speed_slider.value())

    def suggest_speed(self, iterations: int) -> None:
        """Play a run of this length in about PLAY_SECONDS, unless the student chose a speed."""
        if not self._speed_chosen and iterations > 0:
            self.set_speed(
                min(max(iterations / PLAY_SECONDS, 10**MIN_SPEED_LOG), 10**MAX_SPEED_LOG)
            )

    def is_playing(self) -> bool:
        return self.play_action.isChecked()

    def reset(self) -> None:
        """No rows (a new run is starting); the next rows are followed."""
        self.play_action.setChecked(False)
        self._count = 0
        self._index = -1
        self._update_widgets()

    def set_count(self, count: int) -> None:
        """``count`` rows exist now; follow them if the last row was shown."""
        following = self._index >= self._count - 1
        self._count = max(count, 0)
        if self._count == 0:
            self._index = -1
            self._update_widgets()
        elif following and not self.is_playing():
            self.set_index(self._count - 1)
        else:
            self._update_widgets()

    @Slot(int)
    def set_index(self, index: int) -> None:
        """Show row ``index`` (clamped to the rows that exist)."""
        if self._count == 0:
            return
        index = min(max(index, 0), self._count - 1)
        changed = index != self._index
        self._index = index
        self._update_widgets()
        if changed:
            self.index_changed.emit(index)

    @Slot()
    def step_forward(self) -> None:
        self.play_action.setChecked(False)
        self.set_index(self._index + 1)

    @Slot()
    def step_back(self) -> None:
        self.play_action.setChecked(False)
        self.set_index(self._index - 1)

    @Slot()
    def go_first(self) -> None:
        self.play_action.setChecked(False)
        self.set_index(0)

    @Slot()
    def go_last(self) -> None:
        self.play_action.setChecked(False)
        self.set_index(self._count - 1)

    # -- slots ----------------------------------------------------------------------------

    @Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        self.play_action.setIcon(self._icons[1] if playing else self._icons[0])
        self.play_action.setText("Pause" if playing else "Play")
        if not playing:
            self._timer.stop()
            return
        if self._count == 0:
            self.play_action.setChecked(False)
            return
        if self._index >= self._count - 1:
            self.set_index(0)  # play again from the start
        self._carry = 0.0
        self._clock.start()
        self._timer.start(self._interval_ms())

    @Slot()
    def _on_tick(self) -> None:
        """Advance by speed x elapsed time, so fast speeds skip rows instead of lagging; at
        speeds of one row per tick or slower, every row is shown, even after a late tick (a busy
        machine must not make a student miss the step being watched)."""
        elapsed = self._clock.restart() / 1000.0
        if self._interval_ms() > FRAME_MS:
            advance, self._carry = 1, 0.0
        else:
            self._carry += self.speed() * elapsed
            advance = int(self._carry)
            self._carry -= advance
        if advance:
            self.set_index(self._index + advance)
        if self._index >= self._count - 1:
            self.play_action.setChecked(False)

    @Slot(int)
    def _on_scrubbed(self, value: int) -> None:
        if value != self._index:
            self.set_index(value)

    @Slot(int)
    def _on_speed_chosen(self, _action: int) -> None:
        self._speed_chosen = True

    @Slot(int)
    def _on_speed_changed(self, _value: int) -> None:
        speed = self.speed()
        shown = float(f"{speed:.2g}")  # 2,000 it/s, not the slider's 1,995
        self.speed_label.setText(f"{shown:,.0f} it/s" if shown >= 10 else f"{shown:g} it/s")
        if self._timer.isActive():
            self._timer.setInterval(self._interval_ms())

    def _interval_ms(self) -> int:
        return max(FRAME_MS, round(1000 / self.speed()))

    def _update_widgets(self) -> None:
        has_rows = self._count > 0
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, max(self._count - 1, 0))
        self.scrubber.setValue(max(self._index, 0))
        self.scrubber.blockSignals(False)
        self.scrubber.setEnabled(has_rows)
        for action in (self.first_action, self.back_action):
            action.setEnabled(has_rows and self._index > 0)
        for action in (self.forward_action, self.last_action):
            action.setEnabled(has_rows and self._index < self._count - 1)
        self.play_action.setEnabled(self._count > 1)
        if has_rows:
            self.position_label.setText(f"k = {self._index:,} / {self._count - 1:,}")
        else:
            self.position_label.setText("no run yet")
