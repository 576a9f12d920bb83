"""How well the gold labels agree with a second labelling of the same texts.

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/gold_agreement.py [--json]

``bench/gold_agreement/labels.jsonl`` labels 96 texts drawn at random (12 from each of
blind sets 1–8) a second time, by the same guideline, without looking at the stored
labels. Scoring the second labelling against the stored one with the extractor's own
strict measure (:func:`kgrec.evaluation.extraction.mention_scores`: same span, same
kind) tells how far the labels themselves are reproducible: an extractor that labelled
exactly as the second labelling did would score this against the gold sets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from gold_draw import rebuild

from kgrec.evaluation.extraction import GoldMention, load_gold_mentions, mention_scores

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=HERE / "gold_agreement" / "labels.jsonl")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    data = Path(os.environ.get("KGREC_DATA_DIR", "../shared/data"))
    second = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines()]
    stored = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted({row["set"] for row in second}):
            rebuild(data, name, Path(tmp) / name)
            for g in load_gold_mentions(Path(tmp) / name / "mentions.jsonl"):
                stored[(name, g.id)] = g
    gold, predicted = [], []
    for row in second:
        g = stored[(row["set"], row["id"])]
        gold.append(g)
        predicted.append(
            [
                GoldMention(
                    g.text[m["start"] : m["end"]], m["kind"], m["canonical"], m["start"], m["end"]
                )
                for m in row["mentions"]
            ]
        )
    scores = mention_scores(gold, predicted)
    if args.json:
        json.dump({k: v for k, v in scores.items() if k != "errors"}, sys.stdout, indent=2)
        print()
        return
    print(f"{'kind':13s} {'stored':>6s} {'second':>6s} {'P':>5s} {'R':>5s} {'F1':>5s}")
    for kind, s in [("overall", scores["overall"]), *sorted(scores["per_kind"].items())]:
        print(
            f"{kind:13s} {int(s['support']):6d} {int(s['predicted']):6d} "
            f"{s['precision']:5.2f} {s['recall']:5.2f} {s['f1']:5.2f}"
        )
    print("\nDisagreements (second labelling's | stored):")
    for e in scores["errors"]:
        print(f"  [{e['id']}] {e['text'][:100]}\n      {e['spurious']} | {e['missed']}")


if __name__ == "__main__":
    main()
