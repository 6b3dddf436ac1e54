"""Bad input never crashes the secrets hook: one-line notes, other files still scanned."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlwarden.checks import secrets
from mlwarden.core.findings import HookResult
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import judge

F = Fakes(53)


def scan(root: Path, *names: str, max_file_size: int = 5_000_000) -> HookResult:
    return judge("secrets", root, names, max_file_size=max_file_size)


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_bad_files_are_noted_and_the_rest_still_scanned(tmp_path: Path) -> None:
    key = F.token("github")
    (tmp_path / "blob.dat").write_bytes(b"\x00\x01" + key.encode() + b"\x00")
    (tmp_path / "latin1.py").write_bytes(b"# caf\xe9\nGH = '" + key.encode() + b"'\n")
    (tmp_path / "huge.txt").write_text("x" * 5000 + "\n")
    (tmp_path / "good.sh").write_text(f"#\nexport GH={key}\n")
    outside = tmp_path.parent / "outside.txt"
    outside.write_text(f"GH={key}\n")
    os.symlink(outside, tmp_path / "link.txt")
    result = scan(
        tmp_path,
        "blob.dat",
        "latin1.py",
        "huge.txt",
        "link.txt",
        "good.sh",
        max_file_size=1000,
    )
    # Binary data is no text; a symlink is stored by git as a link, never followed; a
    # text over max-file-size is still read (in bounded windows): nothing is left out.
    assert [(f.location.path, f.location.line) for f in result.findings] == [
        ("latin1.py", 2),
        ("good.sh", 2),
    ]
    assert result.errors == ()


def test_minified_json_and_crlf(tmp_path: Path) -> None:
    key = F.token("openrouter")
    document = {
        "models": [{"name": f"m{i}", "sha": F.hex(40)} for i in range(500)],
        "auth": {"openrouter": key},
    }
    (tmp_path / "min.json").write_text(json.dumps(document, separators=(",", ":")))
    (tmp_path / "win.env").write_bytes(f"A=1\r\nKEY={F.token('xai')}\r\n".encode())
    result = scan(tmp_path, "min.json", "win.env")
    got = [(f.rule_id, f.location.path, f.location.line) for f in result.findings]
    assert got == [("SEC016", "min.json", 1), ("SEC015", "win.env", 2)]
    text = (tmp_path / "min.json").read_text()
    assert result.findings[0].location.column == text.index(key) + 1


def test_allowed_patterns_and_disabled_generic(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(
        f"API_TOKEN = '{F.token('generic')}'\nHF = 'hf_{'TESTKEY' + F.chars(27)}'\n"
    )
    options = secrets.Options(extra_allowed=(r"^hf_TESTKEY",), generic=False)
    result = judge("secrets", tmp_path, ("c.py",), options)
    assert result.findings == ()


def test_options_from_toml_and_bad_regex(tmp_path: Path) -> None:
    from mlwarden.core.config import parse_config
    from mlwarden.core.errors import UsageError

    table = {"secrets": {"baseline": "ci/b.json", "extra-allowed": ["^x"], "generic": False}}
    config = parse_config(table, root=tmp_path)
    options = config.options("secrets", secrets.Options)
    assert options == secrets.Options(baseline="ci/b.json", extra_allowed=("^x",), generic=False)
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(UsageError):
        judge("secrets", tmp_path, ("a.py",), secrets.Options(extra_allowed=("(",)))
