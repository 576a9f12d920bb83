"""One real `kgrec serve` process on loopback: it answers, feedback shows in the next
list, and after a SIGKILL and a restart every acknowledged event is there once."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kgrec.errors import StoreError
from kgrec.store import open_store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(work: Path, port: int) -> subprocess.Popen[bytes]:
    kgrec = str(Path(sys.executable).parent / "kgrec")
    proc = subprocess.Popen(
        [kgrec, "serve", "--work-dir", str(work), "--port", str(port), "--sync-every", "0.5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "died")
    proc.kill()
    raise AssertionError("kgrec serve did not answer within 120 s")


def _stored(work: Path, wait_for: int | None = None, seconds: float = 15.0) -> int:
    """FEEDBACK edges in the work dir's store (the server may hold it for a moment)."""
    deadline = time.monotonic() + seconds
    n = -1
    while time.monotonic() < deadline:
        try:
            with open_store("embedded", work, read_only=True) as store:
                n = int(store.query(COUNT)[0]["n"])
        except StoreError:
            pass
        if n >= 0 and (wait_for is None or n >= wait_for):
            return n
        time.sleep(0.3)
    return n


COUNT = "MATCH (:User)-[f:FEEDBACK]->(:Item) RETURN count(f) AS n"


@pytest.mark.slow
@pytest.mark.reliability
def test_a_real_server_keeps_every_acknowledged_event(sample_copy: Path) -> None:
    work = sample_copy
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(work, port)
    try:
        top = httpx.get(f"{url}/users/u05/recommendations", params={"k": 10}).json()[0]
        acked = []
        for k in range(40):
            item = top["item_id"] if k == 0 else f"m{(k * 7) % 300 + 1:03d}"
            res = httpx.post(
                f"{url}/feedback",
                json={"user_id": "u05", "item_id": item, "kind": "like", "event_id": f"s{k}"},
            )
            assert res.status_code == 200, res.text
            acked.append(res.json()["event_id"])
        after = httpx.get(f"{url}/users/u05/recommendations", params={"k": 10}).json()
        assert top["item_id"] not in {r["item_id"] for r in after}
        assert _stored(work, wait_for=len(acked)) == len(acked)  # within --sync-every
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    proc = _start(work, port)
    try:
        assert httpx.get(f"{url}/health").json()["events_since_model"] == len(acked)
        assert _stored(work) == len(acked)  # each once, after the kill and the restart
        res = httpx.post(
            f"{url}/feedback",
            json={"user_id": "u05", "item_id": top["item_id"], "kind": "like", "event_id": "s0"},
        )
        assert res.json() == {"event_id": "s0", "new": False}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
