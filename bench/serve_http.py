"""`kgrec serve` under load: C concurrent clients mixing explained recommendations (90%)
and feedback (10%) against a real server on loopback, then the acknowledged events
counted in the graph store, and the same calls in-process for the ratio.

    .venv/bin/python bench/serve_http.py [--work-dir DIR] [--seconds 10] [--clients 1 4 8]
                                         [--processes 1] [--json]

With ``--processes N``, N servers run on the same work directory (one event log) on N
ports, and client k talks to server k mod N: the multi-process deployment the README
describes, load-balanced round-robin.

Runs on a copy of the work directory (default: the sample, run first), so the events it
sends land nowhere else. Latencies are whole HTTP round trips from the client threads.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _work import report, work_dir_or_sample

from kgrec.api import Recommender
from kgrec.store import open_store

#: Seconds between the server's writes of new events to the store (env KGREC_BENCH_SYNC).
SYNC = os.environ.get("KGREC_BENCH_SYNC", "30")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _clients(
    urls: list[str], users: list[str], items: list[str], n: int, seconds: float, tag: str
) -> dict[str, Any]:
    """``n`` client threads for ``seconds``; latencies (ms), errors, acknowledged events."""
    lat: list[float] = []
    errors = 0
    acked: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        mine: list[float] = []
        bad = 0
        sent: list[str] = []
        with httpx.Client(base_url=urls[k % len(urls)], timeout=30) as http:
            j = 0
            while time.monotonic() < stop:
                start = time.perf_counter()
                if rng.random() < 0.1:
                    event = f"{tag}-c{k}-{j}"
                    body = {
                        "user_id": rng.choice(users),
                        "item_id": rng.choice(items),
                        "kind": "like",
                        "event_id": event,
                    }
                    res = http.post("/feedback", json=body)
                    if res.status_code == 200:
                        sent.append(event)
                else:
                    res = http.get(
                        f"/users/{rng.choice(users)}/recommendations",
                        params={"k": 10, "explain": "true"},
                    )
                mine.append((time.perf_counter() - start) * 1000)
                bad += res.status_code != 200
                j += 1
        with lock:
            lat.extend(mine)
            errors += bad
            acked.extend(sent)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {
        "rps": len(lat) / wall,
        "p50_ms": statistics.median(lat) if lat else 0.0,
        "p99_ms": _pct(lat, 0.99),
        "errors": errors,
        "requests": len(lat),
        "acked": acked,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a trained work dir (default: the sample)")
    ap.add_argument("--seconds", type=float, default=10.0, help="per client count")
    ap.add_argument("--clients", type=int, nargs="*", default=[1, 4, 8])
    ap.add_argument("--processes", type=int, default=1, help="servers on one work dir")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    with work_dir_or_sample(args.work_dir) as source, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        shutil.copytree(source, work)
        rec = Recommender.load(work)
        users, items = rec.user_ids(), rec.item_ids()
        # in-process reference: the same mix, one caller
        rng = random.Random(0)
        inproc: list[float] = []
        for j in range(400):
            start = time.perf_counter()
            if rng.random() < 0.1:
                rec.feedback(rng.choice(users), rng.choice(items), "like", event_id=f"in-{j}")
            else:
                rec.recommend(rng.choice(users), k=10, explain=True)
            inproc.append((time.perf_counter() - start) * 1000)
        inproc_events = len(rec.events)
        del rec

        kgrec = str(Path(sys.executable).parent / "kgrec")
        ports = [_free_port() for _ in range(args.processes)]
        servers = [
            subprocess.Popen(
                [kgrec, "serve", "--work-dir", str(work), "--port", str(p), "--sync-every", SYNC],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for p in ports
        ]
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        try:
            for url in urls:
                for _ in range(600):
                    try:
                        if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.2)
            out: dict[str, Any] = {"clients": {}, "processes": args.processes}
            sent: list[str] = []
            for n in args.clients:
                run = _clients(urls, users, items, n, args.seconds, f"bench-c{n}")
                sent += run.pop("acked")
                out["clients"][str(n)] = run
        finally:
            for server in servers:  # one at a time: each clean stop writes the whole log
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=120)
        with open_store("embedded", work, read_only=True) as store:
            rows = store.query("MATCH (:User)-[f:FEEDBACK]->(:Item) RETURN f.event_id AS e")
        # this run's events only (a copied work dir may hold earlier ones)
        stored = [r["e"] for r in rows if str(r["e"]).startswith("bench-")]
        found = len(stored)
        missing = len(set(sent) - set(stored))
        unexpected = sorted(set(stored) - set(sent))[:5]
    first = out["clients"][str(args.clients[0])]
    out |= {
        "rps": first["rps"],
        "p50_ms": first["p50_ms"],
        "p99_ms": first["p99_ms"],
        "errors": sum(c["errors"] for c in out["clients"].values()),
        "events_sent": len(sent),
        "events_found": int(found),
        "events_missing": missing,
        "events_not_acknowledged": unexpected,
        "inprocess_p50_ms": statistics.median(inproc),
        "inprocess_p99_ms": _pct(inproc, 0.99),
        "inprocess_events": inproc_events,
        "http_p99_over_inprocess_p99": first["p99_ms"] / _pct(inproc, 0.99),
    }
    if not args.json:
        for n, c in out.pop("clients").items():
            print(
                f"{n:>2} client(s): {c['rps']:7.1f} req/s  p50 {c['p50_ms']:6.1f} ms  "
                f"p99 {c['p99_ms']:6.1f} ms  errors {c['errors']}  ({c['requests']} requests)"
            )
    report(out, args.json, 2)


if __name__ == "__main__":
    main()
