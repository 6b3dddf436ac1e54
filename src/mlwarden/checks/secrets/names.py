"""Is a variable / key name secret-like? The generic rule (SEC032) fires only if so.

ML code is full of names that contain `token` or `key` and hold no secret: `pad_token`,
`max_new_tokens`, `token_ids`, `cache_key`, `jax.random.PRNGKey`. The word lists below
are what separates them from `HF_TOKEN`, `api_key`, `client_secret`.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word list written as text: easier to read and review than 80 quoted strings."""
    return frozenset(text.split())


_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
# `token1`, `access_token3`, `api_key2`: a numbered copy is the same kind of name.
_NUMBERED = re.compile(r"(?<=[a-z])\d{1,3}$")

# A word after the secret word that makes the name metadata about a secret.
_META_AFTER = words(
    """
    id ids type types count len length size index idx file files path paths dir url uri
    endpoint name names env var vars header expiry expires expiration ttl limit limits
    budget usage prefix suffix pattern regex field fields param params arg args kwargs
    hash fn func function map mapping list dict set column col label spec location store
    provider policy rotation ref source mode required enabled validator class cls num
    format template timeout version manager config helper input schema stream embedding
    embeddings logits probs scores weights lookup setting settings key keys length_limit
    min max strategy last used changed updated created date time age reset
    """
)
# ML vocabulary before `token`: these are vocabulary tokens, not credentials.
_ML_TOKEN = words(
    """
    pad eos bos unk sep cls mask special max min num start end stop new image audio video
    vision decoder encoder prefix suffix added chat total input output prompt completion
    generated context eot boi eoi placeholder default fim think tool system user assistant
    bad sos next last first bpe sentence word sub cached page continuation sync resume cursor
    request change lifecycle idempotency pagination action
    """
)
# Words that make any name public or per-request by design: publishable keys, Supabase
# `anon` keys, `NEXT_PUBLIC_*` values, CSRF/XSRF form tokens.
_NOT_A_CREDENTIAL = words("public publishable pub anon anonymous csrf xsrf authenticity")
# Words before `key` that make it a credential; upper-case names (`STRIPE_KEY`) also count.
_KEY_QUALIFIERS = words(
    """
    api access secret private auth client signing encryption encrypt master license
    account service subscription app admin ssh gpg pgp session webhook hmac jwt storage
    sas shared consumer deploy write read ingest ingestion
    """
)
_KEY_NOT_SECRET = words(
    """
    cache sort primary foreign dict hash lookup partition group row column index state map
    metric layer param config feature label sample data batch random rng seed prng public
    pub dataset split model output input result attr field json s3 object bucket file id
    kv query value item dedup routing shard idempotency metadata response request task
    event message
    """
)
_PASSWORD = frozenset({"password", "passwd", "pwd", "passphrase", "pass"})


def is_secret_name(name: str) -> str | None:
    """The kind of secret the name suggests ("password", "token", "secret", "key",
    "auth"), or None when the name is not secret-like."""
    words = [_NUMBERED.sub("", w.lower()) for w in _SPLIT.split(name) if w]
    if not words or any(w in _NOT_A_CREDENTIAL for w in words):
        return None
    for i, word in enumerate(words):
        after = words[i + 1 :]
        before = words[i - 1] if i else ""
        if any(w in _META_AFTER for w in after):
            continue
        if word in _PASSWORD or word.endswith(("password", "passwd")):
            return "password"
        if word in ("secret", "apikey", "credential", "credentials") or word.endswith(
            ("secret", "apikey")
        ):
            return "secret"
        if word == "token" or (word.endswith("token") and word not in ("token",)):
            if before in _ML_TOKEN or word in ("subtoken", "nexttoken"):
                continue
            return "token"
        if word in ("authorization", "auth") and not after:
            return "auth"
        if word == "key" and not after:
            if before in _KEY_QUALIFIERS:
                return "key"
            upper = name.lstrip("-").replace(".", "_").isupper()
            if upper and before and before not in _KEY_NOT_SECRET:
                return "key"
    return None
