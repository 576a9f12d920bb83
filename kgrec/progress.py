"""Progress reporting that long-running code calls and front ends (the CLI) implement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """What a pipeline tells its user while it runs."""

    def stage(self, name: str, status: str, detail: str = "") -> None:
        """A stage started ("run"), was skipped as current ("skip") or finished ("done")."""

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Iterate ``items``, showing progress. Where it is a generator, a reason sent into
        it (``send``) says why the work stopped before the end."""
        ...


class Silent:
    """Progress that shows nothing (the default for the Python API)."""

    def stage(self, name: str, status: str, detail: str = "") -> None:
        """Ignore."""

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """Pass items through."""
        for item in items:  # not ``yield from``: a reason sent in just ends it
            if (yield item):
                return
