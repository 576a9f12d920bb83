"""`kgrec export`: RecBole / hopwise atomic files checked against RecBole's documented
format (https://recbole.io/docs/user_guide/data/atomic_files.html), and PyG's HeteroData."""

import json
from pathlib import Path

import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from kgrec.cli.app import app
from kgrec.config import PipelineConfig
from kgrec.graph.interop import export, tokens
from kgrec.graph.kg import KnowledgeGraph
from kgrec.layout import DATA_DIR, GRAPH_DIR
from kgrec.pipeline import Pipeline, RunSummary

SAMPLE_TOML = Path(__file__).resolve().parents[2] / "pipelines" / "sample.toml"
#: RecBole's field types
TYPES = {"token", "token_seq", "float", "float_seq"}


def _atomic(path: Path) -> pd.DataFrame:
    """Read an atomic file as RecBole does: tab-separated, ``name:type`` header, every row
    as many fields as the header; no field a tab or a line break can hide in."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path.name} does not end with a line break"
    header = lines[0].split("\t")
    for field in header:
        name, _, typ = field.partition(":")
        assert name and typ in TYPES, f"{path.name}: {field!r} is not name:type"
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(r) == len(header) for r in rows), f"{path.name}: a row has too many fields"
    frame = pd.DataFrame(rows, columns=[f.split(":")[0] for f in header])
    for field in header:
        name, _, typ = field.partition(":")
        if typ == "token":
            assert (frame[name] != "").all() or name == "year", f"{path.name}: empty {name}"
        if typ == "float":
            frame[name] = frame[name].astype(float)
    return frame


@pytest.fixture(scope="module")
def exported(sample_run: RunSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    inp = Pipeline(PipelineConfig()).export_input()
    for fmt in ("recbole", "hopwise", "pyg"):
        export(inp, fmt, out)
    return out


def test_recbole_files_follow_the_atomic_format_and_hold_the_split(
    sample_run: RunSummary, exported: Path
) -> None:
    folder = exported / "recbole" / "sample"
    parts = {p: _atomic(folder / f"sample.{p}.inter") for p in ("train", "valid", "test")}
    data = sample_run.work_dir / DATA_DIR
    for part, frame in parts.items():
        want = pd.read_parquet(data / f"{part}.parquet")
        assert sorted(zip(frame["user_id"], frame["item_id"], strict=True)) == sorted(
            zip(want["user_id"].astype(str), want["item_id"].astype(str), strict=True)
        )
    whole = _atomic(folder / "sample.inter")
    assert len(whole) == sum(len(f) for f in parts.values())
    assert {"rating", "timestamp"} <= set(whole.columns)

    kg, link, item = (_atomic(folder / f"sample.{s}") for s in ("kg", "link", "item"))
    assert set(link["item_id"]) == set(item["item_id"]) == set(whole["item_id"])
    entities = set(kg["head_id"]) | set(kg["tail_id"])
    assert set(link["entity_id"]) <= entities  # every item is in the KG
    assert not any(e.startswith("User:") for e in entities)  # users are in .inter only
    graph = KnowledgeGraph.load(sample_run.work_dir / GRAPH_DIR)
    assert set(kg["relation_id"]) <= set(graph.edges["rel"]) - {"INTERACTED", "LIKES"}
    assert {"genre", "person", "place"} <= set(item.columns)
    assert item["genre"].str.split(" ").explode().str.len().gt(0).any()

    config = (folder / "sample.yaml").read_text()
    assert "benchmark_filename: [train, valid, test]" in config
    ids = pd.read_csv(folder / "sample.kgrec_ids.tsv", sep="\t", keep_default_na=False)
    assert set(ids.loc[ids["field"] == "entity_id", "token"]) >= entities


def test_the_kg_is_the_training_graphs_item_side(sample_run: RunSummary, exported: Path) -> None:
    """The export's KG is the training graph's edges between non-user nodes, each once."""
    kg = _atomic(exported / "recbole" / "sample" / "sample.kg")
    train = Pipeline(PipelineConfig()).export_input().graph
    users = set(train.nodes.loc[train.nodes["label"] == "User", "node_id"])
    side = train.edges[~train.edges["src"].isin(users) & ~train.edges["dst"].isin(users)]
    assert len(kg) == len(side.drop_duplicates(["src", "rel", "dst"]))


def test_hopwise_tokens_have_no_spaces(exported: Path) -> None:
    folder = exported / "hopwise" / "sample"
    for suffix in ("inter", "kg", "link"):
        frame = _atomic(folder / f"sample.{suffix}")
        for column in frame.columns:
            if frame[column].dtype == object:
                assert not frame[column].str.contains(" ").any(), (suffix, column)
    assert 'ui_relation: "[UI-Relation]"' in (folder / "sample.yaml").read_text()


def test_tokens_are_unique_and_tab_free() -> None:
    got = tokens(["Genre:film noir", "Genre:film_noir", "Item:a\tb"], space_free=True)
    assert len(set(got.values())) == 3
    assert got["Genre:film noir"] == "Genre:film_noir~2" or got["Genre:film_noir"].endswith("~2")
    assert "\t" not in got["Item:a\tb"]
    assert tokens(["Genre:film noir"], space_free=False) == {"Genre:film noir": "Genre:film noir"}


def test_pyg_heterodata_has_features_and_the_split(sample_run: RunSummary, exported: Path) -> None:
    data = torch.load(exported / "pyg" / "sample.pt", weights_only=False)
    assert {"User", "Item", "Genre"} <= set(data.node_types)
    store = data["User", "INTERACTED", "Item"]
    folder = sample_run.work_dir / DATA_DIR
    for part in ("train", "valid", "test"):
        n = len(pd.read_parquet(folder / f"{part}.parquet"))
        got = store.edge_index if part == "train" else store[f"{part}_edge_label_index"]
        assert got.shape == (2, n)
    assert data["Item"].x.shape[0] == data["Item"].num_nodes
    assert bool(data["Item"].has_text.all())
    data.validate()


def test_cli_export_writes_the_formats_asked_for(sample_run: RunSummary, tmp_path: Path) -> None:
    shown = CliRunner().invoke(
        app, ["export", str(SAMPLE_TOML), str(tmp_path), "-f", "recbole", "--json"]
    )
    assert shown.exit_code == 0, shown.output
    assert set(json.loads(shown.stdout)) == {"recbole"}
    assert (tmp_path / "recbole" / "sample" / "sample.kg").is_file()
    assert not (tmp_path / "pyg").exists()
    bad = CliRunner().invoke(app, ["export", str(SAMPLE_TOML), str(tmp_path), "-f", "x"])
    assert bad.exit_code == 2 and "recbole, hopwise, pyg" in bad.output
