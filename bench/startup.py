"""Start-up time of `kgrec` commands against `python -c "import torch"`, in one run.

Each command runs ``--repeats`` times (median reported) in a fresh process, the torch
import alternating with them so machine noise hits all alike. Needs a trained work
directory (default: the sample, run into a temp folder first).

    .venv/bin/python bench/startup.py [--work-dir DIR] [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _work import report, work_dir_or_sample

#: Targets of issue 15, as multiples of the torch import.
TARGETS = {"help_s": 0.3, "query_s": 0.3, "neo4j_status_s": 0.3, "recommend_s": 1.5}


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a trained work dir (default: the sample)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    kgrec = str(Path(sys.executable).parent / "kgrec")
    with work_dir_or_sample(args.work_dir) as work:
        where = ["--work-dir", str(work)]
        user = json.loads(
            subprocess.run(
                [kgrec, "query", "MATCH (u:User) RETURN u.key AS k LIMIT 1", "--json", *where],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[0]["k"]
        commands = {
            "torch_import_s": [sys.executable, "-c", "import torch"],
            "help_s": [kgrec, "--help"],
            "query_s": [kgrec, "query", "MATCH (n:Item) RETURN count(n) AS n", *where],
            "neo4j_status_s": [kgrec, "neo4j", "status"],
            "recommend_s": [kgrec, "recommend", "--user", user, *where],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        env_note = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
        for _ in range(args.repeats):
            for key, cmd in commands.items():
                times[key].append(_time(cmd))
    out: dict[str, object] = {k: statistics.median(v) for k, v in times.items()}
    torch_s = float(out["torch_import_s"])  # type: ignore[arg-type]
    for key, target in TARGETS.items():
        ratio = float(out[key]) / torch_s  # type: ignore[arg-type]
        out[key.removesuffix("_s") + "_ratio"] = ratio
        out[key.removesuffix("_s") + "_meets_target"] = ratio <= target
    out |= {"repeats": args.repeats, "PYTHONDONTWRITEBYTECODE": env_note}
    report(out, args.json, 3)


if __name__ == "__main__":
    main()
