"""What every part of the pins hook shares: options, the finding sink, URL checks, reading."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mlwarden.core import failclosed
from mlwarden.core.findings import Finding, ScanError, Severity
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Skipped, Snapshot, Source

NAME = "pins"


@dataclass(frozen=True)
class Options:
    """Keys of `[tool.mlwarden.pins]`."""

    # Index URL prefixes that may be used as extra indexes / find-links / poetry, uv, pdm sources.
    allowed_indexes: tuple[str, ...] = ()
    # Missing `--hash` becomes a per-requirement error (medium) instead of one note per file.
    require_hashes: bool = False
    # Conda channels that environment files may use (names or channel URLs).
    allowed_channels: tuple[str, ...] = ("conda-forge", "defaults", "pytorch", "nvidia")
    # Action owners (`actions`, `my-org`) whose `uses:` may stay on a tag.
    allowed_action_owners: tuple[str, ...] = ()
    # Package names never reported as typosquats (your internal packages).
    allowed_names: tuple[str, ...] = ()
    # Also require a full commit SHA (not only a non-branch tag) for pre-commit `rev:`.
    precommit_require_sha: bool = False


@dataclass
class Sink:
    """Collects one run's findings and errors; every helper module writes into it.

    Paths are repository-relative; `files` is the version of the repository being judged
    (the manifests a file includes are read from the same version)."""

    rules: dict[str, Rule]
    files: Snapshot
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    # Notebooks: raw-file line -> cell number, so findings name the cell they are in.
    cells: dict[str, dict[int, int]] = field(default_factory=dict)
    _sources: dict[str, Source | None] = field(default_factory=dict)

    def source(self, path: str) -> Source | None:
        if path not in self._sources:
            self._sources[path] = self.files.file(path)
        return self._sources[path]

    def add(
        self,
        rule_id: str,
        path: str,
        line: int,
        message: str,
        identity: str,
        *,
        column: int = 1,
        severity: Severity | None = None,
    ) -> None:
        source = self.source(path) or Source(path, self.files.display(path), 0, self.files)
        cell = self.cells.get(path, {}).get(line)
        self.findings.append(
            source.finding(
                self.rules[rule_id],
                f"cell {cell}: {message}" if cell else message,
                line=max(line, 1),
                column=max(column, 1),
                identity=(identity,),
                severity=severity,
                member=f"cell {cell}" if cell else None,
            )
        )

    def error(self, path: str, message: str) -> None:
        self.errors.append(ScanError(self.files.display(path), message, NAME))


def read(path: str, files: Snapshot, max_bytes: int, sink: Sink) -> str | None:
    """The file's text, or None after recording why it was not read.

    The pins hook picks files by name, so a binary `requirements.txt` is worth a note; a
    manifest over `max-file-size` is not judged, and says so (fail closed).
    """
    source = sink.source(path)
    if source is None:
        sink.error(path, "file not found")
        return None
    if source.size > max_bytes:
        sink.findings.append(failclosed.too_large(source, source.size, max_bytes, NAME))
        return None
    try:
        return source.read_text().text
    except Skipped:
        sink.error(path, "binary file; not a dependency file")
        return None


# --- URLs --------------------------------------------------------------------------------

_ENV_REF = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
_TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_\-]{20,}$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _userinfo(url: str) -> str:
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return ""
    return netloc.rpartition("@")[0] if "@" in netloc else ""


def has_literal_credential(url: str) -> bool:
    """A password or token written into the URL, not taken from `${ENV}`.

    A bare user name (`git@`, `__token__`) is not a secret; a user-only part that looks
    like a token (`https://ghp_xxxx@host`) is.
    """
    info = _userinfo(url)
    if not info:
        return False
    user, sep, password = info.partition(":")
    if sep:
        return bool(_ENV_REF.sub("", password).strip())
    literal = _ENV_REF.sub("", user)
    return bool(literal) and bool(_TOKEN_LIKE.match(literal))


def redact(url: str) -> str:
    """The URL with any user info replaced, safe to print."""
    info = _userinfo(url)
    return url.replace(info + "@", "***@", 1) if info else url


def is_insecure(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() == "http" and (parts.hostname or "") not in _LOCAL_HOSTS


def is_remote(url: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", url)) and not url.lower().startswith(
        "file:"
    )


def _normalise_index(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # bad IPv6 brackets, non-numeric port
        return url.strip().rstrip("/").lower()
    host = (parts.hostname or "").lower()
    return f"{parts.scheme.lower()}://{host}{port}{parts.path.rstrip('/')}"


def index_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """True when `url` is one of `allowed` or below one (prefix on path segments)."""
    mine = _normalise_index(url)
    for entry in allowed:
        prefix = _normalise_index(entry)
        if mine == prefix or mine.startswith(prefix + "/"):
            return True
    return False


def check_index_url(
    sink: Sink,
    options: Options,
    path: str,
    line: int,
    url: str,
    *,
    kind: str,
    extra: bool,
) -> None:
    """The shared index checks: credential (PIN005), http (PIN004), not allow-listed (PIN003).

    `kind` names the setting in messages (`--extra-index-url`, `[[tool.uv.index]]`);
    `extra` is True when the URL is searched in addition to PyPI (dependency confusion).
    """
    shown = redact(url)
    if has_literal_credential(url):
        sink.add(
            "PIN005",
            path,
            line,
            f"{kind} {shown} has a credential written in the URL: "
            "use `${PIP_INDEX_TOKEN}`-style environment variables or a keyring",
            f"{kind}:{_normalise_index(url)}",
        )
    if is_insecure(url):
        sink.add(
            "PIN004",
            path,
            line,
            f"{kind} {shown} uses plain http: packages can be swapped in transit; use https://",
            f"{kind}:{_normalise_index(url)}",
        )
    if extra and is_remote(url) and not index_allowed(url, options.allowed_indexes):
        sink.add(
            "PIN003",
            path,
            line,
            f"{kind} {shown} is searched next to PyPI: a public package with the same name "
            "can win (dependency confusion, cf. torchtriton); use a single `--index-url` that "
            "mirrors PyPI, or add the URL to `allowed-indexes` in [tool.mlwarden.pins]",
            f"{kind}:{_normalise_index(url)}",
        )
