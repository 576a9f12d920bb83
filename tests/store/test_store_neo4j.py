"""The store contract on a real Neo4j server, plus Neo4j-only behaviour."""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kgrec.config import PipelineConfig
from kgrec.errors import ReadOnlyQueryError, StoreError
from kgrec.graph.kg import KnowledgeGraph
from kgrec.pipeline import Pipeline
from kgrec.store import Neo4jStore, open_store
from kgrec.testing.store_contract import StoreContract, contract_graph

pytestmark = pytest.mark.neo4j


class TestNeo4jStore(StoreContract):
    @pytest.fixture
    def store(self, neo4j_env: dict[str, str]) -> Iterator[Neo4jStore]:
        s = Neo4jStore.open(neo4j_env["NEO4J_URI"])
        s.clear()
        yield s
        s.close()


def test_constraints_come_from_the_schema(neo4j_env: dict[str, str]) -> None:
    with Neo4jStore.open() as s:
        s.apply_schema()
        names = {r["name"] for r in s.query("SHOW CONSTRAINTS YIELD name RETURN name")}
        assert {"user_node_id", "item_node_id", "genre_node_id"} <= names


@pytest.mark.reliability
def test_routing_uri_and_read_only_open(neo4j_env: dict[str, str]) -> None:
    routed = neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://")
    with Neo4jStore.open(routed) as s:
        s.clear()
        s.write(contract_graph())
    with open_store(routed, work_dir=None, read_only=True) as s:  # type: ignore[arg-type]
        assert s.query("MATCH (n:Item) RETURN count(n) AS n") == [{"n": 7}]
        with pytest.raises(ReadOnlyQueryError):
            s.query("MATCH (n:Item) SET n.name = 'x'", write=True)


@pytest.mark.reliability
def test_bad_password_and_dead_server_say_what_to_do(neo4j_env: dict[str, str]) -> None:
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore.open(neo4j_env["NEO4J_URI"], password="wrong-password")
    with pytest.raises(StoreError, match="kgrec neo4j start"):
        Neo4jStore.open("bolt://127.0.0.1:1")


@pytest.mark.reliability
def test_repr_hides_the_password(neo4j_env: dict[str, str]) -> None:
    with Neo4jStore.open() as s:
        assert neo4j_env["NEO4J_PASSWORD"] not in repr(s)


def _counts(work: Path) -> tuple[int, int, int]:
    with Neo4jStore.open() as s:
        nodes = s.query("MATCH (n) RETURN count(n) AS n")[0]["n"]
        rels = s.query("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        recs = s.query("MATCH (:User)-[r:RECOMMENDED]->(:Item) RETURN count(r) AS n")[0]["n"]
    return nodes, rels, recs


@pytest.mark.reliability
def test_sample_pipeline_on_neo4j_is_idempotent(neo4j_sample: Path) -> None:
    first = _counts(neo4j_sample)
    graph = KnowledgeGraph.load(neo4j_sample / "graph")
    assert first == (len(graph.nodes), len(graph.edges) + 900, 900)
    again = Pipeline(PipelineConfig(work_dir=neo4j_sample, store="neo4j")).run(force=True)
    assert set(again.stages.values()) == {"ran"}
    assert _counts(neo4j_sample) == first


def test_graph_read_back_from_neo4j_equals_the_built_graph(neo4j_sample: Path) -> None:
    built = KnowledgeGraph.load(neo4j_sample / "graph")
    with Neo4jStore.open() as s:
        back = s.read()
    key = ["node_id", "label", "name"]
    assert (
        back.nodes[key]
        .sort_values("node_id")
        .reset_index(drop=True)
        .equals(built.nodes[key].sort_values("node_id").reset_index(drop=True))
    )
    triples = lambda e: sorted(zip(e["src"], e["rel"], e["dst"], strict=True))  # noqa: E731
    assert triples(back.edges) == triples(built.edges)


def test_training_from_the_graph_in_neo4j(neo4j_sample: Path, sample_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kgrec.config import DataConfig

    config = PipelineConfig(
        name="from-neo4j", work_dir=tmp_path / "w", store="neo4j", data=DataConfig(source="store")
    )
    summary = Pipeline(config).run()
    assert summary.counts == sample_run.counts  # the same graph, read back from Neo4j
    ours, theirs = summary.metrics["models"], sample_run.metrics["models"]
    # the split depends on the interactions and the seed, not on the order they are read in
    for part in ("train", "valid", "test"):
        a, b = (
            pd.read_parquet(w / "data" / f"{part}.parquet")
            for w in (tmp_path / "w", sample_run.work_dir)
        )
        pairs = lambda f: sorted(zip(f["user_id"], f["item_id"], strict=True))  # noqa: E731
        assert pairs(a) == pairs(b), part
    # the same data and split, but nodes in the store's order: the GNN starts elsewhere
    got, want = ours["kgrec"]["ndcg@10"], theirs["kgrec"]["ndcg@10"]
    assert got == pytest.approx(want, abs=0.05), (got, want)
    again = Pipeline(config).run()  # nothing changed in the store: every stage is current
    assert set(again.stages.values()) == {"skipped (current)"}
