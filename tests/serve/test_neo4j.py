"""The service on Neo4j: items added and feedback through the API land in Neo4j (the
items with their attribute edges, each event once as a FEEDBACK edge)."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgrec import Recommender
from kgrec.serve import create_app
from kgrec.store import open_store


@pytest.mark.neo4j
def test_feedback_through_the_api_reaches_neo4j_once(neo4j_sample: Path, tmp_path: Path) -> None:
    work = tmp_path / "sample"
    shutil.copytree(neo4j_sample, work)
    rec = Recommender.load(work)
    assert rec.config.store == "neo4j"
    bodies = [
        {"user_id": "u05", "item_id": "m010", "kind": "like", "event_id": "n1"},
        {"user_id": "u05", "item_id": "m010", "kind": "like", "event_id": "n1"},  # again
        {"user_id": "neo-new", "item_id": "m024", "kind": "rating", "value": 4.5, "event_id": "n2"},
        {"user_id": "u05", "item_id": "neo-item", "kind": "like", "event_id": "n3"},
    ]
    item = {"item_id": "neo-item", "title": "Neo Harbor", "genres": ["Comedy"], "text": "A comedy."}
    with TestClient(create_app(rec, sync_every=60)) as client:  # the stop writes the rest
        assert client.post("/items", json={"items": [item]}).status_code == 200
        answers = [client.post("/feedback", json=b).json()["new"] for b in bodies]
        assert answers == [True, False, True, True]
        after = client.get("/users/u05/recommendations", params={"k": 5}).json()
        assert "m010" not in {r["item_id"] for r in after}
    with open_store("neo4j", work, read_only=True) as store:
        rows = store.query(
            "MATCH (u:User)-[f:FEEDBACK]->(i:Item) WHERE f.event_id IN ['n1', 'n2', 'n3'] "
            "RETURN u.key AS u, i.key AS i, f.event_id AS e, f.kind AS kind, f.value AS value "
            "ORDER BY e"
        )
    assert rows == [
        {"u": "u05", "i": "m010", "e": "n1", "kind": "like", "value": None},
        {"u": "neo-new", "i": "m024", "e": "n2", "kind": "rating", "value": 4.5},
        {"u": "u05", "i": "neo-item", "e": "n3", "kind": "like", "value": None},
    ]
    with open_store("neo4j", work, read_only=True) as store:
        genres = store.query(
            "MATCH (i:Item {key: 'neo-item'})-[:HAS_GENRE]->(g:Genre) RETURN g.name AS g"
        )
    assert [str(r["g"]).lower() for r in genres] == ["comedy"]
