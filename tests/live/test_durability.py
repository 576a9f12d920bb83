"""No acknowledged event is lost, none is applied twice: SIGKILL in a burst of feedback."""

import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from kgrec import Recommender
from kgrec.layout import EVENTS_FILE
from kgrec.live.events import EventLog


def _burst(work: str, trial: int, conn: Connection) -> None:
    """Send feedback as fast as it goes; report each event id once it is acknowledged."""
    rec = Recommender.load(work)
    items = rec.item_ids()
    conn.send("ready")
    k = 0
    while True:
        event = f"t{trial}-e{k}"
        kind = ("like", "click", "dislike", "skip")[k % 4]
        rec.feedback(f"u{k % 90 + 1:02d}", items[k % len(items)], kind, event_id=event)
        conn.send(event)  # only after feedback() returned: acknowledged
        k += 1


@pytest.mark.slow
@pytest.mark.reliability
def test_sigkill_during_a_burst_loses_no_acknowledged_event(sample_copy: Path) -> None:
    work = sample_copy
    rng = random.Random(0)
    # spawn, not fork: a forked child of a process that has run torch can deadlock in it
    ctx = multiprocessing.get_context("spawn")
    acknowledged: list[str] = []
    for trial in range(10):
        ours, theirs = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_burst, args=(str(work), trial, theirs))
        child.start()
        theirs.close()  # the child's end is the child's alone: its death ends the pipe
        assert ours.recv() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        while True:  # what the child reported before it died (a torn last message: dropped)
            try:
                acknowledged.append(ours.recv())
            except (EOFError, OSError):
                break
        ours.close()
    assert len(acknowledged) > 100  # the kills landed mid-burst, not before it
    logged = [e.event_id for e in EventLog(work / EVENTS_FILE).events()]
    assert len(logged) == len(set(logged))  # none twice
    assert set(acknowledged) <= set(logged)  # none lost
    # after the crashes a restart replays every logged event, and a client re-sending the
    # acknowledged ones changes nothing
    rec = Recommender.load(work)
    assert len(rec.events) == len(logged)
    print(f"10 kills: {len(acknowledged)} acknowledged, {len(logged)} logged, none twice")
    again = [rec.feedback("u01", "m010", "like", event_id=e).new for e in acknowledged[:50]]
    assert not any(again)
