"""The GraphStore contract: one suite every backend must pass, with identical assertions.

Use it for your own backend by subclassing in a pytest module::

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            s = MyStore.open(...)
            yield s
            s.close()

The ``store`` fixture must yield an empty, writable store.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kgrec.errors import ReadOnlyQueryError
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.store.base import FeedbackRow, GraphStore, RecommendationRow

TRICKY = [
    'O\'Brien "The Q"',
    "Zoë – 東京",
    "x}) DETACH DELETE n //",
    "back\\slash",
    "[REC]",
    '{"json": [1]}',
]


#: The explanation paths of recommendations, matched back as graph paths, per dialect.
MATCH_EXPLANATION_PATHS = {
    "neo4j": "MATCH (u:User)-[r:RECOMMENDED]->(i:Item) UNWIND r.path_ids AS pid "
    "WITH u, i, split(pid, '|') AS ids "
    "MATCH p = (u)-[*2..3]-(i) WHERE [n IN nodes(p) | n.node_id] = ids "
    "RETURN length(p) AS hops",
    "ladybug": "MATCH (u:User)-[r:RECOMMENDED]->(i:Item) UNWIND r.path_ids AS pid "
    "WITH u, i, string_split(pid, '|') AS ids "
    "MATCH p = (u)-[*2..3]-(i) WHERE list_transform(nodes(p), x -> x.node_id) = ids "
    "RETURN length(p) AS hops",
}


def contract_graph(n_items: int = 7) -> KnowledgeGraph:
    """A small graph with every awkward thing a name can hold."""
    users = [f"u{k}" for k in range(3)]
    items = [f"i{k}" for k in range(n_items)]
    nodes: list[dict[str, object]] = [
        {"node_id": node_id("User", u), "label": "User", "key": u, "name": u, "text": None}
        for u in users
    ]
    nodes += [
        {
            "node_id": node_id("Item", i),
            "label": "Item",
            "key": i,
            "name": TRICKY[k % len(TRICKY)] + f" {k}",
            "title": TRICKY[k % len(TRICKY)],
            "text": "A film.",
            "year": 2000 + k,
        }
        for k, i in enumerate(items)
    ]
    nodes += [
        {"node_id": node_id("Genre", g), "label": "Genre", "key": g, "name": g}
        for g in ("film noir", "comedy")
    ]
    edges = [
        {
            "src": node_id("User", u),
            "rel": "INTERACTED",
            "dst": node_id("Item", i),
            "weight": 1.0,
            "rating": 4.5,
            "timestamp": 1_600_000_000 + k,
        }
        for k, (u, i) in enumerate((u, i) for u in users for i in items[:4])
    ]
    edges += [
        {
            "src": node_id("Item", i),
            "rel": "HAS_GENRE",
            "dst": node_id("Genre", "film noir" if k % 2 else "comedy"),
            "weight": 0.9,
        }
        for k, i in enumerate(items)
    ]
    frame = pd.DataFrame(nodes)
    frame["year"] = frame["year"].astype("Int64")
    edge_frame = pd.DataFrame(edges)
    edge_frame["timestamp"] = edge_frame["timestamp"].astype("Int64")
    return KnowledgeGraph(frame, edge_frame).validate()


def _triples(edges: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(zip(edges["src"], edges["rel"], edges["dst"], strict=True))


def _count(store: GraphStore, pattern: str) -> int:
    return int(store.query(f"MATCH {pattern} RETURN count(*) AS n")[0]["n"])


class StoreContract:
    """Tests every GraphStore must pass. Subclasses provide a ``store`` fixture."""

    def test_schema_applies_twice(self, store: GraphStore) -> None:
        store.apply_schema()
        store.apply_schema()
        assert _count(store, "(n:User)") == 0

    def test_round_trip(self, store: GraphStore) -> None:
        kg = contract_graph()
        store.write(kg)
        back = store.read()
        key = ["node_id", "label", "key", "name"]
        assert (
            back.nodes[key]
            .sort_values("node_id")
            .reset_index(drop=True)
            .equals(kg.nodes[key].sort_values("node_id").reset_index(drop=True))
        )
        assert _triples(back.edges) == _triples(kg.edges)

    @pytest.mark.reliability
    def test_rewrite_is_idempotent(self, store: GraphStore) -> None:
        kg = contract_graph()
        store.write(kg)
        first = (_count(store, "(n)"), _count(store, "()-[e]->()"))
        store.write(kg)
        assert (_count(store, "(n)"), _count(store, "()-[e]->()")) == first
        assert first == (len(kg.nodes), len(kg.edges))
        # a graph without an optional column is the same graph: nothing is erased
        store.write(
            KnowledgeGraph(kg.nodes.drop(columns=["year"]), kg.edges.drop(columns=["rating"]))
        )
        assert (_count(store, "(n)"), _count(store, "()-[e]->()")) == first
        assert store.query("MATCH (n:Item {key: 'i1'}) RETURN n.year AS y") == [{"y": 2001}]

    def test_changed_properties_are_updated_in_place(self, store: GraphStore) -> None:
        kg = contract_graph()
        store.write(kg)
        kg.nodes.loc[kg.nodes["node_id"] == "Item:i3", "name"] = "Renamed «i3»"
        kg.edges.loc[0, "rating"] = 1.5
        store.write(kg)
        assert store.query("MATCH (n:Item {key: 'i3'}) RETURN n.name AS n") == [
            {"n": "Renamed «i3»"}
        ]
        ratings = store.query(
            "MATCH (u:User {node_id: $s})-[e:INTERACTED]->(i:Item {node_id: $d}) "
            "RETURN e.rating AS r",
            {"s": kg.edges.loc[0, "src"], "d": kg.edges.loc[0, "dst"]},
        )
        assert ratings == [{"r": 1.5}]
        assert _count(store, "(n)") == len(kg.nodes)
        assert _count(store, "()-[e]->()") == len(kg.edges)

    @pytest.mark.parametrize("batch_size", [1, 2, 3, 1000])
    def test_batch_boundaries(self, store: GraphStore, batch_size: int) -> None:
        kg = contract_graph(n_items=7)
        store.write(kg, batch_size=batch_size)
        assert _count(store, "(n:Item)") == 7
        assert _count(store, "()-[e:INTERACTED]->()") == 12

    @pytest.mark.reliability
    def test_names_stored_literally(self, store: GraphStore) -> None:
        store.write(contract_graph())
        titles = {r["t"] for r in store.query("MATCH (n:Item) RETURN n.title AS t")}
        assert titles == set(TRICKY)
        hit = store.query("MATCH (n:Item) WHERE n.title = $t RETURN n.key AS k", {"t": TRICKY[2]})
        assert sorted(r["k"] for r in hit) == ["i2"]

    def test_recommendations_written_and_replaced(self, store: GraphStore) -> None:
        store.write(contract_graph())
        paths = json.dumps([{"nodes": [], "relationships": [], "score": 0.5}])
        recs = [
            RecommendationRow(
                node_id("User", "u0"),
                node_id("Item", f"i{k}"),
                r,
                1.0 / r,
                f"Because {TRICKY[0]}",
                paths,
                (f"User:u0|Item:i1|Genre:film noir|Item:i{k}",),
                "test",
                "2026-01-01T00:00:00",
            )
            for r, k in enumerate((5, 6), start=1)
        ]
        store.write_recommendations(recs)
        store.write_recommendations(recs[:1])
        rows = store.query(
            "MATCH (u:User)-[r:RECOMMENDED]->(i:Item) RETURN u.key AS u, i.key AS i, "
            "r.rank AS rank, r.text AS text, r.paths AS paths ORDER BY rank"
        )
        assert rows == [
            {"u": "u0", "i": "i5", "rank": 1, "text": f"Because {TRICKY[0]}", "paths": paths}
        ]
        assert store.read().edges["rel"].ne("RECOMMENDED").all()
        # the explanation paths can be matched back as real graph paths
        hops = store.query(MATCH_EXPLANATION_PATHS[getattr(store, "dialect", "neo4j")])
        assert hops == [{"hops": 3}]

    def test_feedback_is_one_edge_per_event_and_written_once(self, store: GraphStore) -> None:
        kg = contract_graph()
        store.write(kg)
        counts = store.counts()
        rows = [
            FeedbackRow("User:u0", "u0", "Item:i0", "e1", "like", None, 1_700_000_000),
            FeedbackRow("User:u0", "u0", "Item:i0", "e2", "rating", 4.5, 1_700_000_001),
            FeedbackRow(f"User:{TRICKY[1]}", TRICKY[1], "Item:i1", "e3", "dislike", None, 2),
        ]
        store.write_feedback(rows)
        store.write_feedback(rows)  # idempotent: the same events again
        got = store.query(
            "MATCH (u:User)-[f:FEEDBACK]->(i:Item) RETURN u.key AS u, i.key AS i, "
            "f.event_id AS e, f.kind AS kind, f.value AS value, f.ts AS ts ORDER BY e"
        )
        assert got == [
            {"u": "u0", "i": "i0", "e": "e1", "kind": "like", "value": None, "ts": 1_700_000_000},
            {"u": "u0", "i": "i0", "e": "e2", "kind": "rating", "value": 4.5, "ts": 1_700_000_001},
            {"u": TRICKY[1], "i": "i1", "e": "e3", "kind": "dislike", "value": None, "ts": 2},
        ]
        # the user feedback created is a node; feedback is not part of the built graph
        assert store.counts() == (counts[0] + 1, counts[1])
        assert store.read().edges["rel"].ne("FEEDBACK").all()

    @pytest.mark.reliability
    def test_query_is_read_only_by_default(self, store: GraphStore) -> None:
        store.write(contract_graph())
        with pytest.raises(ReadOnlyQueryError):
            store.query("MATCH (n:Item) DETACH DELETE n")
        with pytest.raises(ReadOnlyQueryError):
            store.query("MATCH (n:Item) SET n.name = 'x'")
        assert _count(store, "(n:Item)") == 7
        store.query(
            "MATCH (n:Genre {key: $k}) SET n.name = $v", {"k": "comedy", "v": "Comedy"}, write=True
        )
        assert store.query("MATCH (n:Genre {key: 'comedy'}) RETURN n.name AS n") == [
            {"n": "Comedy"}
        ]
        # words inside strings are not clauses
        assert store.query("RETURN 'CREATE (x)' AS s") == [{"s": "CREATE (x)"}]
