"""A graph written by Kùzu (kgrec's embedded engine before LadybugDB) moves across whole."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgrec.cli.app import app
from kgrec.errors import StoreError
from kgrec.graph.schema import load_schema
from kgrec.store import EmbeddedStore
from kgrec.store.migrate import migrate_kuzu

# kuzu and ladybug cannot share a process, so the old file is written by a child process
_WRITE_WITH_KUZU = """
import json, sys
import kuzu
db = kuzu.Database(sys.argv[1])
conn = kuzu.Connection(db)
for statement in json.loads(sys.argv[2]):
    conn.execute(statement)
conn.execute("CREATE (:User {node_id: 'User:u1', key: 'u1', name: 'u1'})")
conn.execute("CREATE (:Item {node_id: 'Item:m1', key: 'm1', name: 'Heat', title: '{\\"a\\": 1}'})")
conn.execute(
    "MATCH (u:User), (i:Item) CREATE (u)-[:FEEDBACK {event_id: 'e1', kind: 'like', "
    "ts: 1700000000}]->(i)"
)
"""

needs_kuzu = pytest.mark.skipif(
    importlib.util.find_spec("kuzu") is None,
    reason="kuzu 0.11.3 (the dev extra) writes the old file",
)


def _kuzu_file(path: Path) -> Path:
    ddl = json.dumps(load_schema().embedded_ddl())
    subprocess.run([sys.executable, "-c", _WRITE_WITH_KUZU, str(path), ddl], check=True)
    return path


@needs_kuzu
def test_a_kuzu_file_is_refused_with_the_way_across(tmp_path: Path) -> None:
    old = _kuzu_file(tmp_path / "graph.lbug")
    with pytest.raises(StoreError, match="kgrec store migrate"):
        EmbeddedStore.open(old, read_only=True)


@needs_kuzu
def test_migration_keeps_the_graph_and_its_feedback(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _kuzu_file(work / "graph.lbug")
    result = CliRunner().invoke(app, ["store", "migrate", str(work)])
    assert result.exit_code == 0, result.output
    assert (work / "graph.lbug.kuzu").is_file()
    with EmbeddedStore.open(work / "graph.lbug", read_only=True) as store:
        rows = store.query(
            "MATCH (u:User)-[f:FEEDBACK]->(i:Item) RETURN u.key AS u, i.title AS title, "
            "f.kind AS kind"
        )
    assert rows == [{"u": "u1", "title": '{"a": 1}', "kind": "like"}]
    with pytest.raises(StoreError, match="already a LadybugDB file"):
        migrate_kuzu(work / "graph.lbug")


def test_migration_without_kuzu_says_what_to_install(tmp_path: Path) -> None:
    old = tmp_path / "graph.lbug"
    old.write_bytes(b"not a database")
    no_kuzu = tmp_path / "python"
    no_kuzu.write_text(f'#!/bin/sh\nexec {sys.executable} -S -I "$@"\n')
    no_kuzu.chmod(0o755)
    with pytest.raises(StoreError, match=r"pip install kuzu==0\.11\.3"):
        migrate_kuzu(old, python=str(no_kuzu))
    assert old.read_bytes() == b"not a database"
