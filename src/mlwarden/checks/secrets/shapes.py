"""Does a value read as words or names rather than random characters? Identifiers
(`vendor.traceName`), separated words and tags (`meta-llama/Llama-2-7b-hf`,
`scope:prefix@host`, `CC-BY-NC-ND-3.0-IGO`) are names people typed, not generated secrets.
"""

from __future__ import annotations

import re

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_SEPARATORS = re.compile(r"[_\-./:@=,;|+ ]+")
# A word of an identifier or a name: `trace`, `Name`, `LLM`, `v2`.
_CHUNK = re.compile(r"[A-Z]?[a-z]{1,15}|[A-Z]{2,6}")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_VOWELS = frozenset("aeiouyAEIOUY")
_CONSONANTS = re.compile(r"(?i)[b-df-hj-np-tv-xz]{6,}")


def identifier_like(value: str) -> bool:
    """A dotted identifier (`vendor.traceName`, `settings.apiKey`), quoted or not: every part
    is made of a few word-like chunks."""
    if not _DOTTED.fullmatch(value):
        return False
    return all(_word_like(part, pieces=6) for part in value.split("."))


def _word_like(part: str, *, pieces: int = 4) -> bool:
    """Made of a few natural chunks (`trace`, `Name`, `LLM`, `v2`), not of the one- and
    two-letter shards a random mixed-case string splits into (`AvqACxU`: A, vq, AC, x, U)."""
    found = [p for c in re.split(r"_+", part) if c for p in _CAMEL.findall(c)]
    if not found or len(found) > pieces:
        return False
    short = 0
    for piece in found:
        if piece.isdigit():
            if len(piece) > 2:
                return False
        elif piece.isupper():
            if len(piece) > 6:
                return False
            short += len(piece) == 1
        elif not _CHUNK.fullmatch(piece):
            return False
        elif len(piece) < 3:
            short += 1
        elif not set(piece.lower()) & _VOWELS or _CONSONANTS.search(piece):
            return False  # no vowel, or a cluster no word has (`wvmxgxe`)
    return short <= 1


def wordy(value: str, *, odd_piece: bool = True) -> bool:
    """Separated words and short tags: `_hypothesis_stats`, `io.example/model-response`,
    `meta-llama/Llama-2-7b-hf`, `scope:prefix@host`; with `odd_piece`, also words around
    one short piece that is neither."""
    parts = [part for part in _SEPARATORS.split(value) if part]
    if len(parts) < 2:
        return False
    if len(parts) >= 4 and all(len(p) <= 3 for p in parts):
        return True  # a code of abbreviations (`CC-BY-NC-ND-3.0-IGO`)
    stems = {p: p.rstrip("0123456789") for p in parts}  # `libticables2` is a word
    real = [p for p in parts if len(stems[p]) >= 3 and stems[p].isalpha() and _word_like(stems[p])]
    short = [p for p in parts if len(p) <= 4 and p.isalnum()]
    alpha = [p for p in parts if p.isalpha()]
    if real and all(p in real or p in short for p in parts):
        return len(real) * 2 >= len(alpha)  # `jjwt-jackson-0.11.2`, `Llama-2-7b-hf`
    # Words around one short odd piece (`io.example/model-response`, `v1.models:x9@host`);
    # a long random piece among words is a secret with a label around it.
    odd = [p for p in parts if p not in real and p not in short]
    # The odd piece: short, or one long lower-case compound (`modelcontextprotocol`).
    fits = all(len(p) <= 10 or (p.isalpha() and p.islower() and len(p) <= 30) for p in odd)
    return odd_piece and bool(real) and len(parts) >= 3 and len(odd) <= 1 and fits
