"""Errors that end a run with exit code 2 (usage or configuration)."""

from __future__ import annotations


class UsageError(Exception):
    """A bad command line or configuration: one line, exit code 2, never a traceback."""
