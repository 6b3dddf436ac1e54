"""mlwarden: pre-commit and git hooks that guard ML/AI development pipelines."""

from __future__ import annotations

__version__ = "0.1.0"
