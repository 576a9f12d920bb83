"""The store contract on a real Neo4j server, plus Neo4j-only behaviour."""

from collections.abc import Iterator

import pytest

from kgrec.errors import ReadOnlyQueryError, StoreError
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


def test_routing_uri_and_read_only_open(neo4j_env: dict[str, str]) -> None:
    routed = neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://")
    with Neo4jStore.open(routed) as s:
        s.clear()
        s.write(contract_graph())
    with open_store(routed, work_dir=None, read_only=True) as s:  # type: ignore[arg-type]
        assert s.query("MATCH (n:Item) RETURN count(n) AS n") == [{"n": 7}]
        with pytest.raises(ReadOnlyQueryError):
            s.query("MATCH (n:Item) SET n.name = 'x'", write=True)


def test_bad_password_and_dead_server_say_what_to_do(neo4j_env: dict[str, str]) -> None:
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore.open(neo4j_env["NEO4J_URI"], password="wrong-password")
    with pytest.raises(StoreError, match="kgrec neo4j start"):
        Neo4jStore.open("bolt://127.0.0.1:1")


def test_repr_hides_the_password(neo4j_env: dict[str, str]) -> None:
    with Neo4jStore.open() as s:
        assert neo4j_env["NEO4J_PASSWORD"] not in repr(s)
