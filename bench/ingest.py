"""Ingest benchmark: the same generated graph through Neo4jStore's UNWIND batches, a naive
one-query-per-row writer (on a sample, extrapolated), the embedded store, and
`neo4j-admin database import` (the upper reference), all in one run on one machine.

    .venv/bin/python bench/ingest.py                  # 100k nodes, 500k relationships
    .venv/bin/python bench/ingest.py --nodes 20000 --rels 100000 --json

Each method writes into an empty store; rows = nodes + relationships. A Neo4j server is
started for the run in a temporary folder (kgrec.store.neo4j_server) unless NEO4J_URI is set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kgrec.graph.kg import KnowledgeGraph
from kgrec.store import EmbeddedStore, Neo4jStore, neo4j_server
from kgrec.store.base import frame_rows

ATTRIBUTE_RELS = {
    "Person": "DIRECTED_BY",
    "Genre": "HAS_GENRE",
    "Place": "SET_IN",
    "Theme": "HAS_THEME",
    "Mood": "HAS_MOOD",
}


def generate(n_nodes: int, n_rels: int, seed: int = 0) -> KnowledgeGraph:
    """Users 20%, items 30%, attributes 50% of the nodes; 60% of the relationships are
    INTERACTED (user→item), 40% item→attribute; no duplicate (src, rel, dst)."""
    rng = np.random.default_rng(seed)
    n_users, n_items = n_nodes // 5, (3 * n_nodes) // 10
    n_attr = n_nodes - n_users - n_items
    kinds = list(ATTRIBUTE_RELS)
    attr_kind = np.array(kinds)[rng.integers(0, len(kinds), n_attr)]
    nodes = pd.concat(
        [
            pd.DataFrame(
                {
                    "node_id": [f"User:u{i}" for i in range(n_users)],
                    "label": "User",
                    "key": [f"u{i}" for i in range(n_users)],
                    "name": [f"u{i}" for i in range(n_users)],
                }
            ),
            pd.DataFrame(
                {
                    "node_id": [f"Item:i{i}" for i in range(n_items)],
                    "label": "Item",
                    "key": [f"i{i}" for i in range(n_items)],
                    "name": [f"Item «{i}» with 'quotes'" for i in range(n_items)],
                    "title": [f"Item {i}" for i in range(n_items)],
                }
            ),
            pd.DataFrame(
                {
                    "node_id": [f"{k}:a{i}" for i, k in enumerate(attr_kind)],
                    "label": attr_kind,
                    "key": [f"a{i}" for i in range(n_attr)],
                    "name": [f"attribute {i}" for i in range(n_attr)],
                }
            ),
        ],
        ignore_index=True,
    )
    n_inter = (6 * n_rels) // 10
    pairs = np.unique(
        np.stack([rng.integers(0, n_users, n_inter * 2), rng.integers(0, n_items, n_inter * 2)], 1),
        axis=0,
    )
    pairs = pairs[rng.permutation(len(pairs))[:n_inter]]
    inter = pd.DataFrame(
        {
            "src": [f"User:u{u}" for u in pairs[:, 0]],
            "rel": "INTERACTED",
            "dst": [f"Item:i{i}" for i in pairs[:, 1]],
            "weight": 1.0,
            "rating": rng.integers(1, 11, len(pairs)) / 2.0,
            "timestamp": rng.integers(1_500_000_000, 1_700_000_000, len(pairs)),
        }
    )
    n_attr_edges = n_rels - len(inter)
    ia = np.unique(
        np.stack(
            [rng.integers(0, n_items, n_attr_edges * 2), rng.integers(0, n_attr, n_attr_edges * 2)],
            1,
        ),
        axis=0,
    )
    ia = ia[rng.permutation(len(ia))[:n_attr_edges]]
    attr_edges = pd.DataFrame(
        {
            "src": [f"Item:i{i}" for i in ia[:, 0]],
            "rel": [ATTRIBUTE_RELS[attr_kind[a]] for a in ia[:, 1]],
            "dst": [f"{attr_kind[a]}:a{a}" for a in ia[:, 1]],
            "weight": 0.9,
        }
    )
    edges = pd.concat([inter, attr_edges], ignore_index=True)
    edges["timestamp"] = edges["timestamp"].astype("Int64")
    return KnowledgeGraph(nodes, edges).validate()


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def naive_rows_per_s(store: Neo4jStore, kg: KnowledgeGraph, sample: int) -> float:
    """One auto-committed query per row, the way a hand-rolled script often writes:
    ``sample`` nodes then ``sample`` relationships among them, extrapolated as rows/s."""
    schema = store.schema
    nodes = kg.nodes[kg.nodes["label"].isin(["User", "Item"])]
    edges = kg.edges[(kg.edges["rel"] == "INTERACTED")].head(sample)
    wanted = set(edges["src"]) | set(edges["dst"])
    nodes = nodes[nodes["node_id"].isin(wanted)]
    rows = 0
    start = time.perf_counter()
    for label, group in nodes.groupby("label"):
        props = [p for p in schema.node_properties(str(label)) if p != "node_id"]
        q = f"MERGE (n:{label} {{node_id: $node_id}}) SET " + ", ".join(
            f"n.{p} = ${p}" for p in props
        )
        for row in frame_rows(group, list(schema.node_properties(str(label)))):
            store._driver.execute_query(q, row)
            rows += 1
    q = (
        "MATCH (a:User {node_id: $src}), (b:Item {node_id: $dst}) MERGE (a)-[e:INTERACTED]->(b) "
        "SET e.weight = $weight, e.rating = $rating, e.timestamp = $timestamp"
    )
    for row in frame_rows(edges, ["src", "dst", "weight", "rating", "timestamp"]):
        store._driver.execute_query(q, row)
        rows += 1
    return rows / (time.perf_counter() - start)


def admin_import_rows_per_s(kg: KnowledgeGraph, folder: Path) -> float | None:
    """`neo4j-admin database import full` into a fresh server home (the upper reference)."""
    lib = neo4j_server.fetch()
    home = folder / "import-home"
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(neo4j_server._conf(home, neo4j_server.free_port()))
    args = []
    for label, group in kg.nodes.groupby("label"):
        path = home / "import" / f"nodes_{label}.csv"
        group[["node_id", "key", "name"]].rename(columns={"node_id": "node_id:ID"}).assign(
            **{":LABEL": label}
        ).to_csv(path, index=False)
        args.append(f"--nodes={path}")
    for rel, group in kg.edges.groupby("rel"):
        path = home / "import" / f"rels_{rel}.csv"
        group[["src", "dst", "weight"]].rename(
            columns={"src": ":START_ID", "dst": ":END_ID", "weight": "weight:double"}
        ).assign(**{":TYPE": rel}).to_csv(path, index=False)
        args.append(f"--relationships={path}")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    cmd = [
        neo4j_server.java_binary(),
        "-cp",
        f"{lib}/*",
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        *args,
        "--overwrite-destination=true",
        f"--report-file={home / 'import.report'}",
        "neo4j",
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(
            f"neo4j-admin import failed: {done.stdout[-500:]} {done.stderr[-500:]}", file=sys.stderr
        )
        return None
    return (len(kg.nodes) + len(kg.edges)) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--rels", type=int, default=500_000)
    ap.add_argument("--batch-size", type=int, default=5_000)
    ap.add_argument("--naive-sample", type=int, default=2_000)
    ap.add_argument("--skip-embedded", action="store_true")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()
    say = (lambda *_: None) if args.json else print

    kg = generate(args.nodes, args.rels)
    rows = len(kg.nodes) + len(kg.edges)
    say(f"graph: {len(kg.nodes):,} nodes, {len(kg.edges):,} relationships")
    result: dict[str, Any] = {
        "nodes": len(kg.nodes),
        "relationships": len(kg.edges),
        "batch_size": args.batch_size,
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if not os.environ.get("NEO4J_URI"):
            server = neo4j_server.start(
                Path(tmp) / "neo4j", port=neo4j_server.free_port(), password="kgrec-bench-password"
            )
            os.environ.update(server.env())
        try:
            with Neo4jStore.open() as store:
                store.clear()
                store.apply_schema()
                seconds = timed(lambda: store.write(kg, batch_size=args.batch_size))
                result["neo4j_seconds"] = seconds
                result["neo4j_rows_per_s"] = rows / seconds
                say(
                    f"Neo4jStore (UNWIND batches of {args.batch_size}): {seconds:.1f} s, "
                    f"{rows / seconds:,.0f} rows/s"
                )
                store.clear()
                result["naive_rows_per_s"] = naive_rows_per_s(store, kg, args.naive_sample)
                say(
                    f"naive, one query per row: {result['naive_rows_per_s']:,.0f} rows/s "
                    f"(on {args.naive_sample} relationships and their nodes)"
                )
                store.clear()
        finally:
            if server is not None:
                neo4j_server.stop(Path(server.home))
        result["ratio"] = result["neo4j_rows_per_s"] / result["naive_rows_per_s"]
        if not args.skip_embedded:
            with EmbeddedStore.open(Path(tmp) / "embedded.lbug") as emb:
                seconds = timed(lambda: emb.write(kg, batch_size=args.batch_size))
            result["embedded_seconds"] = seconds
            result["embedded_rows_per_s"] = rows / seconds
            say(f"EmbeddedStore: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")
        result["admin_import_rows_per_s"] = admin_import_rows_per_s(kg, Path(tmp))
        if result["admin_import_rows_per_s"]:
            say(f"neo4j-admin database import: {result['admin_import_rows_per_s']:,.0f} rows/s")
    say(f"Neo4jStore / naive = {result['ratio']:.1f}x")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
