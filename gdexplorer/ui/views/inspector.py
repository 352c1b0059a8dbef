"""Iteration k as a worked example: x_k, f, ∇f, and the update written out with its numbers.

The numbers and the text come from :mod:`gdexplorer.core.explain.example` (Qt-free and tested
there); this widget only lays them out as rich text, numbers in a fixed-width font.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from gdexplorer.core.explain.example import WorkedExample, as_text, explain, sections
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.views.data_inspector import batch_html, batch_text

if TYPE_CHECKING:
    from gdexplorer.core.engine import Outcome
    from gdexplorer.core.run_protocol import DescentRun

PLACEHOLDER = (
    "Press Run, then step through the iterations: each one is worked out here with its "
    "numbers — the point, f, the gradient and the update."
)


class Inspector(QWidget):
    """The numbers of one iteration of the current run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setReadOnly(True)
        # Lines break between words only: Qt's default also breaks inside a word that does
        # not fit, which cut numbers in two ("-1.07" / "84e-07") in a narrow dock.
        self.browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self._run: DescentRun | None = None
        self._trajectory: Trajectory | None = None
        self._outcome: Outcome | None = None
        self.example: WorkedExample | None = None
        self.clear_run()

    def show_run(
        self, run: DescentRun, trajectory: Trajectory, outcome: Outcome | None = None
    ) -> None:
        """A new run (rows may still be arriving); shows nothing until :meth:`show_iteration`.

        ``outcome``: why a finished run stopped, when ``run`` was rebuilt only to be inspected
        (a race's run), so its last row does not say the run is still going."""
        self._run, self._trajectory, self._outcome = run, trajectory, outcome
        self.example = None
        self.browser.setHtml(_paragraph(PLACEHOLDER))

    def show_iteration(self, index: int) -> None:
        """Work out iteration ``index`` (clamped to the rows recorded so far)."""
        if self._run is None or self._trajectory is None or len(self._trajectory) == 0:
            return
        index = int(np.clip(index, 0, len(self._trajectory) - 1))
        self.example = explain(self._run, self._trajectory, index, self._outcome)
        batch = batch_html(self._run, self._trajectory, index, self._ended())  # runs on data
        self.browser.setHtml(to_html(self.example, batch))

    def _ended(self) -> bool:
        """Whether the shown row is the last of a finished run (no update follows it)."""
        run, example = self._run, self.example
        if run is None or example is None or example.update is not None:
            return False
        return (self._outcome or run.outcome) is not None

    def clear_run(self) -> None:
        self._run = self._trajectory = self.example = None
        self.browser.setHtml(_paragraph(PLACEHOLDER))

    def plain_text(self) -> str:
        """What is shown, as plain text (for tests and copying)."""
        if self.example is None:
            return PLACEHOLDER
        batch = batch_text(self._run, self._trajectory, self.example.index, self._ended())
        return as_text(self.example) + (f"\n{batch}" if batch else "")


def to_html(example: WorkedExample, batch: str = "") -> str:
    """The sections as a two-column table: labels on the left, maths in a fixed-width font.

    ``batch`` (a run on data: the examples behind the gradient, a block of its own) follows the
    first section; the table is split around it so its width never widens the label column.
    """
    font = style.mono_font().family()
    tables: list[list[str]] = [[]]
    for position, section in enumerate(sections(example)):
        if position == 1 and batch:
            tables.append([])
        rows = tables[-1]
        rows.append(
            f'<tr><td colspan="2" style="padding-top:8px"><b>{html.escape(section.title)}</b>'
            "</td></tr>"
        )
        for label, text in section.lines:
            rows.append(
                f'<tr><td style="color:#555555; padding-right:8px" align="right">'
                f"{html.escape(label)}</td>"
                f"<td style=\"font-family:'{font}'; white-space:pre-wrap\">{html.escape(text)}"
                "</td></tr>"
            )
    html_tables = [f'<table cellspacing="0" cellpadding="1">{"".join(t)}</table>' for t in tables]
    return batch.join(html_tables) if batch else html_tables[0]


def _paragraph(text: str) -> str:
    return f'<p style="color:#555555">{html.escape(text)}</p>'
