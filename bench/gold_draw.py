"""Draw texts from the shared real data sets for an extraction gold set.

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/gold_draw.py --pool dev --n 60 --seed 1
    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/gold_draw.py --pool blind --n 150 \
        --seed 2026 --out tests/data/gold_blind/drawn.jsonl

Every text belongs to one of two pools, fixed by a hash of where it comes from: **dev**
(rules may be written while reading these) and **blind** (read only to label a gold set
after the rules are frozen). A draw is a seeded random sample of one pool, in fixed
shares of the sources:

* ``overview``: one sentence of a TMDB plot overview of an ml-latest-small movie (the
  movie drawn at random, then one of its sentences);
* ``ml-tag``: a tag MovieLens users gave (distinct tags, case-insensitively);
* ``lastfm-tag``: a tag Last.fm users gave artists (tags used at least twice).

The output is one JSON record per line (``id``, ``source``, ``text``, ``mentions`` =
[]), ready to be labelled by the guideline in ``tests/data/gold/README.md``.

The blind gold set (``bench/gold_blind/``) keeps its labels without the texts, which
belong to the data sets: ``--rebuild DIR`` draws them again and writes a gold folder
that ``kgrec extract-eval --gold DIR`` reads:

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/gold_draw.py --rebuild /tmp/blind
    .venv/bin/kgrec extract-eval --gold /tmp/blind
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
from pathlib import Path

import pandas as pd

#: Share of each source in a draw.
SHARES = {"overview": 0.7, "ml-tag": 0.15, "lastfm-tag": 0.15}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
#: A sentence break is not one after these ("a U.S. marshal", "Dr. No").
_ABBREVIATION = re.compile(r"(\b[A-Z]\.|\b(Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|Lt|Capt|Gen|Col|Sgt)\.)$")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a plain splitter, kept out of abbreviations)."""
    out: list[str] = []
    for part in _SENTENCE.split(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return out


def pool_of(source: str, key: str) -> str:
    """ "dev" or "blind": a fixed hash of the text's source and key."""
    digest = hashlib.sha1(f"{source}:{key}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "blind"


def _overviews(data: Path) -> dict[str, str]:
    links = pd.read_csv(data / "ml-latest-small" / "links.csv", dtype={"tmdbId": "Int64"})
    links = links.dropna(subset=["tmdbId"]).drop_duplicates("tmdbId")
    tmdb = dict(zip(links["tmdbId"].astype(int), links["movieId"], strict=True))
    texts: dict[str, str] = {}
    for name in ("tmdb_5000_movies.csv", "movies_metadata_small.csv"):
        meta = pd.read_csv(data / "tmdb-movie-overviews" / name, usecols=["id", "overview"])
        meta["id"] = pd.to_numeric(meta["id"], errors="coerce")
        for tid, text in zip(meta["id"], meta["overview"], strict=True):
            if pd.notna(tid) and int(tid) in tmdb and isinstance(text, str) and text.strip():
                texts.setdefault(f"ml{tmdb[int(tid)]}", text.strip())
    return texts


def _ml_tags(data: Path) -> list[str]:
    tags = pd.read_csv(data / "ml-latest-small" / "tags.csv")["tag"].dropna().str.strip()
    return sorted({t.lower(): t for t in tags if t}.values())


def _lastfm_tags(data: Path) -> list[str]:
    folder = data / "hetrec2011-lastfm-2k"
    names = pd.read_csv(folder / "tags.dat", sep="\t", encoding="latin-1")
    used = pd.read_csv(folder / "user_taggedartists.dat", sep="\t")["tagID"].value_counts()
    names = names[names["tagID"].map(used).fillna(0) >= 2]
    return sorted(str(t).strip() for t in names["tagValue"] if str(t).strip())


def draw(data: Path, pool: str, n: int, seed: int) -> list[dict[str, object]]:
    """``n`` texts of ``pool``, drawn with ``seed`` in the shares of :data:`SHARES`."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    overviews = {k: t for k, t in _overviews(data).items() if pool_of("overview", k) == pool}
    n_over = round(n * SHARES["overview"])
    for key in rng.sample(sorted(overviews), n_over):
        parts = [s for s in sentences(overviews[key]) if len(s.split()) >= 4]
        if parts:
            k = rng.randrange(len(parts))
            out.append({"id": f"{key}-s{k}", "source": "overview", "text": parts[k]})
    for source, tags in (("ml-tag", _ml_tags(data)), ("lastfm-tag", _lastfm_tags(data))):
        mine = [t for t in tags if pool_of(source, t.lower()) == pool]
        for tag in rng.sample(mine, round(n * SHARES[source])):
            out.append({"id": f"{source}-{tag.lower()}", "source": "tag", "text": tag})
    return [{**r, "split": pool, "mentions": []} for r in out]


BLIND = Path(__file__).resolve().parent / "gold_blind"
#: The draws the blind set was labelled from: 150 texts, and 3 overview sentences more
#: (one drawn movie's overview had no sentence of four words).
BLIND_DRAWS = ((150, 2026, None), (5, 2027, 3))


def rebuild(data: Path, out: Path) -> None:
    """Write the blind gold set with its texts (``mentions.jsonl``, ``merge_pairs.tsv``)."""
    texts: dict[str, dict[str, object]] = {}
    for n, seed, overviews in BLIND_DRAWS:
        rows = draw(data, "blind", n, seed)
        if overviews is not None:
            rows = [r for r in rows if r["source"] == "overview"][:overviews]
        texts.update({str(r["id"]): r for r in rows})
    lines = []
    for line in (BLIND / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        text = str(texts[label["id"]]["text"])
        if hashlib.sha1(text.encode()).hexdigest() != label["sha1"]:
            raise SystemExit(f"{label['id']}: the data's text differs from the one labelled")
        mentions = [{"text": text[m["start"] : m["end"]], **m} for m in label["mentions"]]
        record = {"id": label["id"], "source": label["source"], "text": text}
        lines.append(json.dumps({**record, "mentions": mentions, "split": "blind"}) + "\n")
    out.mkdir(parents=True, exist_ok=True)
    (out / "mentions.jsonl").write_text("".join(lines), encoding="utf-8")
    (out / "merge_pairs.tsv").write_text(
        (BLIND / "merge_pairs.tsv").read_text(encoding="utf-8"), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", choices=["dev", "blind"], default="dev")
    parser.add_argument("--rebuild", type=Path, help="write the blind gold set with its texts")
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="a JSONL file (default: standard output)")
    args = parser.parse_args()
    data = Path(os.environ.get("KGREC_DATA_DIR", "../shared/data"))
    if args.rebuild:
        rebuild(data, args.rebuild)
        return
    rows = draw(data, args.pool, args.n, args.seed)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(lines, encoding="utf-8")
    else:
        sys.stdout.write(lines)


if __name__ == "__main__":
    main()
