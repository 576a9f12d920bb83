"""Extraction quality against a hand-labelled gold set.

Two measures:

* **Mentions** — a predicted mention is correct when its character span and its kind
  both equal a gold mention's (strict matching, as in CoNLL NER scoring). Precision,
  recall and F1 per kind and micro-averaged overall; among the correct mentions, the
  share whose canonical name equals the gold one (compared case-insensitively).
* **Canonicalisation** — labelled pairs of names of one kind that must merge or must
  stay apart. Merge recall is the share of must-merge pairs given one canonical name;
  the false-merge rate is the share of must-not-merge pairs given one.

The gold files live in ``tests/data/gold/`` (see the README there for the labelling
guideline): ``mentions.jsonl`` (one text per line with its mentions) and
``merge_pairs.tsv`` (``kind``, ``a``, ``b``, ``label`` = merge | distinct).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgrec.errors import DataError
from kgrec.graph.kg import normalise_key


@dataclass(frozen=True)
class GoldMention:
    """A labelled mention: its surface, kind, canonical name and character span."""

    text: str
    kind: str
    canonical: str
    start: int
    end: int


@dataclass(frozen=True)
class GoldText:
    """A labelled text (an item description, a user's own words or a tag)."""

    id: str
    source: str
    text: str
    mentions: tuple[GoldMention, ...]
    #: "dev" (the rules were developed looking at these) or "blind" (written after).
    split: str = "dev"


@dataclass(frozen=True)
class MergePair:
    """Two names of one kind that must (``merge``) or must not merge."""

    kind: str
    a: str
    b: str
    merge: bool


def load_gold_mentions(path: Path) -> list[GoldText]:
    """Read ``mentions.jsonl``; a malformed line raises :class:`DataError` naming it."""
    out: list[GoldText] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = str(row["text"])
            mentions = tuple(
                GoldMention(
                    str(m["text"]),
                    str(m["kind"]),
                    str(m["canonical"]),
                    int(m["start"]),
                    int(m["end"]),
                )
                for m in row["mentions"]
            )
            gold = GoldText(
                str(row["id"]), str(row["source"]), text, mentions, str(row.get("split", "dev"))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}, line {line_no}: not a gold text record ({exc})") from exc
        for m in mentions:
            if text[m.start : m.end] != m.text:
                raise DataError(
                    f"{path}, line {line_no}: span {m.start}:{m.end} of {gold.id} reads "
                    f"{text[m.start : m.end]!r}, not {m.text!r}"
                )
        out.append(gold)
    return out


def load_merge_pairs(path: Path) -> list[MergePair]:
    """Read ``merge_pairs.tsv`` (header ``kind a b label``)."""
    out: list[MergePair] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row_no, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            label = (row.get("label") or "").strip()
            if label not in ("merge", "distinct") or not row.get("a") or not row.get("b"):
                raise DataError(
                    f"{path}, row {row_no}: needs kind, a, b and label = merge | distinct"
                )
            out.append(MergePair(row["kind"].strip(), row["a"], row["b"], label == "merge"))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "support": float(n_gold),
        "predicted": float(n_pred),
    }


