"""A pipeline killed (SIGKILL) at a random point of its store stage completes on re-run,
with a stored graph identical to an uninterrupted run's — on both stores; and a Neo4j
outage in the middle of a write fails clearly, then resumes."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import threading
import time
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kgrec.config import PipelineConfig
from kgrec.errors import StoreError
from kgrec.graph.kg import KnowledgeGraph
from kgrec.pipeline import Pipeline, RunSummary
from kgrec.progress import Silent
from kgrec.store import Neo4jStore, embedded_path, neo4j_server, open_store

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

TRIALS = 10


class _Marks(Silent):
    """Progress that signals the store stage's start and end to the parent process."""

    def __init__(self, started: Event, stored: Event) -> None:
        self.started, self.stored = started, stored

    def stage(self, name: str, status: str, detail: str = "") -> None:
        if name == "store" and status == "run":
            self.started.set()
        if name == "store" and status == "done":
            self.stored.set()


def _store_stage(work: Path, store: str, started: Event, stored: Event) -> None:
    Pipeline(PipelineConfig(work_dir=work, store=store), _Marks(started, stored)).run(until="store")


def _fresh(sample: Path, work: Path, store: str) -> Path:
    """A copy of the sample run whose store stage has not run (and an empty store)."""
    if work.exists():
        shutil.rmtree(work)
    # what the stages up to the store read; not the store, the model or the caches
    skip = shutil.ignore_patterns("graph.lbug*", "model", "cache", "*.png", "recommendations*")
    shutil.copytree(sample, work, ignore=skip)
    manifest = json.loads((work / "manifest.json").read_text())
    for stage in ("store", "train", "recommend"):
        manifest.pop(stage, None)
    (work / "manifest.json").write_text(json.dumps(manifest))
    if store == "neo4j":
        with Neo4jStore.open() as s:
            s.clear()
    return work


