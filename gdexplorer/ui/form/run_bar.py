"""Run and Stop, and why a run could not start: the bar that must never scroll out of sight.

The form builds it as its last row; the main window moves it under the form's scroll area
(:meth:`~gdexplorer.ui.form.controls.ControlsForm.detach_run_bar`), so that on a small screen or
with the long data form the student never has to scroll to find Run.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from gdexplorer.ui.form.fields import ErrorLabel


class RunBar(QWidget):
    """Run (the default button, Ctrl+R), Stop, and the message of a refused run under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run_bar")
        self.run_button = QPushButton("Run", self)
        self.run_button.setToolTip("Run gradient descent (Ctrl+R)")
        self.run_button.setDefault(True)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("Stop the run (Esc)")
        self.stop_button.setEnabled(False)
        self.run_error = ErrorLabel(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.stop_button)
        self._rule = QFrame(self)  # a line between the scrolling form and the fixed bar
        self._rule.setFrameShape(QFrame.Shape.HLine)
        self._rule.setFrameShadow(QFrame.Shadow.Sunken)
        self._rule.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._rule)
        layout.addLayout(buttons)
        layout.addWidget(self.run_error)

    def show_as_footer(self) -> None:
        """Set off from the scrolling form above it by a rule and a margin."""
        self._rule.show()
        layout = self.layout()
        assert layout is not None
        layout.setContentsMargins(8, 0, 8, 6)
