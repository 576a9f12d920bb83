"""The embedded store: a LadybugDB Cypher database in a single file.

LadybugDB (PyPI ``ladybug``) is the maintained fork of Kùzu, which was archived in October
2025; kgrec used ``kuzu`` 0.11.3 until the fork fixed two faults of its early releases
(strings that look like JSON came back as structs; COPY of relationship tables with DOUBLE
columns was ~150x slower); the store contract (``kgrec/testing/store_contract.py``) writes
both. A file written by Kùzu cannot be opened here: :mod:`kgrec.store.migrate` moves it
across. LadybugDB refuses a second writer but not readers beside a writer, so kgrec keeps
Kùzu's rule with its own lock (:class:`_ProcessLock`).

Zero set-up: the database lives in the pipeline's work directory. One process may open
it for writing; ``read_only=True`` opens it for reading (what ``kgrec query`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ladybug as _db

from kgrec.errors import ReadOnlyQueryError, StoreError
from kgrec.graph.kg import KnowledgeGraph
from kgrec.graph.schema import GraphSchema, load_schema
from kgrec.store import cypher
from kgrec.store.base import CypherStore, batches, frame_rows, valued_properties

if TYPE_CHECKING:  # imported where used: `kgrec query` needs no pandas (start-up, issue 15)
    import pandas as pd


class EmbeddedStore(CypherStore):
    """GraphStore over an embedded LadybugDB database file. Open with :meth:`open`."""

    dialect = "ladybug"

    def __init__(
        self, database: Any, connection: Any, path: Path, schema: GraphSchema, read_only: bool
    ) -> None:
        self._db, self._conn, self.path, self.schema, self.read_only = (
            database,
            connection,
            path,
            schema,
            read_only,
        )
        self._lock: _ProcessLock | None = None
        #: what the last :meth:`write` did: rows copied in new, merged as changed, and
        #: left alone as already stored (nodes and edges together)
        self.last_write = {"new": 0, "changed": 0, "unchanged": 0}

    @classmethod
    def open(
        cls, path: str | Path, *, read_only: bool = False, schema: GraphSchema | None = None
    ) -> EmbeddedStore:
        """Open (creating when writable) the database file at ``path``."""
        path = Path(path)
        if read_only and not path.exists():
            raise StoreError(f"no embedded graph at {path}: run the pipeline first (kgrec demo)")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _ProcessLock(path, shared=read_only)
        try:
            lock.acquire()
            database = _db.Database(str(path), read_only=read_only)
            connection = _db.Connection(database)
        except (RuntimeError, BlockingIOError) as exc:
            lock.release()
            if "not a valid Lbug database file" in str(exc):
                raise StoreError(
                    f"{path} was written by Kùzu, the embedded engine of earlier kgrec "
                    "versions, and LadybugDB cannot read it. Move it across with `kgrec "
                    f"store migrate {path}` (needs `pip install kuzu==0.11.3`), or delete it "
                    "and run the pipeline again to rebuild it (feedback kept only in the "
                    "graph would be lost)"
                ) from exc
            holder = "for writing" if read_only else "for reading or writing"
            raise StoreError(
                f"cannot open the embedded graph {path}: {exc}. Another process may have it "
                f"open {holder}: the embedded store takes one writing process or many "
                "reading ones, never both at once. Wait for it to close (a running pipeline, "
                "a `kgrec query`) and try again, or use Neo4j for reads during writes"
            ) from exc
        store = cls(database, connection, path, schema or load_schema(), read_only)
        store._lock = lock
        return store

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r}, read_only={self.read_only})"

    def _run(self, statement: str, params: Mapping[str, Any] | None = None) -> Any:
        try:
            return self._conn.execute(statement, dict(params or {}))
        except RuntimeError as exc:
            raise StoreError(f"embedded store: {exc}") from exc

    def _frame(self, statement: str) -> pd.DataFrame:
        """A read query's result as a DataFrame (fast path for bulk reads)."""
        try:
            frame: pd.DataFrame = self._conn.execute(statement).get_as_df()
            return frame
        except RuntimeError as exc:
            raise StoreError(f"embedded store: {exc}") from exc

    def write(self, kg: KnowledgeGraph, batch_size: int = 1000) -> None:
        """Upsert nodes then edges: COPY new rows, MERGE changed ones, skip the unchanged
        (see kgrec.store._bulk for why). Same result as the generic MERGE path."""
        import pandas as pd

        from kgrec.store import _bulk

        self.apply_schema()
        self.last_write = {"new": 0, "changed": 0, "unchanged": 0}
        for label, group in kg.nodes.groupby("label"):
            label = str(label)
            columns = self.schema.node_properties(label)
            incoming = group.drop_duplicates("node_id", keep="last").reindex(columns=list(columns))
            stored = self._frame(cypher.read_nodes(self.schema, label))
            props = [c for c in columns if c != "node_id"]
            new, changed = _bulk.changed_rows(incoming, stored, ["node_id"], props)
            self._count(len(incoming), len(new), len(changed))
            if len(new):
                self._run(f"COPY {label} FROM $df", {"df": _bulk.arrow_table(new, columns)})
            self._merge_rows(
                changed,
                list(columns),
                batch_size,
                partial(cypher.upsert_nodes, self.schema, label),
            )
        label_of = pd.Series(kg.nodes["label"].to_numpy(), index=kg.nodes["node_id"])
        edges = kg.edges.assign(_s=kg.edges["src"].map(label_of), _d=kg.edges["dst"].map(label_of))
        for (rel, src, dst), group in edges.groupby(["rel", "_s", "_d"]):
            rel, src, dst = str(rel), str(src), str(dst)
            self.schema.check_rel(rel, src, dst)
            rel_props = self.schema.relationships[rel].properties
            incoming = group.drop_duplicates(["src", "dst"], keep="last").reindex(
                columns=["src", "dst", *rel_props]
            )
            stored = self._frame(cypher.read_edges(self.schema, rel, src, dst))
            new, changed = _bulk.changed_rows(incoming, stored, ["src", "dst"], list(rel_props))
            self._count(len(incoming), len(new), len(changed))
            if len(new):
                table = _bulk.arrow_table(new, {"src": "STRING", "dst": "STRING", **rel_props})
                self._run(f"COPY {rel} FROM $df (from='{src}', to='{dst}')", {"df": table})
            self._merge_rows(
                changed,
                ["src", "dst", *rel_props],
                batch_size,
                partial(cypher.upsert_edges, self.schema, rel, src, dst),
            )

    def _count(self, rows: int, new: int, changed: int) -> None:
        self.last_write["new"] += new
        self.last_write["changed"] += changed
        self.last_write["unchanged"] += rows - new - changed

    def _merge_rows(
        self,
        frame: pd.DataFrame,
        columns: list[str],
        batch_size: int,
        statement: Callable[[list[str]], str],
    ) -> None:
        for chunk in batches(frame_rows(frame, columns), batch_size):
            props = valued_properties(chunk)
            keep = [k for k in chunk[0] if k in ("node_id", "src", "dst") or k in props]
            self._run(statement(props), {"rows": [{k: r[k] for k in keep} for r in chunk]})

    def apply_schema(self) -> None:
        """Create node and relationship tables from schema.yaml (idempotent), and add the
        columns a newer schema declares to tables an older kgrec created."""
        for statement in self.schema.embedded_ddl():
            self._run(statement)
        declared = {label: self.schema.node_properties(label) for label in self.schema.nodes}
        declared |= {rel: r.properties for rel, r in self.schema.relationships.items()}
        for table, props in declared.items():
            have = {row["name"] for row in self.query(f"CALL table_info('{table}') RETURN name")}
            for prop, typ in props.items():
                if prop not in have:
                    self._run(f"ALTER TABLE {table} ADD {prop} {typ}")
        for table, rel in self.schema.relationships.items():  # label pairs newly allowed
            rows = self.query(f"CALL show_connection('{table}') RETURN *")
            pairs = {tuple(list(row.values())[:2]) for row in rows}
            for src in rel.sources:
                for dst in rel.targets:
                    if (src, dst) not in pairs:
                        self._run(f"ALTER TABLE {table} ADD FROM {src} TO {dst}")

    def query(
        self, cypher_text: str, params: Mapping[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Cypher; refuses write clauses unless ``write=True``."""
        if not write and cypher.writes(cypher_text):
            raise ReadOnlyQueryError(
                "this query would change the graph; pass write=True (CLI: --write) to allow it"
            )
        if write and self.read_only:
            raise ReadOnlyQueryError(f"{self.path} is open read-only")
        result = self._run(cypher_text, params)
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append({c: _plain(v) for c, v in zip(columns, result.get_next(), strict=True)})
        return rows

    def close(self) -> None:
        """Close the connection and the database file."""
        for obj in (self._conn, self._db):
            close = getattr(obj, "close", None)
            if close is not None:
                close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class _ProcessLock:
    """One writing process or many reading ones, across processes.

    LadybugDB locks its file against a second writer only: readers open beside a writer
    (and a writer beside readers) and may see a graph half-way through a write. kgrec keeps
    the rule Kùzu enforced with a POSIX lock on ``<file>.lock``: shared for readers,
    exclusive for the writer, never waiting. Locks belong to the process, as Kùzu's did, so
    one process may hold a reader and a writer at once."""

    def __init__(self, path: Path, *, shared: bool) -> None:
        self.path = path.with_name(path.name + ".lock")
        self.shared = shared
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise BlockingIOError; a folder that cannot hold the lock file
        (read-only media) goes without, as the engine alone would."""
        import os

        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: the engine's own lock only
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            fcntl.lockf(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise BlockingIOError(f"{self.path} is locked by another process") from exc
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (a no-op when not held)."""
        import os

        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as plain dicts without the engine's internal ids."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            return {
                "nodes": [_plain(n) for n in value["_NODES"]],
                "relationships": [_plain(r) for r in value["_RELS"]],
            }
        return {
            ("label" if k == "_LABEL" else k): _plain(v)
            for k, v in value.items()
            if k not in ("_ID", "_SRC", "_DST")
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value
