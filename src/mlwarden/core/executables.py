"""Finding the external engines mlwarden drives (semgrep, zizmor)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def executable(name: str) -> str | None:
    """`name` installed beside this interpreter first (the hook's own virtualenv, which
    pre-commit does not put on PATH), then anywhere on PATH."""
    beside = Path(sys.executable).parent / (f"{name}.exe" if os.name == "nt" else name)
    if beside.is_file():
        return str(beside)
    return shutil.which(name)
