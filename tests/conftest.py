"""Shared fixtures: the sample pipeline is run once per test session into a temp folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kgrec.config import PipelineConfig
from kgrec.errors import StoreError
from kgrec.extract import Extractor
from kgrec.pipeline import Pipeline, RunSummary
from kgrec.store import neo4j_server

# CI replays the same generated cases every run (a new case that fails is found by a
# developer's run, not by a submission's); locally each run draws new ones
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _scratch_tempdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The test session's temporary files go to pytest's own folder, which pytest prunes:
    PyG writes a module per message-passing class into the temp folder and never deletes
    it (``torch_geometric.template``), so each run would leave files in /tmp."""
    scratch = str(tmp_path_factory.mktemp("tmp"))
    old_dir, old_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch  # subprocesses: the CLI, the service
    yield
    tempfile.tempdir = old_dir
    if old_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old_env


@pytest.fixture(scope="session")
def kgrec_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("kgrec_home")
    old = os.environ.get("KGREC_HOME")
    os.environ["KGREC_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("KGREC_HOME", None)
    else:
        os.environ["KGREC_HOME"] = old


@pytest.fixture(scope="session")
def sample_run(kgrec_home: Path) -> RunSummary:
    """The whole sample pipeline, run once (about half a minute on two cores)."""
    return Pipeline(PipelineConfig()).run()


@pytest.fixture()
def sample_copy(sample_run: RunSummary, tmp_path: Path) -> Path:
    """A private copy of the sample's work directory, for tests that write to it
    (feedback, refits, servers): the shared run stays as it was."""
    work = tmp_path / "sample"
    shutil.copytree(sample_run.work_dir, work)
    return work


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.from_config()


@pytest.fixture(scope="session")
def neo4j_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Neo4j server: the one NEO4J_URI names, else one the project starts for the
    session (kgrec.store.neo4j_server: Maven Central jars, 127.0.0.1, a free port).

    Outside CI, a machine that cannot run Neo4j (no Java or Maven) skips these tests; in
    CI (CI=true) that is a failure.
    """
    if os.environ.get("NEO4J_URI"):
        yield {
            k: os.environ[k]
            for k in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")
            if k in os.environ
        }
        return
    home = tmp_path_factory.mktemp("neo4j")
    try:
        info = neo4j_server.start(
            home, port=neo4j_server.free_port(), password="kgrec-test-password"
        )
    except StoreError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Neo4j server could be started here: {exc}")
    old = {k: os.environ.get(k) for k in info.env()}
    os.environ.update(info.env())
    yield info.env()
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    neo4j_server.stop(home)


@pytest.fixture(scope="module")
def neo4j_sample(
    sample_run: RunSummary, neo4j_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample pipeline's results in a freshly cleared Neo4j.

    The session's embedded run is copied, so only the store and recommend stages run
    (their fingerprints include the store; data, extraction and training are reused).
    """
    from kgrec.store import Neo4jStore

    work = tmp_path_factory.mktemp("neo4j_sample") / "sample"
    shutil.copytree(sample_run.work_dir, work)
    with Neo4jStore.open() as store:
        store.clear()
    Pipeline(PipelineConfig(work_dir=work, store="neo4j")).run()
    return work


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``gpu`` run where CUDA is, and are skipped (saying why) elsewhere."""
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (marker gpu)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
