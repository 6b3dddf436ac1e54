"""CODEOWNERS coverage of the files config-guard watches.

GitHub/GitLab semantics, simplified to what matters here: gitignore-style patterns, the
last matching line wins, and a matching line without owners leaves the file unowned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

LOCATIONS = ("CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class OwnerRule:
    pattern: re.Pattern[str]
    owners: tuple[str, ...]


def _to_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern names a file or a folder; a folder covers everything below it.
    suffix = "/.*" if directory else "(?:/.*)?"
    return re.compile(f"^{prefix}{''.join(out)}{suffix}$")


def parse(text: str) -> tuple[OwnerRule, ...]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("["):  # GitLab sections
            continue
        parts = line.split()
        pattern, owners = parts[0], tuple(p for p in parts[1:] if not p.startswith("#"))
        rules.append(OwnerRule(_to_regex(pattern), owners))
    return tuple(rules)


def owners_of(rules: Sequence[OwnerRule], path: str) -> tuple[str, ...]:
    owners: tuple[str, ...] = ()
    for rule in rules:
        if rule.pattern.match(path):
            owners = rule.owners
    return owners
