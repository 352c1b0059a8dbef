"""The Help menu's pages: what each variant does, the keyboard shortcuts, typing a function.

Each page is rich text in a non-modal, resizable dialog that fits a small screen (it scrolls).
The variants' equations are rendered by the inspector's code
(:mod:`gdexplorer.core.explain.variant_text`); the shortcuts are read from the window's own
actions, so the page cannot drift from what the keys do.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gdexplorer.core.explain.variant_text import LEGEND, all_variant_texts
from gdexplorer.ui import style

DIALOG_SIZE = (620, 520)
"""Width and height of a help page; smaller screens get a scroll bar, never a clipped page."""

TYPING_RULES = (
    ("Operators", "+ - * /, and ^ or ** for powers: x^2 + 3*y"),
    ("Implicit products", "2x, 3(x+1), (x+1)(x-1), 2 x y — as you would write them"),
    ("Constants", "pi, e (and π)"),
    (
        "Functions",
        "sin cos tan asin acos atan sinh cosh tanh exp log ln sqrt abs, with "
        "brackets: sin(x), not sin x",
    ),  # fmt: skip
    ("Unicode", "x², x⁻¹, π, −, ×, · and ÷ work too"),
    (
        "Variables",
        "every other name; a name of several letters is ONE variable: xy is not "
        "x*y (write x*y or x y), sinx is not sin(x)",
    ),  # fmt: skip
    ("Order", "variables are ordered alphabetically, x2 before x10; f(y, x) = … sets the order"),
    ("Absolute value", "abs(x), not |x|"),
    ("max and min", "not available; max(x, 0) = (x + abs(x))/2"),
    ("Equations", "type a function, not an equation: for x = 3 minimize (x - 3)^2"),
)
"""The syntax of a typed function, as the README lists it."""


class HelpDialog(QDialog):
    """One help page: a scrolling rich-text browser and a Close button."""

    def __init__(self, title: str, page: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(*DIALOG_SIZE)


def show_page(parent: QWidget, title: str, page: str) -> HelpDialog:
    dialog = HelpDialog(title, page, parent)
    dialog.show()
    return dialog


def _mono(text: str) -> str:
    family = html.escape(style.mono_font().family())
    return f"<span style=\"font-family:'{family}'\">{html.escape(text)}</span>"


def variants_page() -> str:
    """Each variant's title, what it changes, its defaults and its equations over iteration k."""
    parts = [f"<p style='color:#555555'>{html.escape(line)}.</p>" for line in LEGEND]
    for text in all_variant_texts():
        defaults = f" <span style='color:#555555'>({html.escape(text.defaults)})</span>"
        equations = "<br>".join(_mono(line) for line in text.equations)
        parts.append(
            f"<h3>{html.escape(text.title)}{defaults if text.defaults else ''}</h3>"
            f"<p>{html.escape(text.summary)}</p>"
            f"<p style='margin-left:16px'>{equations}</p>"
        )
    return "".join(parts)


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, each once, in menu order."""
    rows: list[tuple[str, str]] = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        what = action.text().replace("&", "").rstrip("…").strip()
        if keys and (keys, what) not in rows:
            rows.append((keys, what))
    return rows


def shortcuts_page(actions: Iterable[QAction]) -> str:
    rows = "".join(
        f"<tr><td style='padding-right:16px'>{_mono(keys)}</td><td>{html.escape(what)}</td></tr>"
        for keys, what in shortcut_rows(actions)
    )
    note = (
        "Space and the arrow keys play and step only while no text field, button or list has "
        "the keyboard; click the plot first."
    )
    return f"<table cellpadding='3'>{rows}</table><p style='color:#555555'>{note}</p>"


def typing_page() -> str:
    rows = "".join(
        f"<tr><td style='padding-right:12px' valign='top'><b>{html.escape(topic)}</b></td>"
        f"<td>{html.escape(rule)}</td></tr>"
        for topic, rule in TYPING_RULES
    )
    footer = (
        "The text is read by gdexplorer's own parser, never run as Python; a mistake is "
        "explained under the field, with the column it is at."
    )
    return f"<table cellpadding='3'>{rows}</table><p style='color:#555555'>{footer}</p>"


class HelpMenu(QObject):
    """Fills the Help menu with the three pages; the shortcuts page reads ``window``'s actions
    when it opens (every menu and the playback bar are built by then)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def fill(self, menu: QMenu) -> None:
        for text, slot in (
            ("What each &variant does", self.show_variants),
            ("&Typing a function", self.show_typing),
            ("&Keyboard shortcuts", self.show_shortcuts),
        ):
            action = QAction(text, self._window)
            action.triggered.connect(slot)
            menu.addAction(action)

    @Slot()
    def show_variants(self) -> HelpDialog:
        return show_page(self._window, "What each variant does", variants_page())

    @Slot()
    def show_typing(self) -> HelpDialog:
        return show_page(self._window, "Typing a function", typing_page())

    @Slot()
    def show_shortcuts(self) -> HelpDialog:
        actions = self._window.findChildren(QAction)
        return show_page(self._window, "Keyboard shortcuts", shortcuts_page(actions))
