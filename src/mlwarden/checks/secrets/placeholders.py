"""Placeholders by shape: what people type where a secret will go, recognised by its form.

A list of known placeholder strings is never complete (`abcdefghij…`, `1234567890…`,
`aB3daB3d…`, `sk-xxxxxxxx`, `<your-key>`), so the tests here are on shape:

- runs of the alphabet or of digits (`abcdefgh`, `ABCDEF`, `12345678`, `9876543`): a random
  key holds a 6-long ascending run with a probability below one in a million;
- repeated blocks (`aB3daB3daB3d`, `xxxx`, `0000`): few distinct 3-grams for the length;
- documentation words (`EXAMPLE`, `placeholder`, `your_…`, `changeme`, `redacted`, `dummy`)
  and masking (`****`, `...`, `…`);
- templates (`<…>`, `${…}`, `{{…}}`, `%(…)s`, `$VAR`): a value filled in elsewhere.

`mlwarden explain SEC032` documents the same list (`PLACEHOLDER_DOC`).
"""

from __future__ import annotations

import re
from itertools import pairwise

# Searched in the lower-cased value: a case-sensitive search is ~4x faster.
_WORDS = re.compile(
    r"x{4,}|\*{3,}|\.{3,}|…|#{4,}|example|placeholder|your[_-]|[_-]here\b|changeme|"
    r"change[_-]me|replace[_-]?me|redacted|dummy|fake|passw(?:or)?d"
)
# Where a run can be: six or more characters of one class (C speed; the successor test
# then runs in Python on these few segments only).
_SAME_CLASS = re.compile(r"[a-z]{6,}|[A-Z]{6,}|[0-9]{6,}")
_TEMPLATE = re.compile(
    r"<[^<>]*>|\$\{|\{\{|\{%|%\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^%[-#0 +]?\d*[sdifxXr]"
)
# Successive characters within one class: `abc`, `ABC`, `789`, and `9` → `0` in a digit run.
_NEXT = {
    **{c: chr(ord(c) + 1) for c in "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY012345678"},
    "9": "0",
}
_PREV = {
    **{c: chr(ord(c) - 1) for c in "bcdefghijklmnopqrstuvwxyzBCDEFGHIJKLMNOPQRSTUVWXYZ123456789"},
    "0": "9",
}
RUN = 6  # shortest run that marks a placeholder
PLACEHOLDER_DOC = (
    "Placeholders are recognised by their shape, not from a list: runs of the alphabet or of "
    "digits six long or more (`abcdef`, `ABCDEF`, `123456`, `987654`), a value made of one "
    "short block repeated (`aB3daB3daB3d…`, `xxxx…`, `0000…`), documentation words "
    "(`EXAMPLE`, `placeholder`, `your_…`, `…_here`, `changeme`, `replace_me`, `redacted`, "
    "`dummy`, `fake`), masking (`****`, `...`, `…`, `####`), and templates filled in elsewhere "
    "(`<your-key>`, `${API_TOKEN}`, `{{ secrets.X }}`, `%(token)s`, `%s`, `$TOKEN`)."
)


def longest_run(value: str) -> int:
    """The longest run of successive characters, ascending or descending; only runs of
    `RUN` or more are measured (a shorter one counts as 1)."""
    return max((_run_in(segment) for segment in _SAME_CLASS.findall(value)), default=1)


def _run_in(value: str) -> int:
    best = up = down = 1
    for prev, cur in pairwise(value):
        up = up + 1 if _NEXT.get(prev) == cur else 1
        down = down + 1 if _PREV.get(prev) == cur else 1
        best = max(best, up, down)
    return best


def repetitive(value: str) -> bool:
    """Built from one short block repeated: few distinct 3-grams for its length."""
    if len(value) < 12:
        return len(set(value)) <= 2 and len(value) >= 6
    grams = {value[i : i + 3] for i in range(len(value) - 2)}
    return len(grams) * 2 < len(value) - 2


def documentation_word(value: str) -> str | None:
    """The first documentation word or mask in `value` written in one case (`fake`, `FAKE`,
    `Fake`). A word in mixed case (`fAKE`) is what a random key holds by chance: about one
    40-character key in 25,000 contains some casing of `fake`, and that key is real."""
    for match in _WORDS.finditer(value.lower()):
        written = value[match.start() : match.end()]
        letters = "".join(c for c in written if c.isalpha())
        if not letters or letters.islower() or letters.isupper() or letters.istitle():
            return written
    return None


def is_placeholder_shape(value: str) -> bool:
    """A value written to be replaced: documentation words, masks, templates, runs, repeats."""
    return (
        documentation_word(value) is not None
        or _TEMPLATE.search(value) is not None
        or longest_run(value) >= RUN
        or repetitive(value)
    )
