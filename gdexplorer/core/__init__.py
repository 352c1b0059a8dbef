"""The Qt-free core: parsing, gradients, optimizers, the run loop and trajectories.

Nothing under ``gdexplorer.core`` may import PySide6 or pyqtgraph (tests/core/test_qt_free.py).
"""
