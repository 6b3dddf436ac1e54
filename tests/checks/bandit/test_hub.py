"""The hub pass's text prefilter never hides a finding the pass would make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlwarden.checks.bandit.flow import parse
from mlwarden.checks.bandit.hub import HUB_LIBRARIES, hub_issues, may_load_from_hub

_MODULES = sorted(HUB_LIBRARIES | {"transformers", "os", "torch", "data_adapters", "ctrl"})
_IMPORTS = st.sampled_from(_MODULES).flatmap(
    lambda m: st.sampled_from(
        [
            f"import {m}\n",
            f"import {m} as lib\n",
            f"import os, {m}.sub\n",
            f"from {m} import AutoModel as Loader, pipeline\n",
            f"from {m}.models import (\n    Loader,\n)\n",
        ]
    )
)
_CALLS = st.sampled_from(
    [
        'm = Loader.from_pretrained("org/model")\n',
        'm = lib.Model.from_pretrained("org/model")\n',
        'p = pipeline("ner", model="org/model")\n',
        'e = SentenceTransformer("org/model")\n',
        'm = Loader.from_pretrained("org/model", revision="0123abc")\n',
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_IMPORTS, _CALLS), min_size=1, max_size=6))
def test_prefilter_is_sound(lines: list[str]) -> None:
    source = "".join(lines)
    module = parse(source)
    assert module is not None
    if not may_load_from_hub(source):
        assert hub_issues(module, "m.py", set()) == []


def test_prefilter_reads_whole_words() -> None:
    # `data_adapters` is not the `adapters` library; `from adapters import` is.
    assert not may_load_from_hub("from keras.trainers import data_adapters\n")
    assert may_load_from_hub("from adapters import AutoAdapterModel\n")
    assert may_load_from_hub("import os, transformers\n")


def test_a_hub_load_past_the_prefilter_is_reported() -> None:
    source = 'from peft import PeftConfig\nconfig = PeftConfig.from_pretrained("org/adapter")\n'
    module = parse(source)
    assert may_load_from_hub(source) and module is not None
    issues = hub_issues(module, "train.py", set())
    assert [(i.test_id, i.line) for i in issues] == [("B615", 2)]
