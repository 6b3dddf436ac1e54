"""Value shapes: placeholders by shape, identifiers, templates, encodings of something else.

Each false-positive class of issue 16 has a true positive beside it: the fix must be about
the value's shape, not about the name or the file.
"""

from __future__ import annotations

import base64
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlwarden.checks.secrets.engine import scan_text
from mlwarden.checks.secrets.placeholders import (
    documentation_word,
    is_placeholder_shape,
    longest_run,
    repetitive,
)
from tests.checks.secrets.test_fakes import ALNUM, Fakes

F = Fakes(83)


def rules(text: str) -> list[tuple[str, int]]:
    return [(hit.rule_id, hit.line) for hit in scan_text(text)]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        "abcdefghijklmnopqrstuvwxyz123456",  # alphabet run
        "AIzaSyabcdefghijklmnopqrstuvwxyz0123456",
        "dapi1234567890123456789012345678",  # sequential digits
        "9876543210fedcba",  # descending run
        "aB3daB3daB3daB3daB3daB3d",  # repeated block
        "xxxxxxxxxxxxxxxxxxxxxxxx",
        "0000000000000000",
        "ghp_EXAMPLEtokenvalue1234567890abcd",
        "sk-your_api_key_here",
        "<your-api-key>",
        "${API_TOKEN}",
        "{{ secrets.API_TOKEN }}",
        "%(token)s",
        "$API_TOKEN",
        "sk-...",
        "********",
    ],
)
def test_placeholders_by_shape(value: str) -> None:
    assert is_placeholder_shape(value)


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=20, max_value=80))
@settings(max_examples=200)
def test_random_tokens_are_not_placeholders(seed: int, size: int) -> None:
    rng = random.Random(seed)  # a real key is uniformly random, not a shrunk hypothesis string
    token = "".join(rng.choice(ALNUM) for _ in range(size))
    if documentation_word(token):
        return  # a documentation word in one case (`fake`, `FAKE`): a placeholder's mark
    assert not is_placeholder_shape(token)


def test_a_documentation_word_in_mixed_case_is_chance_not_a_placeholder() -> None:
    # Found by the property test above: a random key that ends in `fAKE`.
    assert not is_placeholder_shape("VsC2PGS2zuLEMWnKckfDbAlO0rHlbD9Y5EK4fAKE")
    assert is_placeholder_shape("VsC2PGS2zuLEMWnKckfDbAlO0rHlbD9Y5EK4FAKE")
    assert is_placeholder_shape("AKIAIOSFODNN7EXAMPLE")
    assert is_placeholder_shape("my-fake-token-for-tests")
    assert is_placeholder_shape("Your_Api_Key")


def test_runs_and_repeats_are_measured_by_shape() -> None:
    assert longest_run("k2ABCDEFz") == 6
    assert longest_run("ZYXWVU") == 6
    assert longest_run("a1b2c3") == 1
    assert repetitive("aB3daB3daB3daB3d")
    assert not repetitive(F.chars(40))


# (class, quiet line, loud line): the same name, a value of the class, then a real secret.
ISSUE_16 = [
    (
        "base64 JSON page cursor",
        f'api_token = "{b64(json.dumps({"page": 3, "offset": 1200, "sort": "created_at"}))}"',
        f'api_token = "{b64(json.dumps({"client_secret": F.chars(32), "page": 3}))}"',
    ),
    (
        "dotted identifier",
        'TRACE_TOKEN = "vendor.traceName"',
        f'TRACE_TOKEN = "{F.chars(10)}.{F.chars(22)}"',
    ),
    (
        "URI template",
        'SCOPE_TOKEN = "scope:prefix@host"',
        f'SCOPE_TOKEN = "scope:{F.chars(26)}@host"',
    ),
    (
        "URI template in a URL",
        "'models://scope:prefix@databricks/model-name/stage-or-version'",
        f"'models://scope:{F.token('password')}@databricks/model-name/stage-or-version'",
    ),
    (
        "Hugging Face model id under *_KEY",
        'TOKENIZER_KEY = "meta-llama/Llama-2-7b-hf"',
        f'TOKENIZER_KEY = "{F.chars(40)}"',
    ),
    (
        "commented-out example",
        f'# e.g. api_key = "{F.hex(32)}"',
        f'# api_key = "{F.chars(32)}"',  # commented out, still leaked
    ),
    (
        "documented demo credential",
        f'  secret: "Basic {b64("secret:key")}"',
        f'  secret: "Basic {b64("svc:" + F.token("password"))}"',
    ),
]


@pytest.mark.parametrize(("cls", "quiet", "loud"), ISSUE_16, ids=[c[0] for c in ISSUE_16])
def test_issue_16_false_positive_classes(cls: str, quiet: str, loud: str) -> None:
    assert rules(quiet + "\n") == []
    assert rules(loud + "\n") == [("SEC030" if "://" in loud else "SEC032", 1)]


def test_page_form_and_public_tokens_are_not_credentials() -> None:
    assert rules(f'next_page_token = "{F.chars(40)}"\n') == []
    # Public by design, whatever the name: PostHog project keys, Stripe publishable keys.
    assert rules(f'_DEFAULT_POSTHOG_KEY = "phc_{F.chars(43)}"\n') == []
    assert rules(f'STRIPE_KEY = "pk_live_{F.chars(24)}"\n') == []
    assert rules(f'<input name="authenticity_token" value="{F.chars(60)}" />\n') == []
    assert rules(f'NEXT_PUBLIC_API_KEY = "{F.chars(32)}"\n') == []


def test_a_jwt_cut_before_its_signature_is_judged_by_what_it_encodes() -> None:
    header = F.jwt({"sub": "1234567890", "name": "John Doe"}).split(".")[0]
    assert rules(f'text = "token={header}."\n') == []
    secret_claims = b64(json.dumps({"client_secret": F.chars(32)})).rstrip("=")
    assert rules(f'text = "token={header}.{secret_claims}"\n') == [("SEC032", 1)]


def test_netrc_password_on_one_line_or_several() -> None:
    password = F.token("password")
    assert rules(f"machine h.internal login bot password {password}\n") == [("SEC060", 1)]
    assert rules(f"machine h.internal\n  login bot\n  password {password}\n") == [("SEC060", 3)]
    assert rules("machine h.internal\n  login bot\n  password changeme\n") == []


def test_a_provider_name_decides_the_format() -> None:
    # Documented, fixed format: a value that does not fit is no key of that provider.
    assert rules(f"DD_API_KEY={F.hex(32)}\n") == [("SEC065", 1)]
    assert rules(f"DD_API_KEY={F.chars(20)}\n") == []
    assert rules(f"AWS_SECRET_ACCESS_KEY={F.chars(24)}\n") == []
    # Undocumented format (self-hosted Qdrant takes any key): judged as any secret.
    assert rules(f"QDRANT_API_KEY={F.chars(42)}\n") == [("SEC085", 1)]
    assert rules(f"QDRANT_API_KEY={F.chars(20)}\n") == [("SEC032", 1)]


def test_a_provider_prefix_is_judged_by_its_rule_alone() -> None:
    # Right shape, wrong checksum: typed by hand, whatever the name says.
    assert rules(f"GITHUB_TOKEN=ghp_{F.chars(36)}\n") == []
    assert rules(f"GITHUB_TOKEN={F.token('github')}\n") == [("SEC019", 1)]
    assert rules(f'curl -H "x-api-key: sk-ant-api03-{F.chars(40)}AA" https://x.io\n') == []
