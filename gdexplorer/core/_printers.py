"""The printers that turn sympy expressions into the source of the generated loops.

:mod:`gdexplorer.core.codegen` prints Python floats for the single-run loop and
:mod:`gdexplorer.core.many.kernel` prints numpy for many points at once, in the same way
(integers as floats, small powers of a symbol as products). They subclass sympy's printers, so
this module imports sympy at once; the two modules import it on first use, so that the window
opens before sympy loads.
"""

from __future__ import annotations

import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter


class FastPrinter(PythonCodePrinter):
    """Python source for math-module floats; small integer powers become products.

    Integer coefficients are printed as floats (``400.0``): the value is the same, and
    float-with-float arithmetic takes CPython's fast specialized path, int-with-float does not.
    """

    def _print_Integer(self, expr):  # noqa: N802 (sympy's naming)
        value = int(expr)
        return repr(float(value)) if abs(value) < 2**53 else str(value)

    def _print_Pow(self, expr, rational=False):  # noqa: N802 (sympy's naming)
        base, exponent = expr.as_base_exp()
        if base.is_Symbol and exponent.is_Integer and 2 <= int(exponent) <= 4:
            factor = self.parenthesize(base, 100)
            return "(" + "*".join([factor] * int(exponent)) + ")"
        if not exponent.is_Integer and abs(exponent) != sympy.S.Half:
            # math.pow raises ValueError for a negative base and a fractional exponent, where
            # ** would quietly return a complex number.
            return f"math.pow({self._print(base)}, {self._print(exponent)})"
        return super()._print_Pow(expr, rational=rational)


class NumpyKernelPrinter(NumPyPrinter):
    """numpy source printed the way the single-run loop's printer prints Python floats."""

    def _print_Pow(self, expr, rational=False):  # noqa: N802 (sympy's naming)
        base, exponent = expr.as_base_exp()
        if base.is_Symbol and exponent.is_Integer and 2 <= int(exponent) <= 4:
            factor = self.parenthesize(base, 100)
            return "(" + "*".join([factor] * int(exponent)) + ")"
        if exponent == -1:
            return f"1.0/{self.parenthesize(base, 100)}"
        return super()._print_Pow(expr, rational=rational)
