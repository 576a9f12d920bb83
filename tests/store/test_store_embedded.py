from collections.abc import Iterator
from pathlib import Path

import pytest

from kgrec.errors import ConfigError, ReadOnlyQueryError, StoreError
from kgrec.store import EmbeddedStore, open_store
from kgrec.testing.store_contract import StoreContract, contract_graph


class TestEmbeddedStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[EmbeddedStore]:
        s = EmbeddedStore.open(tmp_path / "g.lbug")
        yield s
        s.close()


@pytest.mark.reliability
def test_read_only_open_refuses_writes(tmp_path: Path) -> None:
    with EmbeddedStore.open(tmp_path / "g.lbug") as s:
        s.write(contract_graph())
    with EmbeddedStore.open(tmp_path / "g.lbug", read_only=True) as s:
        assert s.query("MATCH (n:Item) RETURN count(n) AS n") == [{"n": 7}]
        with pytest.raises(ReadOnlyQueryError):
            s.query("MATCH (n:Item) SET n.name = 'x'", write=True)


def test_read_only_open_of_missing_db_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run the pipeline first"):
        EmbeddedStore.open(tmp_path / "none.lbug", read_only=True)


def test_open_store_by_uri(tmp_path: Path) -> None:
    s = open_store(f"embedded://{tmp_path / 'x.lbug'}", tmp_path)
    s.close()
    assert (tmp_path / "x.lbug").exists()
    with pytest.raises(ConfigError):
        open_store("mysql://nope", tmp_path)


@pytest.mark.reliability
def test_unchanged_rewrite_sends_no_writes(tmp_path: Path) -> None:
    """The bulk writer compares with what is stored: an unchanged graph costs reads only."""
    kg = contract_graph()
    with EmbeddedStore.open(tmp_path / "g.lbug") as s:
        s.write(kg)
        assert s.last_write["new"] == len(kg.nodes) + len(kg.edges)
        s.write(kg)
        assert s.last_write == {"new": 0, "changed": 0, "unchanged": len(kg.nodes) + len(kg.edges)}
        kg.nodes.loc[0, "name"] = "renamed"
        s.write(kg)
        assert s.last_write["changed"] == 1 and s.last_write["new"] == 0


@pytest.mark.reliability
def test_database_of_an_older_schema_takes_the_new_kinds(tmp_path: Path) -> None:
    """A work directory built before Organization existed: writing a graph with
    organisations adds the table and the new label pairs of LIKES / INVOLVES, and keeps
    what was stored."""
    import dataclasses

    from kgrec.graph.schema import load_schema

    new = load_schema()
    old_rels = {
        name: dataclasses.replace(rel, targets=tuple(t for t in rel.targets if t != "Organization"))
        for name, rel in new.relationships.items()
        if name != "MADE_BY"
    }
    old_nodes = {k: v for k, v in new.nodes.items() if k != "Organization"}
    old = dataclasses.replace(new, nodes=old_nodes, relationships=old_rels)
    kg = contract_graph()
    with EmbeddedStore.open(tmp_path / "g.lbug", schema=old) as s:
        s.write(kg)
    with EmbeddedStore.open(tmp_path / "g.lbug") as s:
        s.apply_schema()  # as every write does first
        s.query(
            "MATCH (i:Item {node_id: 'Item:i1'}) CREATE (o:Organization {node_id: "
            "'Organization:a24', key: 'a24', name: 'A24'}), (i)-[:INVOLVES {weight: 1.0}]->(o), "
            "(i)-[:MADE_BY {weight: 1.0}]->(o)",
            write=True,
        )
        rows = s.query("MATCH (i:Item)-[r]->(o:Organization) RETURN i.node_id AS i, label(r) AS r")
        assert sorted(r["r"] for r in rows) == ["INVOLVES", "MADE_BY"]
        assert s.query("MATCH (n:Item) RETURN count(n) AS n") == [{"n": 7}]
