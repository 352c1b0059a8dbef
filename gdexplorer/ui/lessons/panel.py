"""The Lessons panel: the list, the current step's text, what the check said, Back / Next.

Until a lesson is started the panel is only the offer (a line, "Start here" and "Not now"):
compact, so the settings above keep their room (:meth:`LessonsPanel.show_offer`).
A view only: :class:`~.coach.LessonCoach` decides what it shows and reacts to its signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

QWIDGETSIZE_MAX = (1 << 24) - 1
RIGHT_STYLE = "background: #e3f4e1; border: 1px solid #7cb974; border-radius: 4px; padding: 6px;"
HINT_STYLE = "background: #fff3d6; border: 1px solid #e0b050; border-radius: 4px; padding: 6px;"
OFFER_STYLE = (
    "#lesson_offer { background: #e8f0fb; border: 1px solid #8fb0e0; border-radius: 4px; }"
)


def _markdown_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.MarkdownText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class LessonsPanel(QWidget):
    """Signals: ``lesson_chosen(int)``, ``back_requested``, ``next_requested``,
    ``start_requested`` (the first-start offer taken), ``offer_declined``,
    ``offering(bool)`` (the panel became the compact offer, or the lesson)."""

    lesson_chosen = Signal(int)
    back_requested = Signal()
    next_requested = Signal()
    start_requested = Signal()
    offer_declined = Signal()
    offering = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._build_offer())
        self.lesson_area = QWidget(self)  # the lesson itself: hidden while only offered
        self.lesson_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.lesson_area, 1)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.hide()
        layout.addWidget(self.problems)
        self._build_lesson_area(self.lesson_area)

    def _build_lesson_area(self, area: QWidget) -> None:
        layout = QVBoxLayout(area)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lesson_combo = QComboBox(self)
        self.lesson_combo.setToolTip("The lessons; ✓ marks the ones whose every check you passed")
        self.lesson_combo.activated.connect(self.lesson_chosen)
        layout.addWidget(self.lesson_combo)
        self.step_label = QLabel(self)
        self.step_label.setWordWrap(True)
        layout.addWidget(self.step_label)
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(False)
        self.text.setMinimumHeight(80)
        layout.addWidget(self.text, 1)
        self.feedback = _markdown_label(self)
        self.feedback.hide()
        layout.addWidget(self.feedback)
        self._build_question(layout)
        layout.addLayout(self._build_navigation())

    def _build_offer(self) -> QFrame:
        self.offer = QFrame(self)
        self.offer.setObjectName("lesson_offer")
        self.offer.setStyleSheet(OFFER_STYLE)
        row = QVBoxLayout(self.offer)
        self.offer_label = QLabel(self.offer)
        self.offer_label.setWordWrap(True)
        row.addWidget(self.offer_label)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start here", self.offer)
        self.start_button.clicked.connect(self.start_requested)
        self.decline_button = QPushButton("Not now", self.offer)
        self.decline_button.clicked.connect(self.offer_declined)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.decline_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        self.offer.hide()
        return self.offer

    def _build_question(self, layout: QVBoxLayout) -> None:
        self.question = _markdown_label(self)
        self.answer_button = QPushButton("Show the answer", self)
        self.answer_button.clicked.connect(self._on_answer_requested)
        self.answer = _markdown_label(self)
        for widget in (self.question, self.answer_button, self.answer):
            widget.hide()
            layout.addWidget(widget)

    def _build_navigation(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = QPushButton("‹ Back", self)
        self.back_button.setToolTip("The previous step (Alt+Left)")
        self.back_button.setShortcut("Alt+Left")
        self.back_button.clicked.connect(self.back_requested)
        self.next_button = QPushButton("Next ›", self)
        self.next_button.setToolTip("The next step (Alt+Right); you may go on at any time")
        self.next_button.setShortcut("Alt+Right")
        self.next_button.clicked.connect(self.next_requested)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        return row

    # -- what the coach shows ------------------------------------------------------------

    def set_lessons(self, titles: list[str], problems: tuple[str, ...] = ()) -> None:
        """The lesson list (titles, with their marks) and the files that could not be read."""
        current = self.lesson_combo.currentIndex()
        self.lesson_combo.clear()
        self.lesson_combo.addItems(titles)
        if 0 <= current < len(titles):
            self.lesson_combo.setCurrentIndex(current)
        self.problems.setText("\n".join(f"Not loaded: {p}" for p in problems))
        self.problems.setVisible(bool(problems))

    def show_step(
        self, lesson: int, header: str, markdown: str, question: str, answer: str
    ) -> None:
        self.lesson_combo.setCurrentIndex(lesson)
        self.step_label.setText(header)
        self.text.setMarkdown(markdown)
        self.show_feedback(None, "")
        self.question.setText(f"**Question.** {question}" if question else "")
        self.answer.setText(f"**Answer.** {answer}" if answer else "")
        for widget in (self.question, self.answer_button):
            widget.setVisible(bool(question))
        self.answer.hide()

    def set_navigation(self, can_go_back: bool, next_text: str, can_go_on: bool) -> None:
        self.back_button.setEnabled(can_go_back)
        self.next_button.setText(next_text)
        self.next_button.setEnabled(can_go_on)

    def show_feedback(self, kind: str | None, markdown: str) -> None:
        """``right`` (green), ``hint`` (amber) or None (nothing to say yet)."""
        self.feedback.setVisible(kind is not None)
        self.feedback.setStyleSheet(RIGHT_STYLE if kind == "right" else HINT_STYLE)
        self.feedback.setText(markdown)
        self.feedback.setProperty("kind", kind)

    def show_offer(self, text: str | None) -> None:
        """The offer alone (``text``; the panel as small as it), or the lesson (None)."""
        self.offer_label.setText(text or "")
        offered = text is not None
        self.offer.setVisible(offered)
        self.lesson_area.setVisible(not offered)
        self._fit_height()
        self.offering.emit(offered)

    def is_offering(self) -> bool:
        """Only the offer is shown (no lesson started)."""
        return not self.offer.isHidden()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.is_offering():
            self._fit_height()

    def _fit_height(self) -> None:
        """While offering: exactly as tall as the offer at this width (the dock shrinks to it,
        and a window resized later cannot clip it)."""
        if not self.is_offering():
            self.setMinimumHeight(0)
            self.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        needed = self.offer.heightForWidth(max(self.width() - margins.left() - margins.right(), 1))
        needed = max(needed, self.offer.sizeHint().height())
        if self.problems.text():
            needed += self.problems.sizeHint().height() + layout.spacing()
        self.setFixedHeight(needed + margins.top() + margins.bottom())

    def _on_answer_requested(self) -> None:
        self.answer.show()
        self.answer_button.hide()