def _stored(work: Path, store: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored graph as sorted node and edge tables."""
    with open_store(store, work, read_only=True) as s:
        kg: KnowledgeGraph = s.read()
    nodes = kg.nodes.sort_values("node_id").reset_index(drop=True)
    edges = kg.edges.sort_values(["src", "rel", "dst"]).reset_index(drop=True)
    return nodes, edges


def _child(work: Path, store: str) -> tuple[BaseProcess, Event]:
    """The pipeline up to its store stage in a forked process (the imports are done
    already: a fresh interpreter would spend most of a trial importing), returned once the
    store stage has started, with the event its end sets."""
    ctx = multiprocessing.get_context("fork")
    started, stored = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_store_stage, args=(work, store, started, stored))
    proc.start()
    assert started.wait(timeout=300), "the store stage did not start"
    return proc, stored


def _trials(sample: Path, root: Path, store: str) -> None:
    work = root / "work"
    # the reference: uninterrupted store stages, timed from start to end; the shorter of
    # two (a server's first write is slower) bounds the kill times
    durations = []
    for _ in range(2):
        proc, stored = _child(_fresh(sample, work, store), store)
        start = time.perf_counter()
        assert stored.wait(timeout=600)
        durations.append(time.perf_counter() - start)
        proc.join(timeout=600)
        assert proc.exitcode == 0
    duration = min(durations)
    want_nodes, want_edges = _stored(work, store)
    assert len(want_nodes) > 100 and len(want_edges) > 100
    rng = np.random.default_rng(7)
    killed = trials = 0
    delays = []
    # until TRIALS kills have landed inside the stage (a kill after it is a trial too)
    while killed < TRIALS and trials < 5 * TRIALS:
        proc, _ = _child(_fresh(sample, work, store), store)
        delay = float(rng.uniform(0.0, duration))
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        proc.join(timeout=60)
        assert proc.exitcode in (0, -signal.SIGKILL)
        trials += 1
        again = Pipeline(PipelineConfig(work_dir=work, store=store)).run(until="store")
        # "ran": the kill came before the stage was marked done, so the re-run resumed it
        if again.stages["store"] == "ran":
            killed += 1
            delays.append(delay)
        nodes, edges = _stored(work, store)
        pd.testing.assert_frame_equal(nodes, want_nodes)
        pd.testing.assert_frame_equal(edges, want_edges)
    print(
        f"\n{store}: {trials} trials, {killed} killed inside the store stage (after "
        f"{min(delays):.2f}-{max(delays):.2f} s of a {duration:.2f} s stage), every re-run "
        f"identical to the uninterrupted run: {len(want_nodes)} nodes, {len(want_edges)} "
        "relationships"
    )
    assert killed == TRIALS


def test_embedded_store_survives_sigkill(sample_run: RunSummary, tmp_path: Path) -> None:
    _trials(sample_run.work_dir, tmp_path, "embedded")
    assert embedded_path(tmp_path / "work").exists()


@pytest.mark.neo4j
def test_neo4j_store_survives_sigkill(
    sample_run: RunSummary, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    _trials(sample_run.work_dir, tmp_path, "neo4j")


@pytest.mark.neo4j
def test_neo4j_outage_mid_write_fails_clearly_then_resumes(
    sample_run: RunSummary,
    neo4j_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second Neo4j server is killed while the store stage writes to it: the stage fails
    after bounded retries with an error that says what to do, nothing is marked done, and
    once the server is back a re-run completes with the whole graph, nothing duplicated."""
    home = tmp_path / "server"
    info = neo4j_server.start(home, port=neo4j_server.free_port(), password="outage-test-pw")
    try:
        for key, value in info.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("KGREC_NEO4J_RETRY_S", "5")
        work = _fresh(sample_run.work_dir, tmp_path / "work", "neo4j")
        started, stored = threading.Event(), threading.Event()
        outcome: dict[str, BaseException] = {}

        def store_stage() -> None:
            try:
                cfg = PipelineConfig(work_dir=work, store="neo4j")
                Pipeline(cfg, _Marks(started, stored)).run(until="store")  # type: ignore[arg-type]
            except BaseException as exc:  # the outcome is checked below
                outcome["error"] = exc

        thread = threading.Thread(target=store_stage)
        thread.start()
        assert started.wait(timeout=300)
        with Neo4jStore.open() as probe:  # wait for the first written batch
            while not probe.query("MATCH (n) RETURN count(n) AS n")[0]["n"]:
                assert thread.is_alive(), outcome
                time.sleep(0.02)
        os.kill(info.pid, signal.SIGKILL)  # the outage, mid-write: no clean shutdown
        t0 = time.perf_counter()
        thread.join(timeout=300)
        waited = time.perf_counter() - t0
        assert not stored.is_set(), "the store stage finished before the outage"
        error = outcome.get("error")
        assert isinstance(error, StoreError), error
        assert "kgrec neo4j start" in str(error) and "re-run" in str(error)
        assert waited < 60  # bounded: 5 s of retries, plus connection timeouts
        assert "store" not in json.loads((work / "manifest.json").read_text())

        neo4j_server.stop(home)  # forget the killed process
        info = neo4j_server.start(home, port=info.port, password="outage-test-pw")
        again = Pipeline(PipelineConfig(work_dir=work, store="neo4j")).run(until="store")
        assert again.stages["store"] == "ran"
        nodes, edges = _stored(work, "neo4j")
        built = KnowledgeGraph.load(work / "graph")
        assert sorted(nodes["node_id"]) == sorted(built.nodes["node_id"])
        triples = sorted(zip(edges["src"], edges["rel"], edges["dst"], strict=True))
        want = sorted(zip(built.edges["src"], built.edges["rel"], built.edges["dst"], strict=True))
        assert triples == want  # every relationship once: nothing lost, nothing duplicated
        print(
            f"\noutage: failed {waited:.1f} s after the kill ({error}); after the restart the "
            f"re-run stored {len(nodes)} nodes and {len(edges)} relationships, as built"
        )
    finally:
        neo4j_server.stop(home)


def test_a_deleted_stage_output_is_made_again(sample_copy: Path) -> None:
    """A stage whose output is gone (a deleted checkpoint) is not taken as current."""
    (sample_copy / "model" / "checkpoint.pt").unlink()
    config = PipelineConfig(work_dir=sample_copy)
    again = Pipeline(config).run()
    assert again.stages["train"] == "ran" and again.stages["extract"] == "skipped (current)"
    assert (sample_copy / "model" / "checkpoint.pt").exists()
