"""Typed text to a validated sympy expression: tokens, tree, build, rules."""
