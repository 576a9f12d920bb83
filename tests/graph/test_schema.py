from pathlib import Path

import pytest

from kgrec.errors import SchemaError
from kgrec.graph.schema import load_schema, parse_schema

ROOT = Path(__file__).resolve().parents[2]


def _generated(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    return [line.rstrip(";") for line in lines if line and not line.startswith("//")]


def test_generated_files_are_in_sync_with_schema_yaml() -> None:
    schema = load_schema()
    assert _generated(ROOT / "graph_schema/neo4j/constraints.cypher") == schema.neo4j_constraints()
    assert _generated(ROOT / "graph_schema/embedded/ddl.cypher") == schema.embedded_ddl()


def test_schema_declares_the_core_model() -> None:
    schema = load_schema()
    assert {"User", "Item"} <= set(schema.nodes)
    assert set(schema.attribute_kinds) >= {"Person", "Genre", "Place", "Theme"}
    assert schema.relationships["INTERACTED"].sources == ("User",)
    assert "RECOMMENDED" in schema.relationships


def test_unknown_labels_and_pairs_are_refused() -> None:
    schema = load_schema()
    with pytest.raises(SchemaError, match="not declared"):
        schema.check_label("Robot")
    with pytest.raises(SchemaError, match="may not start"):
        schema.check_rel("HAS_GENRE", "User", "Genre")


def test_inconsistent_schema_is_refused() -> None:
    with pytest.raises(SchemaError, match="undeclared label"):
        parse_schema(
            {
                "nodes": {"User": {}, "Item": {}},
                "relationships": {"R": {"from": ["User"], "to": ["Ghost"]}},
            }
        )
    with pytest.raises(SchemaError, match="type"):
        parse_schema({"nodes": {"User": {"properties": {"x": "BLOB"}}, "Item": {}}})
