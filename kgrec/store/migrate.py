"""Moving an embedded graph written by Kùzu onto LadybugDB, the engine kgrec now embeds.

Kùzu was archived upstream in October 2025 and LadybugDB (PyPI ``ladybug``) is its
maintained fork. A fork's database file is not readable by the other, and the two Python
packages cannot be loaded into one process, so the old file is exported by ``kuzu`` in a
child process (``EXPORT DATABASE`` to Parquet) and imported here (``IMPORT DATABASE``).
Everything in the old file comes across: the graph, the recommendations written back and
the feedback kept there. The old file stays beside the new one as ``<name>.kuzu``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kgrec.errors import StoreError

#: the Kùzu release earlier kgrec versions wrote with; its files need this to be read
KUZU_REQUIREMENT = "kuzu==0.11.3"

_EXPORT = """
import sys
import kuzu
database = kuzu.Database(sys.argv[1], read_only=True)
connection = kuzu.Connection(database)
connection.execute("EXPORT DATABASE '" + sys.argv[2] + "' (format='parquet')")
"""


def is_ladybug_file(path: Path) -> bool:
    """Whether LadybugDB can open ``path`` (opened read-only, so nothing is changed)."""
    import ladybug

    try:
        ladybug.Database(str(path), read_only=True).close()
    except RuntimeError:
        return False
    return True


def migrate_kuzu(path: str | Path, *, python: str = sys.executable) -> Path:
    """Rewrite the Kùzu database file ``path`` as a LadybugDB file at the same path.

    ``python`` is an interpreter with ``kuzu`` 0.11.3 installed (by default this one).
    Returns where the old file was kept. Nothing is changed unless the import succeeds.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no embedded graph file at {path}")
    if is_ladybug_file(path):
        raise StoreError(f"{path} is already a LadybugDB file: nothing to migrate")
    kept = path.with_name(path.name + ".kuzu")
    if kept.exists():
        raise StoreError(f"{kept} exists: move it away first (an earlier migration's copy?)")
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        exported = Path(scratch) / "export"
        done = subprocess.run(
            [python, "-c", _EXPORT, str(path), str(exported)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output"
            hint = (
                f" Install it beside kgrec (`pip install {KUZU_REQUIREMENT}`) and run this again."
                if "No module named 'kuzu'" in done.stderr
                else ""
            )
            raise StoreError(f"could not read {path} with Kùzu: {reason}.{hint}")
        fresh = Path(scratch) / path.name
        import ladybug

        database = ladybug.Database(str(fresh))
        connection = ladybug.Connection(database)
        try:
            connection.execute(f"IMPORT DATABASE '{exported}'")
        except RuntimeError as exc:
            raise StoreError(f"LadybugDB could not import the export of {path}: {exc}") from exc
        finally:
            connection.close()
            database.close()
        path.rename(kept)
        shutil.move(str(fresh), path)
    return kept
