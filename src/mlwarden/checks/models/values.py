"""The symbolic values the pickle machine keeps on its stack instead of real objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Global:
    module: str
    name: str

    @property
    def full(self) -> str:
        return f"{self.module}.{self.name}"


class Call:
    """The symbolic result of REDUCE/NEWOBJ/INST/OBJ: a callable, its args, its BUILD state."""

    def __init__(self, func: Any, args: Any) -> None:
        self.func = func
        self.args = args
        self.state: Any = None


class Opaque:
    """A value we do not keep (big bytes, persistent ids, out-of-band buffers)."""

    def __init__(self, what: str) -> None:
        self.what = what


class Embedded:
    """Bytes inside a pickle that look like a pickle or a zip: what `pickle.loads` or
    `torch.storage._load_from_bytes` would read. `data` is dropped once judged."""

    def __init__(self, data: bytes) -> None:
        self.data: bytes | None = data
