"""docker-compose.yml cannot be run here (no Docker engine): check what it promises."""

import re
from pathlib import Path

import yaml

from kgrec.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_kgrec_against_a_healthy_official_neo4j() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, kgrec = compose["services"]["neo4j"], compose["services"]["kgrec"]
    assert re.fullmatch(r"neo4j:5[\w.-]*", neo4j["image"])
    assert "NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]  # from .env, not hard-coded
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"])
    assert kgrec["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert kgrec["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    pipeline = ROOT / kgrec["command"][-1]
    assert load_config(pipeline).store == "neo4j"
    assert (ROOT / kgrec["build"] / "Dockerfile").exists()


def test_env_example_has_a_password_neo4j_accepts() -> None:
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert len(env["NEO4J_PASSWORD"]) >= 8
