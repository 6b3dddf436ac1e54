"""What every detector table shares: the `Detector` record and the regex fragments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A token stands on its own: not inside a longer word or base64 run. Checked in code on each
# match (`engine.standalone`), not with a leading lookbehind: a pattern that starts with an
# assertion loses the regex engine's literal-prefix search and runs ~100x slower.
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_CHARS = frozenset(_ALNUM + "_+/-\\")  # before a token (a `\\` may escape it)
# After a token: not followed by more token characters. A lookahead at the end costs nothing
# and lets an alternation backtrack to a longer form (`glpat-<20>` vs routable `glpat-…`).
A = r"(?![A-Za-z0-9_+/-])"
# After a fixed-charset context value: no more of the same word.
W = r"(?![A-Za-z0-9])"
# Between a context name and its value: closing quotes/brackets, `=`, `:`, `,`, `=>`, an XML
# `>` or `" value="`, whitespace, then an optional (string-prefixed, maybe escaped) quote.
ASSIGN = (
    r"""(?:\\?["'`]|\])*\s*(?:=>|:{1,3}=|\?=|[=:,>]|\s+value=)?\s*"""
    r"""(?:[rbufRBUF]{0,2}\\?["'`])?"""
)
# A keyword argument inside a call, e.g. `Pinecone(..., api_key="...")`.
KWARG = r"""\([^)]{0,300}?\bapi_key\s*=\s*[rbufRBUF]{0,2}\\?["'`]"""
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
HEX40 = r"[0-9a-fA-F]{40}"


@dataclass(frozen=True)
class Detector:
    """One regex with a `(?P<secret>…)` group, run only when a prefilter says it can match.

    `literals`: case-sensitive substrings, one of which must be in the text; `keywords`:
    lower-case words, one of which must be in the lower-cased text. `verify` checks a
    checksum or structure offline (`verify.py`); a match that fails it is not reported.
    `kind`: "token" (a prefixed token), "context" (a bare value anchored by a name or a
    call), "password" (judged as a password, not by entropy), "private-key" (reported
    where the block starts, not at its body).
    """

    rule_id: str
    pattern: str
    literals: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    kind: str = "token"
    verify: Callable[[str], bool] | None = None
    # Nothing of a token may come right before the secret (see TOKEN_CHARS) but the text in
    # `left_also` (`bot` in Telegram's `…/bot<token>/…`); the end is the pattern's own `A`.
    boundary: bool = False
    left_also: tuple[str, ...] = ()


def token(
    rule_id: str,
    body: str,
    *literals: str,
    verify: Callable[[str], bool] | None = None,
    keywords: tuple[str, ...] = (),
) -> Detector:
    """A prefixed token standing on its own: `body` is the whole token's regex."""
    return Detector(
        rule_id,
        f"(?P<secret>{body})" + A,
        literals=literals,
        keywords=keywords,
        verify=verify,
        boundary=True,
    )
