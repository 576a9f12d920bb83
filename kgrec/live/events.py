"""Feedback events and their durable, idempotent log.

The log is a JSON-lines file in the pipeline's work directory (``kgrec.layout.EVENTS_FILE``),
appended under an exclusive file lock and ``fsync``'d before :meth:`EventLog.append`
returns: an acknowledged event survives a crash of the process or the machine. Why a file
and not the graph store: it works the same on both stores, costs one small write per
event, and leaves the embedded store free for readers (it takes one writing process or
many reading ones). The graph gets the events as ``FEEDBACK`` edges from the log.

Idempotence: an event id is appended once; a second append of the same id is answered
"not new" and writes nothing, also across processes (the lock covers the check and the
write, and each process reads what others appended before checking). A line torn by a
crash mid-write was never acknowledged (the fsync had not returned): it is cut off the
next time the log is opened.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO, Generic, Protocol, TypeVar

from kgrec.errors import ArgumentError, DataError
from kgrec.graph.kg import node_id
from kgrec.store.base import FeedbackRow

#: What a person can do to a recommended item; ``reset`` takes back their earlier
#: reactions to it (an undo: the item is as the model has it again).
KINDS = ("like", "click", "rating", "dislike", "skip", "reset")


@dataclass(frozen=True)
class Feedback:
    """One reaction of a user to an item (``value`` for ratings, on the data's scale;
    ``slate_id``: the randomly drawn slate it reacts to, ``kgrec.live.explore``)."""

    user_id: str
    item_id: str
    kind: str
    value: float | None
    ts: int
    event_id: str
    slate_id: str | None = None

    @classmethod
    def make(
        cls,
        user_id: str,
        item_id: str,
        kind: str,
        value: float | None = None,
        ts: int | None = None,
        event_id: str | None = None,
        slate_id: str | None = None,
    ) -> Feedback:
        """A checked event; ``ts`` defaults to now (seconds), ``event_id`` to a new UUID."""
        for name, text in (("user_id", user_id), ("item_id", item_id)):
            if not isinstance(text, str) or not text.strip():
                raise ArgumentError(f"{name} must be a non-empty string (got {text!r})")
        if kind not in KINDS:
            raise ArgumentError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        if kind == "rating" and value is None:
            raise ArgumentError("a rating needs a value (on the data set's rating scale)")
        if value is not None and not (isinstance(value, int | float) and value == value):
            raise ArgumentError(f"value must be a number (got {value!r})")
        for name, given in (("event_id", event_id), ("slate_id", slate_id)):
            if given is not None and (not isinstance(given, str) or not given.strip()):
                raise ArgumentError(f"{name} must be a non-empty string (got {given!r})")
        return cls(
            user_id,
            item_id,
            kind,
            None if value is None else float(value),
            int(time.time()) if ts is None else int(ts),
            event_id or uuid.uuid4().hex,
            slate_id,
        )

    def to_json(self) -> str:
        """One line of the log (``slate_id`` only where there is one)."""
        raw = asdict(self)
        if raw["slate_id"] is None:
            del raw["slate_id"]
        return json.dumps(raw, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Feedback:
        """Inverse of :meth:`to_json`."""
        raw: dict[str, Any] = json.loads(line)
        return cls(
            str(raw["user_id"]),
            str(raw["item_id"]),
            str(raw["kind"]),
            None if raw.get("value") is None else float(raw["value"]),
            int(raw["ts"]),
            str(raw["event_id"]),
            None if raw.get("slate_id") is None else str(raw["slate_id"]),
        )


class Record(Protocol):
    """What a durable log holds: a record with an id that writes itself as one line."""

    def to_json(self) -> str: ...


R = TypeVar("R", bound=Record)


class JsonLog(Generic[R]):
    """An append-only, fsync'd, idempotent JSON-lines log of records at ``path`` (created
    on first append; the module docstring says what it guarantees). ``parse`` reads a
    line back, ``key`` is a record's id, ``what`` names a record in errors."""

    def __init__(
        self, path: Path, parse: Callable[[str], R], key: Callable[[R], str], what: str
    ) -> None:
        self.path, self._parse, self._key, self._what = path, parse, key, what
        self._events: list[R] = []
        self._ids: set[str] = set()
        self._offset = 0  # bytes of the file already read into _events
        self._lines = 0  # lines of the file already read
        self._guard = threading.Lock()  # threads of one process; flock covers processes

    def events(self) -> list[R]:
        """Every record in the log, in the order they were acknowledged (reads what other
        processes appended since the last call)."""
        with self._guard:
            if self.path.exists():
                with self._locked() as f:
                    self._catch_up(f)
            return list(self._events)

    def since(self, start: int) -> list[R]:
        """The records after the first ``start`` (reads what other processes appended; no
        copy of the whole log, and no lock or read when the file has not changed size: what
        every served request pays)."""
        with self._guard:
            try:
                grown = self.path.stat().st_size != self._offset
            except FileNotFoundError:
                grown = False
            if grown:  # appends only grow the file: the same size is nothing new
                with self._locked() as f:
                    self._catch_up(f)
            return self._events[start:]

    def append(self, event: R) -> bool:
        """Record ``event`` durably; False (and nothing written) if its id is logged."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._guard, self._locked() as f:
            self._catch_up(f)
            if self._key(event) in self._ids:
                return False
            data = (event.to_json() + "\n").encode("utf-8")
            f.seek(0, os.SEEK_END)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            self._offset += len(data)
            self._add(event)
        return True

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def __len__(self) -> int:
        return len(self._events)

    @contextmanager
    def _locked(self) -> Iterator[BinaryIO]:
        with open(self.path, "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield f
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _catch_up(self, f: BinaryIO) -> None:
        """Read lines appended since the last read; cut a torn last line off."""
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size < self._offset:
            raise DataError(
                "the event log shrank under a running reader: it is append-only; restore it "
                "from a backup or move it away and start a new one",
                file=str(self.path),
            )
        f.seek(self._offset)
        chunk = f.read(size - self._offset)
        end = chunk.rfind(b"\n") + 1
        if end < len(chunk):  # a crash mid-append: never acknowledged, so never applied
            f.truncate(self._offset + end)
            os.fsync(f.fileno())
        for number, line in enumerate(chunk[:end].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                event = self._parse(line.decode("utf-8"))
            except (ValueError, KeyError, TypeError) as exc:
                raise DataError(
                    f"log line is not {self._what} ({exc}); the log is written by kgrec "
                    "only: restore it, or move it away to start a new one",
                    file=str(self.path),
                    row=self._lines + number,
                ) from exc
            if self._key(event) not in self._ids:
                self._add(event)
        self._lines += chunk[:end].count(b"\n")
        self._offset += end

    def _add(self, event: R) -> None:
        self._events.append(event)
        self._ids.add(self._key(event))


class EventLog(JsonLog[Feedback]):
    """The append-only log of feedback events at ``path`` (created on first append)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Feedback.from_json, lambda e: e.event_id, "an event")


def store_rows(events: list[Feedback]) -> list[FeedbackRow]:
    """The events as the store's FEEDBACK rows."""
    return [
        FeedbackRow(
            node_id("User", e.user_id),
            e.user_id,
            node_id("Item", e.item_id),
            e.event_id,
            e.kind,
            e.value,
            e.ts,
        )
        for e in events
    ]


def read_folded(path: Path, what: str = "events") -> int:
    """How many of the log's first events (``what="items"``: of the items log's first
    batches; ``"words"``: of the words log's sentences) a refit folded into the model
    (0: none)."""
    if not path.exists():
        return 0
    try:
        return int(json.loads(path.read_text(encoding="utf-8")).get(what, 0))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            "not a refit record (it says how many events the model holds); kgrec writes it: "
            "remove it and run `kgrec refit` again",
            file=str(path),
        ) from exc


def write_folded(path: Path, count: int, items: int = 0, words: int = 0) -> None:
    """Record that the log's first ``count`` events, the items log's first ``items``
    batches and the words log's first ``words`` sentences are folded into the model
    (atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"events": count, "items": items, "words": words}), encoding="utf-8")
    tmp.replace(path)
