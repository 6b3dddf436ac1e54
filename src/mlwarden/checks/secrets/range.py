"""`--commits A..B`: scan what each pushed commit added, not only the tip."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from mlwarden.checks.secrets.engine import scan_text
from mlwarden.checks.secrets.git import AddedFile, added_files, file_lines_at, range_revisions
from mlwarden.checks.secrets.report import NAME, Detection, generic_applies, make_detection, wanted
from mlwarden.core.files import is_excluded
from mlwarden.core.findings import ScanError
from mlwarden.core.hooks import ScanContext
from mlwarden.core.suppression import is_suppressed

_NEXTLINE_PRAGMA = re.compile(r"pragma:\s*allowlist[ -]nextline[ -]secret", re.IGNORECASE)


def scan_range(
    ctx: ScanContext, allowed: Sequence[re.Pattern[str]], *, generic: bool
) -> tuple[list[Detection], list[ScanError]]:
    assert ctx.commits is not None
    revisions = range_revisions(ctx.root, ctx.commits)
    patterns = (*ctx.config.exclude, *ctx.config.hook_exclude.get(NAME, ()))
    detections: list[Detection] = []
    errors: list[ScanError] = []
    for added in added_files(ctx.root, revisions):
        if not wanted(added.path) or is_excluded(added.path, patterns):
            continue
        display = _display_path(ctx.root, added.path)
        text, line_numbers = _added_text(added)
        if len(text) > ctx.config.max_file_size:
            errors.append(
                ScanError(
                    display,
                    f"lines added in commit {added.commit[:12]} are over max-file-size; skipped",
                    NAME,
                )
            )
            continue
        hits = scan_text(text, generic=generic and generic_applies(added.path), allowed=allowed)
        if not hits:
            continue
        # Suppressions are read from the file as that commit has it: the runner only
        # knows the working tree, where the line may be gone already.
        full = file_lines_at(ctx.root, added.commit, added.path)
        for hit in hits:
            line = line_numbers[hit.line - 1]
            if line is None or _suppressed(full, line, hit.rule_id):
                continue
            detections.append(
                make_detection(
                    hit, display, ctx.root, line=line, column=hit.column, commit=added.commit
                )
            )
    return detections, errors


def _added_text(added: AddedFile) -> tuple[str, list[int | None]]:
    """Added lines as one text; a blank line stands for each gap between hunks, so a
    multi-line pattern never joins lines that are not adjacent in the file."""
    lines: list[str] = []
    numbers: list[int | None] = []
    previous = None
    for number, text in added.lines:
        if previous is not None and number != previous + 1:
            lines.append("")
            numbers.append(None)
        lines.append(text)
        numbers.append(number)
        previous = number
    return "\n".join(lines), numbers


def _suppressed(full: list[str], line: int, rule_id: str) -> bool:
    if is_suppressed(full, line, rule_id):
        return True
    return 2 <= line <= len(full) + 1 and _NEXTLINE_PRAGMA.search(full[line - 2]) is not None


def _display_path(root: Path, path: str) -> str:
    """Git paths are relative to the root; findings are relative to the working directory."""
    relative = os.path.relpath(root / path)
    return Path(relative).as_posix() if not relative.startswith("..") else path
