"""Whether this process can draw the 3-D view, decided once, before any GL widget exists.

Qt's offscreen platform (the test suite, headless screenshots) has no OpenGL context, and a
desktop may have none either (a remote session, a broken driver). Building a ``GLViewWidget``
there, or reading its framebuffer back (``renderToArray``, ``grabFramebuffer``), crashes the
whole process instead of raising, so the 3-D view asks :func:`opengl_problem` first and shows
a placeholder with its answer. The check creates a context and makes it current on an
offscreen surface: the same steps a ``QOpenGLWidget`` takes, without a window.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

NO_GL_PLATFORMS = ("offscreen", "minimal", "minimalegl", "vnc")
"""Qt platforms that never provide an OpenGL context for a widget."""
MINIMUM_VERSION = (2, 1)
"""pyqtgraph.opengl's requirement (desktop OpenGL)."""

_answer: list[str | None] = []


def opengl_problem() -> str | None:
    """None when the 3-D view can be drawn in this process, else why not (a short clause).

    Decided once per process (the platform and the driver do not change while it runs).
    Needs a QGuiApplication.
    """
    if not _answer:
        _answer.append(_find_problem())
    return _answer[0]


def forget() -> None:
    """Decide again on the next call (for tests that change what is available)."""
    _answer.clear()


def _find_problem() -> str | None:
    platform = QGuiApplication.platformName()
    if platform in NO_GL_PLATFORMS:
        return f"Qt's {platform} platform has no OpenGL (open the window on a desktop or X server)"
    try:
        import OpenGL.GL  # noqa: F401 - PyOpenGL loads the system's libGL
        import pyqtgraph.opengl  # noqa: F401
    except ImportError:
        return "PyOpenGL is not installed (pip install PyOpenGL)"
    except Exception as error:  # a missing libGL surfaces as various errors
        return f"the OpenGL library failed to load ({' '.join(str(error).split())[:120]})"
    context = QOpenGLContext()
    if not context.create():
        return "no OpenGL context could be created on this display"
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    if not surface.isValid() or not context.makeCurrent(surface):
        return "the OpenGL context could not be used on this display"
    version = context.format().version()
    context.doneCurrent()
    surface.destroy()
    if not context.isOpenGLES() and tuple(version) < MINIMUM_VERSION:
        return f"OpenGL {version[0]}.{version[1]} is too old (2.1 is needed)"
    return None
