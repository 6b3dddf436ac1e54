"""How `--jobs` is shared between the hooks of one scan."""

from __future__ import annotations

from mlwarden.core.hooks import load_hook
from mlwarden.core.runner import _engine_jobs


def test_an_engine_alone_gets_every_core() -> None:
    assert _engine_jobs(4, {"semgrep": load_hook("semgrep")}) == 4
    assert _engine_jobs(4, {"semgrep": load_hook("semgrep"), "pins": load_hook("pins")}) == 4


def test_an_engine_beside_pool_hooks_gets_half() -> None:
    # Measured on 2 cores (bench/scale): semgrep with 2 jobs beside bandit's workers took
    # 36.5 s, with 1 job 22.8 s.
    hooks = {name: load_hook(name) for name in ("secrets", "semgrep", "bandit")}
    assert _engine_jobs(2, hooks) == 1
    assert _engine_jobs(8, hooks) == 4
    assert _engine_jobs(1, hooks) == 1
