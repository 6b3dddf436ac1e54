"""Write the provider corpus: planted fake credentials in many syntaxes, and near misses.

    python bench/secrets_providers/build.py [--out DIR] [--seed 17] [--per-provider 12]
    python bench/secrets_providers/build.py --catalogue     # markdown table, one example each

Layout of DIR (default `bench/.cache/secrets_providers`, git-ignored):
    files/providers/<provider>/<nn>-<syntax>.<ext>      one planted true positive each
    files/negatives/<provider>/<nn>-<class>.<ext>       one near miss each
    files/assignments/<class>/<nn>.<ext>                generic-rule syntaxes
    files/assignment-negatives/<class>/<nn>.<ext>
    cases.json                                          every planted case, no secret values

A positive counts as found when a tool reports its file on a line of its span
(`line`..`end_line`); a negative is a false alarm when a tool reports anything in its file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import assignments as A
import syntaxes as X
from gen import Gen
from model import Provider, Shape, Snippet, Variant
from providers import PROVIDERS

DEFAULT_OUT = Path(__file__).resolve().parents[1] / ".cache" / "secrets_providers"
SYNTAX_NAMES = tuple(X.VALUE_SYNTAXES)


def placeholder_bodies(shape: Shape, g: Gen) -> Iterator[tuple[str, str]]:
    """Near-miss bodies for a shape: placeholders by shape, and a wrong length."""
    n, cs = shape.length, shape.charset
    order = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    run = "".join(c for c in order if c in cs)
    if run:
        yield "placeholder-alphabet", (run * (n // len(run) + 1))[:n]
    if set("1234567890") <= set(cs):
        yield "placeholder-digits", ("1234567890" * (n // 10 + 1))[:n]
    block = g.mixed(4, cs)
    yield "placeholder-repeated", (block * (n // 4 + 1))[:n]
    for filler in ("x", "X", "0"):
        if filler in cs:
            yield "placeholder-xxxx", filler * n
            break
    for word in ("EXAMPLE", "example"):
        if set(word) <= set(cs):
            yield "placeholder-example", (word + run * n)[:n]
            break
    if n >= 8:
        yield "wrong-length", g.mixed(max(4, n // 2), cs)


def negative_values(p: Provider, g: Gen) -> Iterator[tuple[str, str, bool]]:
    """(class, value, neutral_name) near misses of a provider's value variants."""
    for variant in p.variants[:3]:
        shape = variant.shape
        for cls, body in placeholder_bodies(shape, g):
            neutral = cls == "wrong-length" and not variant.anchored
            yield cls, shape.prefix + body + shape.suffix, neutral
        if variant.bad_checksum:
            yield "bad-checksum", variant.bad_checksum(g), True
    name = (p.names or ("TOKEN",))[0]
    yield "placeholder-template", "${" + name + "}", False
    yield "placeholder-template", f"<your-{X.kebab(name)}>", False
    yield "identifier", "vendor.traceName", False
    for cls, value in p.negatives:
        yield cls, value, True


class Writer:
    def __init__(self, out: Path) -> None:
        self.root = out / "files"
        self.cases: list[dict[str, object]] = []

    def write(self, rel: str, text: str, case: dict[str, object]) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.cases.append({"file": rel, **case})


def _file_name(stem: str, ext: str) -> str:
    return f"Dockerfile.{stem}" if ext == "Dockerfile" else f"{stem}.{ext}"


def _render(p: Provider, syntax: str, name: str, value: str, g: Gen) -> tuple[str, str]:
    render = X.curl_header(p.header) if syntax == "curl" else X.VALUE_SYNTAXES[syntax]
    return render(name, value, g)


def write_provider(w: Writer, index: int, p: Provider, g: Gen, per: int) -> None:
    base = {"set": "providers", "provider": p.key, "category": p.category, "ai": p.ai}
    for i in range(max(per, len(p.variants))):
        if p.snippets:
            snip = p.snippets[i % len(p.snippets)](g, i)
            rel = f"providers/{p.key}/{i:02d}-snippet.{snip.ext}"
            case = {
                "line": snip.start,
                "end_line": snip.end,
                "variant": snip.label,
                "syntax": "snippet:" + snip.ext,
                "expect": "positive",
            }
            w.write(rel, snip.text, {**base, **case})
            continue
        variant: Variant = p.variants[i % len(p.variants)]
        value = variant.token(g)
        syntax = SYNTAX_NAMES[(index * 5 + i) % len(SYNTAX_NAMES)]
        if syntax == "curl" and not p.header:
            syntax = "python"
        neutral = not variant.anchored and i % 3 == 2 and syntax != "curl"
        name = X.NEUTRAL_NAMES[i % len(X.NEUTRAL_NAMES)] if neutral else p.names[i % len(p.names)]
        ext, text = _render(p, syntax, name, value, g)
        line = X.plant_line(text, value)
        case = {
            "line": line,
            "end_line": line,
            "variant": variant.label,
            "syntax": syntax,
            "name": "neutral" if neutral else "provider",
            "expect": "positive",
        }
        w.write(f"providers/{p.key}/{_file_name(f'{i:02d}-{syntax}', ext)}", text, {**base, **case})
    write_provider_negatives(w, index, p, g, base)


