"""Cypher text shared by the backends. Labels, types and property names come only from the
checked schema; every value travels as a parameter (``$rows``), never inside the text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kgrec.errors import SchemaError
from kgrec.graph.kg import KnowledgeGraph
from kgrec.graph.schema import GraphSchema

if TYPE_CHECKING:  # imported where used: `kgrec query` needs no pandas (start-up, issue 15)
    pass

#: A store's query method: (cypher, params) -> rows.
QueryFn = Callable[[str, Mapping[str, Any] | None], list[dict[str, Any]]]


def _checked(declared: list[str], props: list[str] | None, where: str) -> list[str]:
    if props is None:
        return declared
    unknown = set(props) - set(declared)
    if unknown:
        raise SchemaError(
            f"{where} has no propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{sorted(unknown)} in graph_schema/schema.yaml"
        )
    return [p for p in declared if p in props]


def upsert_nodes(schema: GraphSchema, label: str, props: list[str] | None = None) -> str:
    """MERGE a batch of ``label`` nodes by node_id and set ``props`` (default: all declared).

    The writer passes only the properties some row of the batch has a value for: an
    all-null column would leave the embedded engine unable to type it, and an unknown value
    should not erase a stored one.
    """
    schema.check_label(label)
    declared = [p for p in schema.node_properties(label) if p != "node_id"]
    sets = ", ".join(f"n.{p} = r.{p}" for p in _checked(declared, props, label))
    merge = f"UNWIND $rows AS r MERGE (n:{label} {{node_id: r.node_id}})"
    return f"{merge} ON CREATE SET {sets} ON MATCH SET {sets}" if sets else merge


def upsert_edges(
    schema: GraphSchema, rel: str, src: str, dst: str, props: list[str] | None = None
) -> str:
    """MERGE a batch of ``rel`` edges between existing nodes and set ``props``."""
    schema.check_rel(rel, src, dst)
    declared = list(schema.relationships[rel].properties)
    # the Kùzu family needs a SET on a relationship MERGE (LadybugDB 0.15 crashed without)
    sets = ", ".join(f"e.{p} = r.{p}" for p in _checked(declared, props, rel))
    sets = sets or "e.weight = e.weight"
    return (
        f"UNWIND $rows AS r MATCH (a:{src} {{node_id: r.src}}), (b:{dst} {{node_id: r.dst}}) "
        f"MERGE (a)-[e:{rel}]->(b) ON CREATE SET {sets} ON MATCH SET {sets}"
    )


def read_nodes(schema: GraphSchema, label: str) -> str:
    """Every ``label`` node's properties as columns."""
    schema.check_label(label)
    cols = ", ".join(f"n.{p} AS {p}" for p in schema.node_properties(label))
    return f"MATCH (n:{label}) RETURN {cols}"


def read_edges(
    schema: GraphSchema, rel: str, src: str | None = None, dst: str | None = None
) -> str:
    """Every ``rel`` edge (between ``src`` and ``dst`` labels when given) with its endpoints'
    ids and its properties."""
    schema.check_rel(rel, src, dst)
    cols = "".join(f", e.{p} AS {p}" for p in schema.relationships[rel].properties)
    a = f"a:{src}" if src else "a"
    b = f"b:{dst}" if dst else "b"
    return f"MATCH ({a})-[e:{rel}]->({b}) RETURN a.node_id AS src, b.node_id AS dst{cols}"


DELETE_RECOMMENDATIONS = (
    "MATCH (u:User)-[e:RECOMMENDED]->(:Item) WHERE u.node_id IN $users DELETE e"
)

_WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|ALTER|COPY|INSTALL|LOAD|IMPORT|EXPORT|"
    r"ATTACH|CHECKPOINT|BEGIN|COMMIT|ROLLBACK|FOREACH)\b",
    re.IGNORECASE,
)
_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def writes(cypher: str) -> bool:
    """Whether a statement contains a clause that can change the database.

    String literals, quoted names and comments are ignored, so ``RETURN 'CREATE'`` reads.
    """
    return bool(_WRITE_CLAUSE.search(_LITERAL.sub(" ", cypher)))


#: Relationships kgrec writes around the built graph (recommendations, live feedback): not
#: read back as part of it, not counted in its fingerprint.
WRITTEN_AROUND = ("RECOMMENDED", "FEEDBACK")


def upsert_feedback(schema: GraphSchema, props: list[str]) -> str:
    """One FEEDBACK edge per event id (a user may react to an item many times), its user
    created where feedback made them (``user`` is their key), ``props`` set from the row."""
    declared = list(schema.relationships["FEEDBACK"].properties)
    sets = ", ".join(f"r.{p} = row.{p}" for p in _checked(declared, props, "FEEDBACK"))
    return (
        "UNWIND $rows AS row "
        "MERGE (u:User {node_id: row.src}) "
        "ON CREATE SET u.key = row.user, u.name = row.user "
        "WITH u, row MATCH (i:Item {node_id: row.dst}) "
        "MERGE (u)-[r:FEEDBACK {event_id: row.event_id}]->(i)" + (f" SET {sets}" if sets else "")
    )


def read_graph(schema: GraphSchema, query: QueryFn) -> KnowledgeGraph:
    """Read every node and every edge but those kgrec writes around the graph
    (:data:`WRITTEN_AROUND`) through ``query``, in a fixed order (nodes by id, edges by
    source, type and target): engines return rows in whatever order their scan takes."""
    import pandas as pd

    node_frames = [
        pd.DataFrame(rows).assign(label=label)
        for label in schema.nodes
        if (rows := query(read_nodes(schema, label), None))
    ]
    edge_frames = [
        pd.DataFrame(rows).assign(rel=rel)
        for rel in schema.relationships
        if rel not in WRITTEN_AROUND
        if (rows := query(read_edges(schema, rel), None))
    ]
    if not node_frames:
        return KnowledgeGraph.empty()
    edges = (
        pd.concat(edge_frames, ignore_index=True) if edge_frames else KnowledgeGraph.empty().edges
    )
    nodes = pd.concat(node_frames, ignore_index=True).sort_values("node_id", ignore_index=True)
    edges = edges.sort_values(["src", "rel", "dst"], ignore_index=True)
    return KnowledgeGraph(nodes, edges)


#: Every stored node.
COUNT_NODES = "MATCH (n) RETURN count(n) AS n"
#: Every stored relationship but those written around the graph, per dialect (the
#: Kùzu family spells a relationship's type ``label(r)``).
COUNT_RELATIONSHIPS = {
    "neo4j": "MATCH ()-[r]->() WHERE NOT type(r) IN $around RETURN count(r) AS n",
    "ladybug": "MATCH ()-[r]->() WHERE NOT list_contains($around, label(r)) RETURN count(r) AS n",
}
