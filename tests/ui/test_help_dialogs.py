"""Help: what each variant does, typing a function, keyboard shortcuts; readable, non-blocking."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse.expression import parse_function
from gdexplorer.ui.help_dialogs import HelpDialog, shortcut_rows


def _help_action(window, word: str):
    menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    return next(a for a in menu.actions() if word in a.text().replace("&", ""))


def _open(qtbot, window, word: str) -> HelpDialog:
    _help_action(window, word).trigger()
    dialog = window.findChild(HelpDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert not dialog.isModal()
    return dialog


def test_variants_are_written_as_the_inspector_writes_them(qtbot, window):
    dialog = _open(qtbot, window, "variant")
    text = dialog.browser.toPlainText()
    for title in ("Gradient descent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"):
        assert title in text
    assert "xₖ₊₁ = xₖ − lr·gₖ" in text and "mₖ = β₁·mₖ₋₁ + (1 − β₁)·gₖ" in text
    for garbage in ("bias_correction", "step =", "<-", "x step", "**", "beta1", "sqrt"):
        assert garbage not in text, garbage
    dialog.close()


def test_shortcuts_are_the_windows_own(qtbot, window):
    rows = dict(shortcut_rows(window.findChildren(type(window.run_action))))
    assert rows["Ctrl+R"] == "Run" and rows["Esc"] == "Stop"
    assert {"Space", "Left", "Right", "Home", "End"} <= set(rows)
    text = _open(qtbot, window, "Keyboard").browser.toPlainText()
    for keys, what in rows.items():
        assert keys in text and what in text
    bound = {
        a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        for a in window.findChildren(type(window.run_action))
    }
    assert set(rows) <= bound  # nothing listed that no key does


ADVICE = ["x^2 + 3*y", "2x", "3(x+1)", "(x+1)(x-1)", "2 x y", "x*y", "sin(x)", "abs(x)",
          "(x + abs(x))/2", "(x - 3)^2", "x²", "π"]  # fmt: skip
REFUSED = ["sin x", "|x|", "x = 3", "max(x, 0)"]


def test_typing_a_function_lists_the_syntax_and_its_examples_parse(qtbot, window):
    text = _open(qtbot, window, "Typing").browser.toPlainText()
    for example in ADVICE + REFUSED:
        assert example in text, example
    for example in ADVICE:
        parse_function(example if example != "π" else "π x")
    for example in REFUSED:
        with pytest.raises(ExpressionError):
            parse_function(example)
    assert "xy is not x*y" in text and "sinx is not sin(x)" in text
