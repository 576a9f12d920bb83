"""Extraction throughput: kgrec's extraction stage against plain spaCy and plain
sentence-transformers on the same texts, and the encoder cache's second-run speed-up.

    uv pip install -p .venv/bin/python -e ".[bench]"   # sentence-transformers, the reference
    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/extract.py
    .venv/bin/python bench/extract.py --json         # no KGREC_DATA_DIR: bundled sample texts

Texts: the TMDB plot overviews of ml-latest-small when ``$KGREC_DATA_DIR`` holds them
(``--texts`` of them), else the bundled sample's item and user texts. Every figure is
the median of ``--repeats`` runs; the runs of the two sides of a comparison alternate.

* **spaCy**: ``Extractor.extract`` (the configured pipeline plus kgrec's EntityRuler and
  cue filter, mention rules, kind voting, canonicalisation — including BERT embeddings
  of the names it merges, with an empty cache each run) against ``nlp.pipe`` of the same
  spaCy pipeline as ``spacy.load`` gives it, same batch size and processes; words/s.
* **encoder**: ``TextEncoder.encode`` (empty cache) against sentence-transformers'
  ``SentenceTransformer.encode`` on the same model folder and batch size; sentences/s.
* **cache**: encoding the texts with an empty cache and saving it, against a fresh
  encoder that loads the saved cache and encodes the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from kgrec.config import ExtractConfig
from kgrec.data.loaders import load_sample
from kgrec.data.movielens import load_movielens
from kgrec.extract import Extractor, TextEncoder
from kgrec.extract.encoder import resolve_model_path
from kgrec.extract.nlp import load_pipeline


def bench_texts(limit: int) -> tuple[list[str], str]:
    """Real overviews when the data directory has them, else the bundled sample."""
    root = Path(os.environ.get("KGREC_DATA_DIR") or "/nonexistent")
    ml, tmdb = root / "ml-latest-small", root / "tmdb-movie-overviews"
    if (ml / "movies.csv").exists() and tmdb.exists():
        ds = load_movielens(ml, sorted(tmdb.glob("*.csv")))
        texts = [t for t in ds.items["text"].dropna() if t.strip()][:limit]
        return texts, f"TMDB overviews of ml-latest-small ({len(texts)})"
    ds = load_sample()
    texts = [t for t in [*ds.items["text"], *ds.users["text"]] if isinstance(t, str) and t]
    return texts[:limit], f"bundled sample texts ({len(texts[:limit])})"


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def alternate(
    a: Callable[[], object], b: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median times of ``a`` and ``b``, run alternately so drift hits both alike."""
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(median_time(a, 1))
        tb.append(median_time(b, 1))
    return statistics.median(ta), statistics.median(tb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=2000, help="how many texts (default 2000)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--n-process", type=int, default=1, help="spaCy processes (both sides)")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    texts, source = bench_texts(args.texts)
    words = sum(len(t.split()) for t in texts)
    config = ExtractConfig(n_process=args.n_process)
    extractor = Extractor.from_config(config)
    encoder = extractor.encoder
    plain = load_pipeline(config.spacy_model)
    torch.set_num_threads(torch.get_num_threads())

    def kgrec_extract() -> None:
        encoder.cache.clear()
        extractor.extract(texts)

    def plain_pipe() -> None:
        for _ in plain.pipe(texts, batch_size=config.batch_size, n_process=args.n_process):
            pass

    t_kgrec, t_plain = alternate(kgrec_extract, plain_pipe, args.repeats)

    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(resolve_model_path(config.encoder_model), device="cpu")
    batch = config.encoder_batch_size

    def kgrec_encode() -> None:
        encoder.cache.clear()
        encoder.encode(texts)

    def st_encode() -> None:
        st.encode(texts, batch_size=batch, normalize_embeddings=True)

    t_enc, t_st = alternate(kgrec_encode, st_encode, args.repeats)

    with tempfile.TemporaryDirectory() as tmp:
        cache_file = Path(tmp) / "encoder.parquet"

        def first_run() -> None:
            encoder.cache.clear()
            encoder.encode(texts)
            encoder.save_cache(cache_file)

        def second_run() -> None:
            fresh = TextEncoder(encoder.tokenizer, encoder.model, encoder.device, batch)
            fresh.load_cache(cache_file)
            fresh.encode(texts)
            assert fresh.encoded_count == 0

        t_first, t_second = alternate(first_run, second_run, args.repeats)

    result: dict[str, Any] = {
        "texts": len(texts),
        "words": words,
        "source": source,
        "threads": torch.get_num_threads(),
        "n_process": args.n_process,
        "repeats": args.repeats,
        "kgrec_words_per_s": words / t_kgrec,
        "spacy_words_per_s": words / t_plain,
        "extract_ratio": t_plain / t_kgrec,
        "kgrec_sentences_per_s": len(texts) / t_enc,
        "sentence_transformers_sentences_per_s": len(texts) / t_st,
        "encoder_ratio": t_st / t_enc,
        "first_run_s": t_first,
        "cached_run_s": t_second,
        "cache_speedup": t_first / t_second,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{source}: {words:,} words, {torch.get_num_threads()} threads, median of {args.repeats}")
    print(
        f"extraction  kgrec {result['kgrec_words_per_s']:,.0f} words/s   "
        f"plain nlp.pipe {result['spacy_words_per_s']:,.0f} words/s   "
        f"ratio {result['extract_ratio']:.2f}"
    )
    print(
        f"encoder     kgrec {result['kgrec_sentences_per_s']:,.1f} sent/s   "
        f"sentence-transformers {result['sentence_transformers_sentences_per_s']:,.1f} sent/s   "
        f"ratio {result['encoder_ratio']:.2f}"
    )
    print(
        f"cache       first run {t_first:.2f} s   second run {t_second:.3f} s   "
        f"speed-up {result['cache_speedup']:.0f}x"
    )


if __name__ == "__main__":
    main()
