"""Write the models corpus: malicious, benign and unreadable model artifacts, one per case.

    /work/peers/models-venv/bin/python bench/models_corpus/build.py [--out DIR] [--only CLS]

Each case gets its own folder `DIR/<class>/<id>/` (some formats need their neighbours:
ONNX external data, SavedModel folders, Hugging Face configs) and one line in
`DIR/cases.json`: id, file (relative to DIR), expect (malicious | benign | fail-closed),
class, description, source (the CVE/GHSA id or the URL of the published technique).

Malicious payloads are inert but recognisable (`echo pwned`). Nothing generated here is
ever loaded or unpickled: pickles are assembled opcode by opcode or written by the real
libraries' *save* functions, archives are patched as bytes. The benign artifacts are
written by the real libraries (torch, scikit-learn + joblib, numpy, safetensors, keras,
gguf, onnx), so the generator needs them: see README.md for the venv.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / ".cache" / "models_corpus"
EXPECTS = ("malicious", "benign", "fail-closed")

Content = bytes | Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    expect: str
    cls: str
    description: str
    source: str

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "file": self.file,
            "expect": self.expect,
            "class": self.cls,
            "description": self.description,
            "source": self.source,
        }


class Corpus:
    """Writes case files under `out` and remembers their manifest entries."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.cases: list[Case] = []
        self._ids: set[str] = set()

    def add(
        self,
        cls: str,
        case_id: str,
        name: str,
        content: Content,
        *,
        expect: str,
        what: str,
        source: str,
        extra: Mapping[str, Content] | None = None,
    ) -> Path:
        """Write one case; `content` is bytes or a writer called with the target path.
        `extra` holds neighbour files (relative to the case folder). Returns the file."""
        if expect not in EXPECTS:
            raise ValueError(f"{case_id}: expect must be one of {EXPECTS}")
        if case_id in self._ids:
            raise ValueError(f"duplicate case id {case_id}")
        self._ids.add(case_id)
        folder = self.out / cls / case_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        for path, data in [(target, content), *((folder / k, v) for k, v in (extra or {}).items())]:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                data(path)
        if not target.exists():
            raise RuntimeError(f"{case_id}: the writer did not create {target}")
        rel = target.relative_to(self.out).as_posix()
        self.cases.append(Case(case_id, rel, expect, cls, what, source))
        return target

    def write_manifest(self) -> Path:
        path = self.out / "cases.json"
        cases = sorted(self.cases, key=lambda c: (c.cls, c.id))
        path.write_text(json.dumps([c.as_json() for c in cases], indent=1) + "\n")
        return path


def sections() -> dict[str, Callable[[Corpus], None]]:
    import cases_archives
    import cases_formats
    import cases_pickle

    return {
        "pickle-stream": cases_pickle.streams,
        "pickle-gadget": cases_pickle.gadgets,
        "stdlib-names": cases_pickle.stdlib_names,
        "zip-tamper": cases_archives.zip_tamper,
        "archive-paths": cases_archives.archive_paths,
        "pickle-container": cases_archives.containers,
        "keras": cases_formats.keras_cases,
        "gguf": cases_formats.gguf_cases,
        "onnx": cases_formats.onnx_cases,
        "tf-savedmodel": cases_formats.savedmodel_cases,
        "hf-config": cases_formats.hf_cases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", action="append", default=[], help="build only these classes")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    out: Path = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    corpus = Corpus(out)
    for cls, build in sections().items():
        if not args.only or cls in args.only:
            build(corpus)
    manifest = corpus.write_manifest()
    counts = {e: sum(c.expect == e for c in corpus.cases) for e in EXPECTS}
    print(f"{len(corpus.cases)} cases ({counts}) -> {manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