def write_provider_negatives(
    w: Writer, index: int, p: Provider, g: Gen, base: dict[str, object]
) -> None:
    negatives: list[tuple[str, Snippet]] = []
    for i, maker in enumerate(p.snippet_negatives * 3):
        snip = maker(g, i)
        negatives.append((snip.label, snip))
    for j, (cls, value, neutral) in enumerate(negative_values(p, g) if p.variants else ()):
        syntax = SYNTAX_NAMES[(index * 3 + j) % len(SYNTAX_NAMES)]
        if syntax == "curl" and not p.header:
            syntax = "yaml"
        names = X.NEUTRAL_NAMES if neutral else p.names
        ext, text = _render(p, syntax, names[j % len(names)], value, g)
        negatives.append((cls, Snippet(cls, ext, text, 1, text.count("\n"))))
    for j, (cls, snip) in enumerate(negatives):
        rel = f"negatives/{p.key}/{_file_name(f'{j:02d}-{cls}', snip.ext)}"
        case = {
            "line": 1,
            "end_line": max(1, snip.text.count("\n")),
            "class": cls,
            "expect": "negative",
        }
        w.write(rel, snip.text, {**base, **case})


def write_assignments(w: Writer, g: Gen, per: int) -> None:
    by_class: dict[str, list[tuple[str, str]]] = {}
    for cls, ext, template in A.POSITIVE_TEMPLATES:
        by_class.setdefault(cls, []).append((ext, template))
    for cls, templates in by_class.items():
        for i in range(per):
            ext, template = templates[i % len(templates)]
            value = A.positive_value(g, template)
            text = template.format(v=value)
            line = A.value_line(template)
            case = {
                "set": "assignments",
                "provider": "generic",
                "class": cls,
                "line": line,
                "end_line": line,
                "expect": "positive",
            }
            w.write(f"assignments/{cls}/{i:02d}.{ext}", text, case)
    for j, (cls, ext, template) in enumerate(A.NEGATIVE_TEMPLATES):
        text = template.format()
        case = {
            "set": "assignments",
            "provider": "generic",
            "class": cls,
            "line": 1,
            "end_line": text.count("\n"),
            "expect": "negative",
        }
        w.write(f"assignment-negatives/{cls}/{j:02d}.{ext}", text, case)


def build(out: Path, seed: int, per: int) -> list[dict[str, object]]:
    if (out / "files").exists():
        shutil.rmtree(out / "files")
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(seed)
    w = Writer(out)
    for index, provider in enumerate(PROVIDERS):
        write_provider(w, index, provider, g, per)
    write_assignments(w, g, per)
    manifest = {"seed": seed, "per_provider": per, "cases": w.cases}
    (out / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return w.cases


def catalogue(seed: int) -> str:
    """Markdown rows: provider, category, format, reference, one generated example."""
    g = Gen(seed + 1)
    rows = [
        "| provider | category | documented format | reference | fake example |",
        "|---|---|---|---|---|",
    ]
    for p in PROVIDERS:
        if p.variants:
            example = p.variants[0].token(g)
            example = example if len(example) <= 90 else example[:80] + "…" + example[-6:]
        else:
            snip = p.snippets[0](g, 0)
            example = snip.text.splitlines()[snip.start - 1].strip()[:90]
        cells = [p.key, p.category, p.fmt, p.ref, f"`{example}`"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--per-provider", type=int, default=12)
    parser.add_argument("--catalogue", action="store_true", help="print the catalogue table")
    args = parser.parse_args(argv)
    if args.catalogue:
        print(catalogue(args.seed))
        return 0
    cases = build(args.out, args.seed, args.per_provider)
    positives = sum(c["expect"] == "positive" for c in cases)
    print(f"{len(cases)} cases ({positives} positive) in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
