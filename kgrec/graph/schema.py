"""The graph schema (graph_schema/schema.yaml) and what is generated from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kgrec.errors import SchemaError

PROPERTY_TYPES = ("STRING", "INT64", "DOUBLE", "BOOL", "STRING[]")
#: Properties every node has, in this order.
NODE_BASE_PROPERTIES = {"node_id": "STRING", "key": "STRING", "name": "STRING"}


def schema_path() -> Path:
    """Where schema.yaml lives: inside an installed wheel, or in the source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_graph_schema" / "schema.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "graph_schema" / "schema.yaml"


@dataclass(frozen=True)
class NodeType:
    """A node label with its declared properties."""

    label: str
    properties: dict[str, str]
    attribute: bool = False
    description: str = ""


@dataclass(frozen=True)
class RelType:
    """A relationship type with the label pairs it may connect."""

    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, str]
    description: str = ""


@dataclass(frozen=True)
class GraphSchema:
    """Node labels, relationship types, vocabularies and NER mapping of a kgrec graph."""

    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    item_attribute_relationship: dict[str, str]
    ner_labels: dict[str, str]
    vocabularies: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Vocabulary words that count only with a cue word beside them (see schema.yaml).
    ambiguous: dict[str, frozenset[str]] = field(default_factory=dict)
    ambiguous_cues: frozenset[str] = frozenset()

    @property
    def attribute_kinds(self) -> list[str]:
        """Labels of attribute nodes (Person, Genre, ...)."""
        return [n.label for n in self.nodes.values() if n.attribute]

    def node_properties(self, label: str) -> dict[str, str]:
        """All properties of a label, the base ones first."""
        return {**NODE_BASE_PROPERTIES, **self.nodes[label].properties}

    def check_label(self, label: str) -> str:
        """Return ``label`` if the schema declares it, else raise SchemaError."""
        if label not in self.nodes:
            raise SchemaError(f"node label {label!r} is not declared in {schema_path()}")
        return label

    def check_rel(
        self, rel: str, src_label: str | None = None, dst_label: str | None = None
    ) -> str:
        """Return ``rel`` if declared (and allowed between the labels given), else raise."""
        spec = self.relationships.get(rel)
        if spec is None:
            raise SchemaError(f"relationship type {rel!r} is not declared in {schema_path()}")
        if src_label is not None and src_label not in spec.sources:
            raise SchemaError(f"{rel} may not start at a {src_label} node")
        if dst_label is not None and dst_label not in spec.targets:
            raise SchemaError(f"{rel} may not end at a {dst_label} node")
        return rel

    # --- generated DDL -------------------------------------------------------------
    def embedded_ddl(self) -> list[str]:
        """``CREATE NODE/REL TABLE`` statements for the embedded (Kùzu-family) store."""
        stmts = []
        for label in self.nodes:
            cols = ", ".join(f"{p} {t}" for p, t in self.node_properties(label).items())
            stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY(node_id))")
        for rel in self.relationships.values():
            pairs = ", ".join(f"FROM {s} TO {t}" for s in rel.sources for t in rel.targets)
            props = "".join(f", {p} {t}" for p, t in rel.properties.items())
            stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rel.type}({pairs}{props})")
        return stmts

    def neo4j_constraints(self) -> list[str]:
        """Uniqueness constraints (and indexes) for Neo4j, one statement each."""
        stmts = [
            f"CREATE CONSTRAINT {label.lower()}_node_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.node_id IS UNIQUE"
            for label in self.nodes
        ]
        stmts += [
            f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)"
            for label in self.nodes
        ]
        return stmts


def _props(raw: Any, where: str) -> dict[str, str]:
    props = dict(raw or {})
    for name, typ in props.items():
        if typ not in PROPERTY_TYPES:
            raise SchemaError(f"{where}.{name}: type {typ!r} is not one of {PROPERTY_TYPES}")
    return {str(k): str(v) for k, v in props.items()}


def parse_schema(raw: dict[str, Any]) -> GraphSchema:
    """Build a GraphSchema from the parsed YAML, checking its internal consistency."""
    nodes = {
        label: NodeType(
            label=label,
            properties=_props(spec.get("properties"), f"nodes.{label}"),
            attribute=bool(spec.get("attribute", False)),
            description=str(spec.get("description", "")),
        )
        for label, spec in (raw.get("nodes") or {}).items()
    }
    for required in ("User", "Item"):
        if required not in nodes:
            raise SchemaError(f"schema must declare a {required} node label")
    rels = {}
    for rtype, spec in (raw.get("relationships") or {}).items():
        rel = RelType(
            type=rtype,
            sources=tuple(spec["from"]),
            targets=tuple(spec["to"]),
            properties=_props(spec.get("properties"), f"relationships.{rtype}"),
            description=str(spec.get("description", "")),
        )
        for label in rel.sources + rel.targets:
            if label not in nodes:
                raise SchemaError(f"relationship {rtype} names undeclared label {label!r}")
        rels[rtype] = rel
    schema = GraphSchema(
        nodes=nodes,
        relationships=rels,
        item_attribute_relationship=dict(raw.get("item_attribute_relationship") or {}),
        ner_labels=dict(raw.get("ner_labels") or {}),
        vocabularies={
            kind: {canon: list(variants or []) for canon, variants in vocab.items()}
            for kind, vocab in (raw.get("vocabularies") or {}).items()
        },
        ambiguous={
            kind: frozenset(str(w).casefold() for w in words or [])
            for kind, words in (raw.get("ambiguous") or {}).items()
        },
        ambiguous_cues=frozenset(str(w).casefold() for w in raw.get("ambiguous_cues") or []),
    )
    for kind, rel_name in schema.item_attribute_relationship.items():
        schema.check_rel(rel_name, "Item", kind)
    for kind in [*schema.ner_labels.values(), *schema.vocabularies, *schema.ambiguous]:
        if kind not in schema.attribute_kinds:
            raise SchemaError(f"{kind!r} is used as an attribute kind but not declared as one")
    return schema


@cache
def load_schema(path: str | None = None) -> GraphSchema:
    """Load and check schema.yaml (the project's own unless ``path`` is given)."""
    file = Path(path) if path else schema_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"cannot read graph schema {file}: {exc}") from exc
    return parse_schema(raw)
