"""The work directory a benchmark reads: the one given, or the sample run in a temp folder."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
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


def report(result: Mapping[str, object], as_json: bool, digits: int = 4) -> None:
    """A benchmark's result: one JSON object, or one aligned line per key."""
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        shown = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
        print(f"{key:>26}  {shown}")
