"""Shared fixtures: the sample pipeline is run once per test session into a temp folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgrec.config import PipelineConfig
from kgrec.extract import Extractor
from kgrec.pipeline import Pipeline, RunSummary


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


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.from_config()
