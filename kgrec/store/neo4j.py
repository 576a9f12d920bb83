"""The Neo4j store: the official driver, managed transactions, UNWIND batches.

Works with ``bolt://``, ``neo4j://`` (routing: clusters, Aura) and their ``+s`` / ``+ssc``
variants. Credentials come from ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` (or arguments) and
the database from ``NEO4J_DATABASE`` (default: the server's default database).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from kgrec.errors import ReadOnlyQueryError, StoreError
from kgrec.graph.schema import GraphSchema, load_schema
from kgrec.store import neo4j_server
from kgrec.store.base import CypherStore

#: How long a write or query retries transient errors and lost connections before it
#: fails (``$KGREC_NEO4J_RETRY_S`` overrides).
DEFAULT_RETRY_S = 30.0


def retry_seconds() -> float:
    """``$KGREC_NEO4J_RETRY_S`` or :data:`DEFAULT_RETRY_S`."""
    return float(os.environ.get("KGREC_NEO4J_RETRY_S", DEFAULT_RETRY_S))


def _local_password(uri: str) -> str:
    """The password of the server `kgrec neo4j start` runs, where ``uri`` is that server;
    for any other server an unset NEO4J_PASSWORD is an error, not a guessed password."""
    info = neo4j_server.status(None)
    if info is not None and uri == info.uri:
        return info.password
    raise StoreError(
        f"NEO4J_PASSWORD is not set for the Neo4j at {uri}: export NEO4J_PASSWORD (and "
        "NEO4J_USERNAME if not 'neo4j'); kgrec supplies a password only for the server "
        "`kgrec neo4j start` runs"
    )


class Neo4jStore(CypherStore):
    """GraphStore over a Neo4j server. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(
        self,
        driver: neo4j.Driver,
        uri: str,
        database: str | None,
        schema: GraphSchema,
        read_only: bool,
    ) -> None:
        self._driver, self.uri, self.database, self.schema = driver, uri, database, schema
        self.read_only = read_only

    @classmethod
    def open(
        cls,
        uri: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
        read_only: bool = False,
        schema: GraphSchema | None = None,
    ) -> Neo4jStore:
        """Connect (and check the connection) to ``uri`` or ``$NEO4J_URI``."""
        uri = uri or os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687"
        username = username or os.environ.get("NEO4J_USERNAME", "neo4j")
        if password is None:
            password = os.environ.get("NEO4J_PASSWORD") or _local_password(uri)
        database = database or os.environ.get("NEO4J_DATABASE") or None
        # the driver retries transient errors and lost connections, for this long at most
        driver = neo4j.GraphDatabase.driver(
            uri, auth=(username, password), max_transaction_retry_time=retry_seconds()
        )
        try:
            driver.verify_connectivity()
        except ServiceUnavailable as exc:
            driver.close()
            raise StoreError(
                f"cannot reach Neo4j at {uri}: start it (`kgrec neo4j start`) or set NEO4J_URI"
            ) from exc
        except Neo4jError as exc:
            driver.close()
            raise StoreError(
                f"Neo4j at {uri} refused the connection ({exc.code}): check "
                "NEO4J_USERNAME / NEO4J_PASSWORD"
            ) from exc
        return cls(driver, uri, database, schema or load_schema(), read_only)

    def __repr__(self) -> str:  # never the password
        return f"Neo4jStore({self.uri!r}, database={self.database!r}, read_only={self.read_only})"

    def _run(
        self, statement: str, params: Mapping[str, Any] | None = None, write: bool = True
    ) -> neo4j.EagerResult:
        routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
        try:
            return self._driver.execute_query(
                statement, dict(params or {}), routing_=routing, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(
                f"lost Neo4j at {self.uri} (retried for up to {retry_seconds():g} s): {exc}. "
                "Start it again (`kgrec neo4j start`) and re-run: writes are idempotent, so the "
                "run resumes without losing or duplicating anything"
            ) from exc
        except ClientError as exc:
            if exc.code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyQueryError(
                    "this query would change the graph; pass write=True (CLI: --write) to allow it"
                ) from exc
            raise StoreError(f"Neo4j refused the query ({exc.code}): {exc.message}") from exc
        except Neo4jError as exc:
            raise StoreError(f"Neo4j failed ({exc.code}): {exc.message}") from exc

    def apply_schema(self) -> None:
        """Uniqueness constraints on node_id and name indexes, from schema.yaml."""
        for statement in self.schema.neo4j_constraints():
            self._run(statement)

    def query(
        self, cypher_text: str, params: Mapping[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Cypher in a READ transaction unless ``write=True``. Rows keyed by column."""
        if write and self.read_only:
            raise ReadOnlyQueryError(f"{self!r} was opened read-only")
        result = self._run(cypher_text, params, write=write)
        return [{k: _plain(record[k]) for k in result.keys} for record in result.records]

    def clear(self) -> None:
        """Delete every node and relationship (constraints stay). For tests and re-builds."""
        # CALL {} IN TRANSACTIONS needs an auto-commit transaction: a plain session.run.
        with self._driver.session(database=self.database) as session:
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as the same plain dicts the embedded store returns."""
    if isinstance(value, Node):
        return {"label": next(iter(value.labels), None), **dict(value.items())}
    if isinstance(value, Relationship):
        return {"label": value.type, **dict(value.items())}
    if isinstance(value, Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