def mention_scores(gold: Sequence[GoldText], predicted: Sequence[Iterable[Any]]) -> dict[str, Any]:
    """Strict span + kind scores: ``{"overall": {...}, "per_kind": {kind: {...}},
    "canonical_accuracy": share of correct mentions with the gold canonical name,
    "errors": [{"id", "missed": [...], "spurious": [...]}]}``."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold texts but {len(predicted)} predictions")
    kinds = sorted({m.kind for g in gold for m in g.mentions})
    tp: dict[str, int] = dict.fromkeys(kinds, 0)
    n_pred: dict[str, int] = dict.fromkeys(kinds, 0)
    n_gold: dict[str, int] = dict.fromkeys(kinds, 0)
    canon_ok = 0
    errors: list[dict[str, Any]] = []
    for g, preds in zip(gold, predicted, strict=True):
        gold_by_span = {(m.start, m.end, m.kind): m for m in g.mentions}
        pred_by_span = {(p.start, p.end, p.kind): p for p in preds}
        for key, m in gold_by_span.items():
            n_gold[m.kind] = n_gold.get(m.kind, 0) + 1
            if key in pred_by_span:
                tp[m.kind] = tp.get(m.kind, 0) + 1
                canon_ok += normalise_key(pred_by_span[key].canonical) == normalise_key(m.canonical)
        for p in pred_by_span.values():
            n_pred[p.kind] = n_pred.get(p.kind, 0) + 1
        missed = [f"{m.kind}:{m.text}" for k, m in gold_by_span.items() if k not in pred_by_span]
        spurious = [
            f"{p.kind}:{g.text[p.start : p.end]}"
            for k, p in pred_by_span.items()
            if k not in gold_by_span
        ]
        if missed or spurious:
            errors.append({"id": g.id, "text": g.text, "missed": missed, "spurious": spurious})
    all_kinds = sorted(set(tp) | set(n_pred) | set(n_gold))
    total_tp = sum(tp.values())
    return {
        "overall": _prf(total_tp, sum(n_pred.values()), sum(n_gold.values())),
        "per_kind": {k: _prf(tp.get(k, 0), n_pred.get(k, 0), n_gold.get(k, 0)) for k in all_kinds},
        "canonical_accuracy": canon_ok / total_tp if total_tp else 0.0,
        "errors": errors,
    }


#: ``canonicalize(names, kind) -> canonical names`` (``Extractor.canonicalize`` fits).
Canonicalize = Callable[[Sequence[str], str], list[str]]


def merge_scores(pairs: Sequence[MergePair], canonicalize: Canonicalize) -> dict[str, Any]:
    """Merge recall on must-merge pairs and false-merge rate on must-not-merge pairs.

    Each pair is canonicalised on its own (the two names, nothing else), so a pair's
    outcome does not depend on the other pairs."""
    merged_ok = wrong = n_merge = n_distinct = 0
    failures: list[dict[str, Any]] = []
    for pair in pairs:
        a, b = canonicalize([pair.a, pair.b], pair.kind)
        same = normalise_key(a) == normalise_key(b)
        if pair.merge:
            n_merge += 1
            merged_ok += same
        else:
            n_distinct += 1
            wrong += same
        if same != pair.merge:
            failures.append(
                {"kind": pair.kind, "a": pair.a, "b": pair.b, "expected": pair.merge, "got": [a, b]}
            )
    return {
        "merge_recall": merged_ok / n_merge if n_merge else 0.0,
        "false_merge_rate": wrong / n_distinct if n_distinct else 0.0,
        "merge_precision": merged_ok / (merged_ok + wrong) if merged_ok + wrong else 0.0,
        "must_merge": n_merge,
        "must_not_merge": n_distinct,
        "failures": failures,
    }


def predict_gold(extractor: Any, gold: Sequence[GoldText]) -> list[list[Any]]:
    """Run ``extractor`` over the gold texts the way the pipeline treats each source:
    tags through ``extract_tags``, descriptions and users' words through ``extract``."""
    texts = [g for g in gold if g.source != "tag"]
    tags = [g for g in gold if g.source == "tag"]
    got = extractor.extract(
        [g.text for g in texts], descriptions=[g.source == "overview" for g in texts]
    )
    found = dict(zip([g.id for g in texts], got, strict=True))
    found.update(
        zip([g.id for g in tags], extractor.extract_tags([g.text for g in tags]), strict=True)
    )
    return [found[g.id] for g in gold]


def choose_merge_threshold(
    pairs: Sequence[MergePair],
    extractor: Any,
    grid: Iterable[float] = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    max_false_merge: float = 0.05,
) -> dict[str, Any]:
    """Pick the embedding-merge threshold on half the pairs, report it on the other half.

    The pairs are split alternately (even rows choose, odd rows report). The chosen
    threshold has the highest merge recall among those whose false-merge rate stays
    within ``max_false_merge``; ties go to the higher (more cautious) threshold.
    ``extractor`` is an :class:`kgrec.extract.Extractor`; its canonicaliser's threshold
    is restored afterwards."""
    choose, report = list(pairs[0::2]), list(pairs[1::2])
    canonicalizer = extractor.canonicalizer
    old = canonicalizer.threshold

    def run(subset: Sequence[MergePair], threshold: float) -> dict[str, Any]:
        canonicalizer.threshold = threshold
        return merge_scores(subset, lambda names, kind: extractor.canonicalize(names, kind))

    try:
        sweep = []
        for t in grid:
            m = run(choose, t)
            sweep.append(
                {
                    "threshold": t,
                    "merge_recall": m["merge_recall"],
                    "false_merge_rate": m["false_merge_rate"],
                }
            )
        ok = [s for s in sweep if s["false_merge_rate"] <= max_false_merge] or sweep
        best = max(ok, key=lambda s: (s["merge_recall"], -s["false_merge_rate"], s["threshold"]))
        held = run(report, best["threshold"])
    finally:
        canonicalizer.threshold = old
    return {
        "threshold": best["threshold"],
        "sweep": sweep,
        "held_out": {k: v for k, v in held.items() if k != "failures"},
    }


def evaluate_extraction(extractor: Any, gold_dir: Path) -> dict[str, Any]:
    """Everything ``kgrec extract-eval`` reports for ``extractor`` on the gold files in
    ``gold_dir``: mention scores per gold split ("dev", "blind") and over all texts,
    merge scores at the extractor's threshold, and the threshold the pairs would choose."""
    gold = load_gold_mentions(gold_dir / "mentions.jsonl")
    pairs = load_merge_pairs(gold_dir / "merge_pairs.tsv")
    predicted = predict_gold(extractor, gold)
    mentions: dict[str, Any] = {}
    for split in [*sorted({g.split for g in gold}), "all"]:
        rows = [(g, p) for g, p in zip(gold, predicted, strict=True) if split in ("all", g.split)]
        mentions[split] = mention_scores([g for g, _ in rows], [p for _, p in rows])
        mentions[split]["texts"] = len(rows)
    merges = merge_scores(pairs, lambda names, kind: extractor.canonicalize(names, kind))
    return {
        "mentions": mentions,
        "merges": {"threshold": extractor.canonicalizer.threshold, **merges},
        "threshold_choice": choose_merge_threshold(pairs, extractor),
    }
