"""The embedded engines side by side: LadybugDB (kgrec's engine) against Kùzu 0.11.3 (the one
it replaced), on bench/ingest.py's generated graph, written the way EmbeddedStore writes new
rows (kgrec's schema DDL, then COPY from Arrow, per label and per relationship type), then
read back with a 2-hop count.

    .venv/bin/python bench/embedded_engines.py                    # 100k nodes, 500k rels
    .venv/bin/python bench/embedded_engines.py --repeats 5 --json

The two packages cannot share a process, so each run is a child process; runs alternate
between the engines and the medians are compared (ratio = LadybugDB time / Kùzu time).
Kùzu is in the dev extra (it reads old files for `kgrec store migrate`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ingest import generate  # type: ignore[import-not-found]

from kgrec.graph.schema import load_schema

_RUN = """
import json, sys, time
import pyarrow.parquet as pq
engine = __import__(sys.argv[1])
folder, ddl, tables = sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
db = engine.Database(folder + "/g.db")
conn = engine.Connection(db)
for statement in ddl:
    conn.execute(statement)
start = time.perf_counter()
for table, file, src, dst in tables:
    frame = pq.read_table(file)
    pair = f" (from='{src}', to='{dst}')" if src else ""
    conn.execute(f"COPY {table} FROM $df{pair}", {"df": frame})
written = time.perf_counter() - start
start = time.perf_counter()
hops = conn.execute(
    "MATCH (u:User)-[:INTERACTED]->(:Item)-[:HAS_GENRE]->(g:Genre) RETURN count(*)"
).get_next()[0]
read = time.perf_counter() - start
print(json.dumps({"write_s": written, "read_s": read, "paths": hops}))
"""


def _tables(n_nodes: int, n_rels: int, folder: Path) -> tuple[list[list[str]], int]:
    """The graph as one Parquet file per node label and per (rel, src, dst)."""
    schema = load_schema()
    kg = generate(n_nodes, n_rels)
    tables: list[list[str]] = []
    for label, group in kg.nodes.groupby("label"):
        columns = list(schema.node_properties(str(label)))
        file = folder / f"{label}.parquet"
        group.reindex(columns=columns).to_parquet(file, index=False)
        tables.append([str(label), str(file), "", ""])
    label_of = kg.nodes.set_index("node_id")["label"]
    edges = kg.edges.assign(_s=kg.edges["src"].map(label_of), _d=kg.edges["dst"].map(label_of))
    for (rel, src, dst), group in edges.groupby(["rel", "_s", "_d"]):
        props = list(schema.relationships[str(rel)].properties)
        file = folder / f"{rel}_{src}_{dst}.parquet"
        group.reindex(columns=["src", "dst", *props]).to_parquet(file, index=False)
        tables.append([str(rel), str(file), str(src), str(dst)])
    return tables, len(kg.nodes) + len(kg.edges)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--rels", type=int, default=500_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()
    engines = {"ladybug": "ladybug", "kuzu": "kuzu"}
    runs: dict[str, list[dict[str, float]]] = {e: [] for e in engines}
    with tempfile.TemporaryDirectory() as tmp:
        tables, rows = _tables(args.nodes, args.rels, Path(tmp))
        ddl = json.dumps(load_schema().embedded_ddl())
        for k in range(args.repeats):
            for engine in engines:
                folder = Path(tmp) / f"{engine}{k}"
                folder.mkdir()
                done = subprocess.run(
                    [sys.executable, "-c", _RUN, engine, str(folder), ddl, json.dumps(tables)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs[engine].append(json.loads(done.stdout))
    result: dict[str, object] = {"rows": rows, "repeats": args.repeats}
    for engine, measured in runs.items():
        for key in ("write_s", "read_s"):
            result[f"{engine}_{key}"] = round(statistics.median(r[key] for r in measured), 3)
        result[f"{engine}_paths"] = measured[0]["paths"]
    for key in ("write_s", "read_s"):
        result[f"ratio_{key}"] = round(
            float(result[f"ladybug_{key}"]) / float(result[f"kuzu_{key}"]),  # type: ignore[arg-type]
            2,
        )
    if args.json:
        print(json.dumps(result))
        return
    print(f"{rows:,} rows (nodes + relationships), median of {args.repeats} runs each")
    print(f"{'engine':<10}{'write s':>10}{'rows/s':>12}{'2-hop read s':>14}")
    for engine in engines:
        w, r = result[f"{engine}_write_s"], result[f"{engine}_read_s"]
        print(f"{engine:<10}{w:>10}{rows / float(w):>12,.0f}{r:>14}")  # type: ignore[arg-type]
    print(f"LadybugDB / Kùzu: write {result['ratio_write_s']}x, read {result['ratio_read_s']}x")


if __name__ == "__main__":
    main()
