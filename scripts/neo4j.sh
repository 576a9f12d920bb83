#!/usr/bin/env bash
# A local Neo4j 5.26 Community server for development, from Maven Central (no Docker):
#   scripts/neo4j.sh start|stop|status|fetch [--port N] [--json]
# Same as `.venv/bin/kgrec neo4j …` (kgrec/store/neo4j_server.py does the work).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kgrec neo4j "$@"
