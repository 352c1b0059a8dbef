"""gdexplorer: watch gradient descent and step through it.

Importing this package never imports Qt; the window lives in :mod:`gdexplorer.ui`.
"""

__version__ = "0.1.0"
