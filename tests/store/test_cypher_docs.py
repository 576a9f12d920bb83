"""Every query in docs/cypher.md runs on the sample's results: on a real Neo4j, and on the
embedded store where the doc says so. The README's queries run on both stores."""

import json
import re
from pathlib import Path

import pytest

from kgrec.pipeline import RunSummary
from kgrec.store import open_store
from kgrec.store.base import CypherStore

DOC = Path(__file__).resolve().parents[2] / "docs" / "cypher.md"
README = DOC.parents[1] / "README.md"


def _queries() -> list[tuple[str, set[str], dict[str, str], str]]:
    out = []
    for k, block in enumerate(re.findall(r"```cypher\n(.*?)```", DOC.read_text(), re.S)):
        runs = re.search(r"// runs on: (.*)", block)
        params = re.search(r"// params: (.*)", block)
        assert runs, f"query {k + 1} in {DOC.name} does not say where it runs"
        text = "\n".join(line for line in block.splitlines() if not line.startswith("//"))
        stores = {s.strip() for s in runs.group(1).split(",")}
        out.append((f"q{k + 1}", stores, json.loads(params.group(1)) if params else {}, text))
    return out


def _readme_queries() -> list[tuple[str, set[str], dict[str, str], str]]:
    """The README's queries: one per paragraph of its Cypher blocks, for both stores."""
    out = []
    for block in re.findall(r"```cypher\n(.*?)```", README.read_text(), re.S):
        for chunk in block.strip().split("\n\n"):
            text = "\n".join(line for line in chunk.splitlines() if not line.startswith("//"))
            out.append((f"readme{len(out) + 1}", {"embedded", "neo4j"}, {}, text.strip()))
    return out


QUERIES = _queries() + _readme_queries()


def test_the_cookbook_has_at_least_eight_queries() -> None:
    assert len(QUERIES) >= 8
    assert sum(name.startswith("readme") for name, _, _, _ in QUERIES) >= 4
    assert sum("embedded" in stores for _, stores, _, _ in QUERIES) >= 8


def _check(store: CypherStore, name: str, params: dict[str, str], text: str) -> None:
    rows = store.query(text, params)
    assert rows, f"{name} returned no rows"


@pytest.mark.parametrize(("name", "stores", "params", "text"), QUERIES, ids=[q[0] for q in QUERIES])
def test_query_on_embedded(
    sample_run: RunSummary, name: str, stores: set[str], params: dict[str, str], text: str
) -> None:
    if "embedded" not in stores:
        pytest.skip("Neo4j dialect only")
    with open_store("embedded", sample_run.work_dir, read_only=True) as store:
        _check(store, name, params, text)


@pytest.mark.neo4j
@pytest.mark.parametrize(("name", "stores", "params", "text"), QUERIES, ids=[q[0] for q in QUERIES])
def test_query_on_neo4j(
    neo4j_sample: Path, name: str, stores: set[str], params: dict[str, str], text: str
) -> None:
    if "neo4j" not in stores:
        pytest.skip("embedded dialect only")
    with open_store("neo4j", neo4j_sample, read_only=True) as store:
        _check(store, name, params, text)
