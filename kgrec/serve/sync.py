"""Writes the event log (FEEDBACK edges) and the items added online to the graph store
while the service runs.

A background thread writes the events appended since its last pass every ``every``
seconds, and once more when the service stops; the service writes the whole log when it
starts, so what a crash kept from the store arrives then. Writes are idempotent (one
edge per event id), so a pass that overlaps another costs nothing but time. The store is
opened for each pass and closed after, so the embedded store stays free for readers
(`kgrec query`) between passes; a pass that finds it busy tries again at the next.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kgrec.api import Recommender
from kgrec.errors import KGRecError

log = logging.getLogger("kgrec.serve")


class StoreSync:
    """Flushes ``rec``'s event log to its store every ``every`` seconds."""

    def __init__(self, rec: Recommender, every: float = 2.0) -> None:
        self.rec, self.every = rec, every
        self.written = 0  # events of the log known to be in the store
        self.items_written = 0  # item batches known to be in the store
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Write the whole log now, then keep writing what arrives."""
        self.flush(everything=True)
        self._thread = threading.Thread(target=self._run, name="kgrec-store-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last pass."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.flush()

    def flush(self, everything: bool = False) -> int:
        """Write the item batches and events not yet written (all with ``everything``);
        how many events."""
        with self._lock:
            batches = self.rec.added.events()
            events = self.rec.events.events()
            start = 0 if everything else self.written
            first = 0 if everything else self.items_written
            try:
                if first < len(batches):  # items first: events may name them
                    self.rec.sync_items(batches[first:])
                    self.items_written = len(batches)
                if start < len(events):
                    self.rec.sync_feedback(events[start:])
            except KGRecError as exc:  # the store busy or away: the next pass retries
                log.warning("writing to the store failed, retrying later: %s", exc)
                return 0
            self.written = len(events)
            return len(events) - start

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No pass runs meanwhile (a refit writes the store itself)."""
        with self._lock:
            yield

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.flush()
