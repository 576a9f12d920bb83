"""The work directory a benchmark reads: the one given, or the sample run in a temp folder."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kgrec.config import PipelineConfig
from kgrec.pipeline import Pipeline


@contextmanager
def work_dir_or_sample(work: Path | None) -> Iterator[Path]:
    """``work`` itself, or (when None) a fresh run of the bundled sample, removed after."""
    if work is not None:
        yield work
        return
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample"
        Pipeline(PipelineConfig(work_dir=sample)).run()
        yield sample
