"""Candidate name pairs for a merge gold set, drawn from one pool's tags or TMDB keywords.

Every tag of the pool is paired with its ``--neighbours`` nearest other tags by the
encoder (cosine >= 0.75) and by spelling (difflib ratio >= 0.8); ``--n`` of those pairs,
sampled with ``--seed``, are written unlabelled, to be labelled by hand (``merge`` /
``distinct``, with a kind) before anything canonicalises them. Tags of the pairs of
earlier sets (``--exclude merge_pairs.tsv``) are left out. ``bench/gold_merges10``:

    KGREC_DATA_DIR=../shared/data python bench/gold_pairs.py --seed 2036 --n 400 \\
        --neighbours 2 --exclude bench/gold_blind/merge_pairs.tsv \\
        --exclude bench/gold_blind4/merge_pairs.tsv
    KGREC_DATA_DIR=../shared/data python bench/gold_pairs.py --keywords --seed 2037 --n 150
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gold_draw import _lastfm_tags, _ml_tags, pool_of

from kgrec.extract.encoder import TextEncoder, resolve_model_path


def _tmdb_keywords(data: Path) -> list[str]:
    frame = pd.read_csv(data / "tmdb-movie-overviews" / "tmdb_5000_movies.csv")
    names = {k["name"] for cell in frame["keywords"].dropna() for k in json.loads(cell)}
    return sorted(str(n).strip() for n in names if str(n).strip())


def pool_tags(data: Path, pool: str, exclude: set[str], keywords: bool = False) -> list[str]:
    """The pool's tags of both catalogues (or TMDB's keywords), one spelling per
    lower-case form."""
    tags: dict[str, str] = {}
    sources = (
        [("tmdb-keyword", _tmdb_keywords(data))]
        if keywords
        else [("ml-tag", _ml_tags(data)), ("lastfm-tag", _lastfm_tags(data))]
    )
    for source, names in sources:
        for t in names:
            key = t.lower()
            if pool_of(source, key) == pool and key not in exclude:
                tags.setdefault(key, t)
    return sorted(tags.values())


def candidates(
    tags: list[str], n: int, seed: int, neighbours: int = 1
) -> list[tuple[str, str, str]]:
    """``n`` sampled ``(a, b, how)``: a tag and its nearest tag by meaning or spelling."""
    encoder = TextEncoder.from_pretrained(resolve_model_path("auto"))
    vectors = encoder.encode(tags)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    lower = [t.lower() for t in tags]
    seen: set[frozenset[str]] = set()
    out: list[tuple[str, str, str]] = []
    for k in range(len(tags)):
        sims = vectors @ vectors[k]
        sims[k] = -1.0
        best = [int(j) for j in np.argsort(-sims)[:neighbours] if sims[j] >= 0.75]
        spelled = difflib.get_close_matches(lower[k], lower[:k] + lower[k + 1 :], neighbours, 0.8)
        found = [(j, "encoder") for j in best]
        found += [(lower.index(s), "spelling") for s in spelled]
        for j, how in found:
            pair = frozenset((lower[k], lower[j]))
            if len(pair) == 2 and pair not in seen:
                seen.add(pair)
                out.append((tags[k], tags[j], how))
    return random.Random(seed).sample(out, min(n, len(out)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", choices=["dev", "blind"], default="blind")
    parser.add_argument("--n", type=int, default=240)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--neighbours", type=int, default=1)
    parser.add_argument("--keywords", action="store_true", help="TMDB's keywords, not tags")
    parser.add_argument("--exclude", type=Path, action="append", default=[])
    args = parser.parse_args()
    data = Path(os.environ.get("KGREC_DATA_DIR", "../shared/data"))
    exclude: set[str] = set()
    for path in args.exclude:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                exclude.update((row["a"].lower(), row["b"].lower()))
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["a", "b", "how"])
    writer.writerows(
        candidates(
            pool_tags(data, args.pool, exclude, args.keywords), args.n, args.seed, args.neighbours
        )
    )


if __name__ == "__main__":
    main()
