"""What config-guard's checks return, before it becomes a `Finding`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from mlwarden.core.rules import Rule


@dataclass(frozen=True)
class Hit:
    rule: Rule
    line: int
    message: str
    identity: str  # what makes it unique in the file, never the line number
    needle: str = ""  # text on the line to point the column at

    def column_in(self, text: str) -> int:
        lines = text.splitlines()
        if not self.needle or not 1 <= self.line <= len(lines):
            return 1
        return lines[self.line - 1].find(self.needle) + 1 or 1


def host_of(url: str) -> str | None:
    """The host of a URL (the bucket of `s3://bucket/path`), lower-cased, or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.hostname or parts.netloc
    return host.lower() if host else None


def line_of(text: str, needle: str, default: int = 1) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else default
