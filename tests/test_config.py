from pathlib import Path

import pytest

from kgrec.config import PipelineConfig, load_config
from kgrec.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_sample_pipeline_file_is_the_default_config() -> None:
    # `kgrec demo` runs PipelineConfig(); pipelines/sample.toml must say the same thing.
    assert load_config(ROOT / "pipelines/sample.toml") == PipelineConfig()


def test_relative_paths_resolve_against_the_file(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(
        'name = "x"\nwork_dir = "out"\n[data]\nsource = "csv"\n'
        'interactions = "d/i.csv"\nitems = "d/items.csv"\n'
    )
    cfg = load_config(tmp_path / "p.toml")
    assert cfg.resolved_work_dir() == tmp_path / "out"
    assert cfg.data.items == tmp_path / "d/items.csv"


def test_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\ndimm = 3\n")
    with pytest.raises(ConfigError, match=r"bad.toml.*model.dimm"):
        load_config(bad)
    bad.write_text('[data]\nsource = "csv"\n')
    with pytest.raises(ConfigError, match="needs both"):
        load_config(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_config_is_frozen() -> None:
    cfg = PipelineConfig()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        cfg.model.dim = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("model", "filter_lambdas"),
        ("model", "filter_alphas"),
        ("model", "filter_betas"),
        ("model", "said_weights"),
        ("model", "fanouts"),
        ("eval", "ease_lambdas"),
        ("eval", "knn_neighbours"),
    ],
)
def test_empty_grids_are_refused_at_load(tmp_path: Path, table: str, key: str) -> None:
    """A grid to choose from on valid must hold a value; `half_lives = []` (always static)
    is the one list that may be empty."""
    bad = tmp_path / "bad.toml"
    bad.write_text(f"[{table}]\n{key} = []\n")
    with pytest.raises(ConfigError, match=rf"{table}\.{key}.*at least 1"):
        load_config(bad)
    ok = tmp_path / "ok.toml"
    ok.write_text("[model]\nhalf_lives = []\n")
    assert load_config(ok).model.half_lives == []


def test_a_mistyped_key_gets_the_nearest_setting(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.toml"
    pipeline.write_text('stor = "embedded"\n[model]\nepochz = 3\nzzzz = 1\n')
    with pytest.raises(ConfigError) as err:
        load_config(pipeline)
    text = str(err.value)
    assert "stor: unknown setting; did you mean `store`?" in text
    assert "model.epochz: unknown setting; did you mean `epochs`?" in text
    assert "model.zzzz: unknown setting" in text and "zzzz: unknown setting; did" not in text
