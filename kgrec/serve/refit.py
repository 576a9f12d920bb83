"""Refits inside a running ``kgrec serve``: every ``events`` new events or ``minutes``.

A background thread folds the logged feedback and items into the data and retrains
(``Pipeline.refit``, the same as ``kgrec refit``), loads the new model, and swaps it in
with :meth:`Recommender.adopt`: requests are answered by the old model until the swap,
and the events that arrived during the refit are replayed onto the new one before it
answers. Store passes pause during a refit (it writes the store itself). A refit that
fails is logged and the old model keeps serving; the next trigger tries again.
"""

from __future__ import annotations

import logging
import threading
import time

from kgrec.api import Recommender
from kgrec.errors import KGRecError
from kgrec.serve.sync import StoreSync

log = logging.getLogger("kgrec.serve")


class Refitter:
    """Refits ``rec``'s pipeline in the background when enough has changed."""

    def __init__(
        self,
        rec: Recommender,
        events: int | None = None,
        minutes: float | None = None,
        sync: StoreSync | None = None,
        poll: float = 1.0,
    ) -> None:
        self.rec, self.events, self.minutes, self.sync, self.poll = rec, events, minutes, sync, poll
        self.refits = 0  # refits swapped in
        self.failures = 0
        self.running = threading.Event()  # set while a refit runs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = time.monotonic()

    def start(self) -> None:
        """Start watching."""
        self._thread = threading.Thread(target=self._run, name="kgrec-refit", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (a refit under way finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def due(self) -> bool:
        """Whether a trigger has fired: enough events since the model, or enough time
        with at least one event or item since."""
        since = self.rec.events_since_model + self.rec.items_since_model
        if self.events is not None and since >= self.events:
            return True
        elapsed = (time.monotonic() - self._last) / 60.0
        return self.minutes is not None and since > 0 and elapsed >= self.minutes

    def refit_now(self) -> None:
        """Refit and swap the new model in (in the calling thread)."""
        from kgrec.pipeline import Pipeline

        self.running.set()
        try:
            config = self.rec.config.model_copy(update={"work_dir": self.rec.work_dir})
            if self.sync is not None:
                with self.sync.paused():
                    Pipeline(config).refit()
            else:
                Pipeline(config).refit()
            self.rec.adopt(Recommender.load(self.rec.work_dir))
            self.refits += 1
        finally:
            self._last = time.monotonic()
            self.running.clear()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            if not self.due():
                continue
            try:
                self.refit_now()
            except (KGRecError, OSError, RuntimeError, ValueError) as exc:
                self.failures += 1
                log.error("background refit failed; the old model keeps serving: %s", exc)
