"""How well the gold labels agree with a second labelling of the same texts.

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/gold_agreement.py [--extractor] [--json]

``bench/gold_agreement/labels.jsonl`` labels texts of blind sets 1–8 a second time, by the
same guideline, without looking at the stored labels, in two batches of 96 (12 drawn at
random from each set; see the README there): batch 1 by the guideline alone, batch 2 after
reading the schema's Theme vocabulary, which the guideline names only by example. Texts of
batch 2 that the labeller had seen in an error listing the same day are marked ``seen``
and reported apart.

Each batch's second labelling is scored against the stored labels with the extractor's
own strict measure (:func:`kgrec.evaluation.extraction.mention_scores`: same span, same
kind): an extractor that labelled exactly as the second labeller did would score this
against the gold sets. ``--extractor`` also scores the default extractor against both
labellings of the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from gold_draw import rebuild

from kgrec.evaluation.extraction import GoldMention, GoldText, load_gold_mentions, mention_scores

HERE = Path(__file__).resolve().parent
GROUPS = {
    "batch 1 (guideline only)": lambda row: row["batch"] == 1,
    "batch 2 (after reading the vocabulary)": lambda row: row["batch"] == 2,
    # easier texts: the day's error listings held the hard ones
    "batch 2, texts not seen before": lambda row: row["batch"] == 2 and not row["seen"],
}


def _stored(rows: list[dict[str, Any]], data: Path) -> dict[tuple[str, str], GoldText]:
    out: dict[tuple[str, str], GoldText] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted({row["set"] for row in rows}):
            rebuild(data, name, Path(tmp) / name)
            for g in load_gold_mentions(Path(tmp) / name / "mentions.jsonl"):
                out[(name, g.id)] = g
    return out


def _second(g: GoldText, row: dict[str, Any]) -> GoldText:
    mentions = tuple(
        GoldMention(g.text[m["start"] : m["end"]], m["kind"], m["canonical"], m["start"], m["end"])
        for m in row["mentions"]
    )
    return GoldText(g.id, g.source, g.text, mentions, g.split)


def _table(title: str, scores: dict[str, Any]) -> None:
    print(f"\n{title}")
    print(f"{'kind':13s} {'gold':>6s} {'other':>6s} {'P':>5s} {'R':>5s} {'F1':>5s}")
    for kind, s in [("overall", scores["overall"]), *sorted(scores["per_kind"].items())]:
        print(
            f"{kind:13s} {int(s['support']):6d} {int(s['predicted']):6d} "
            f"{s['precision']:5.2f} {s['recall']:5.2f} {s['f1']:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=HERE / "gold_agreement" / "labels.jsonl")
    parser.add_argument("--extractor", action="store_true", help="score the extractor too")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    data = Path(os.environ.get("KGREC_DATA_DIR", "../shared/data"))
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines()]
    stored = _stored(rows, data)
    predicted: dict[int, list[Any]] = {}
    if args.extractor:
        from kgrec.evaluation.extraction import predict_gold
        from kgrec.extract import Extractor

        golds = [stored[(r["set"], r["id"])] for r in rows]
        predicted = dict(enumerate(predict_gold(Extractor.from_config(), golds)))
    report: dict[str, Any] = {}
    for title, keep in GROUPS.items():
        picked = [k for k, row in enumerate(rows) if keep(row)]
        gold = [stored[(rows[k]["set"], rows[k]["id"])] for k in picked]
        second = [_second(g, rows[k]) for g, k in zip(gold, picked, strict=True)]
        part = {
            "texts": len(picked),
            "second vs stored": mention_scores(gold, [s.mentions for s in second]),
        }
        if predicted:
            found = [predicted[k] for k in picked]
            part["extractor vs stored"] = mention_scores(gold, found)
            part["extractor vs second"] = mention_scores(second, found)
        report[title] = part
    if args.json:
        for part in report.values():
            for scores in part.values():
                if isinstance(scores, dict):
                    scores.pop("errors")
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    for title, part in report.items():
        for what, scores in part.items():
            if what != "texts":
                _table(f"{title}, {part['texts']} texts: {what}", scores)
        errors = part["second vs stored"]["errors"]
        print("  disagreements (second labelling's | stored):")
        for e in errors:
            print(f"  [{e['id']}] {e['text'][:90]}\n      {e['spurious']} | {e['missed']}")


if __name__ == "__main__":
    main()
