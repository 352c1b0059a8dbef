"""``python -m gdexplorer`` is the same as the ``gdexplorer`` command."""

from __future__ import annotations

import sys

from gdexplorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
