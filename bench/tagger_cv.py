"""Would a tagger learnt from the labels beat the rules? Leave-one-set-out on the gold sets.

Fine-tunes the encoder (all-MiniLM-L6-v2) as a BIO token tagger of the six kinds on every
labelled set but one, and scores the held-out set by the strict measure of ``kgrec
extract-eval``, alone and joined with the rules' mentions (the rules' own mentions first,
the tagger's where they overlap none). For an honest join, give the mentions of the rules
as they were frozen before that set was labelled (``--rules``, written by
``--write-rules`` from a checkout of that commit). The gold folders are rebuilt first with
``bench/gold_draw.py --set S --rebuild ROOT/S``.

    git worktree add /tmp/frozen e4e6b7d
    PYTHONPATH=/tmp/frozen python bench/tagger_cv.py --root /tmp/g --held blind9 \\
        --write-rules rules_e4e6b7d.json
    python bench/tagger_cv.py --root /tmp/g --held blind9 --rules rules_e4e6b7d.json
"""

import argparse
import json
import random
import time
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from kgrec.extract.encoder import resolve_model_path

torch.set_num_threads(2)
SETS = [
    "dev",
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
]
KINDS = ["Genre", "Mood", "Organization", "Person", "Place", "Theme"]
LABELS = ["O"] + [f"{p}-{k}" for k in KINDS for p in "BI"]
L2I = {name: i for i, name in enumerate(LABELS)}

MODEL = resolve_model_path("auto")
ROOT = Path("/tmp/g")
tok = AutoTokenizer.from_pretrained(MODEL)


def load(s):
    return [json.loads(line) for line in open(ROOT / s / "mentions.jsonl", encoding="utf-8")]


def mark(r):
    # tags get a marker so the model knows the source
    return ("[tag] " if r["source"] == "tag" else ""), r["text"]


def encode(r):
    pre, text = mark(r)
    enc = tok(pre + text, return_offsets_mapping=True, truncation=True, max_length=128)
    off = [(a - len(pre), b - len(pre)) for a, b in enc["offset_mapping"]]
    labels = []
    for i, (a, b) in enumerate(off):
        if a == b or a < 0:
            labels.append(-100)
            continue
        lab = "O"
        for m in r["mentions"]:
            if a >= m["start"] and b <= m["end"]:
                lab = (
                    "B-"
                    if a == m["start"]
                    or not any(off[j][1] > m["start"] and off[j][0] >= m["start"] for j in range(i))
                    else "I-"
                ) + m["kind"]
                break
        labels.append(L2I[lab])
    return enc["input_ids"], labels, off


def decode(text, off, pred):
    spans = []
    cur = None
    for (a, b), p in zip(off, pred, strict=False):
        if a == b or a < 0:
            continue
        lab = LABELS[p]
        if lab == "O":
            if cur:
                spans.append(cur)
                cur = None
            continue
        bi, kind = lab.split("-", 1)
        contiguous = cur and cur[2] == kind and (a - cur[1]) <= 1
        if (bi == "I" and contiguous) or (
            cur and cur[2] == kind and a == cur[1]
        ):  # wordpiece continuation
            cur = (cur[0], b, kind)
        else:
            if cur:
                spans.append(cur)
            cur = (a, b, kind)
    if cur:
        spans.append(cur)
    # extend to word boundaries
    out = []
    for a, b, k in spans:
        while b < len(text) and text[b].isalnum():
            b += 1
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        out.append((a, b, k))
    return out


def train(rows, epochs, seed=0):
    torch.manual_seed(seed)
    random.seed(seed)
    model = AutoModelForTokenClassification.from_pretrained(MODEL, num_labels=len(LABELS))
    data = [encode(r) for r in rows]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    bs = 16
    steps = epochs * ((len(data) + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    model.train()
    for ep in range(epochs):
        random.shuffle(data)
        tot = 0
        for i in range(0, len(data), bs):
            b = data[i : i + bs]
            n = max(len(x[0]) for x in b)
            ids = torch.tensor([x[0] + [0] * (n - len(x[0])) for x in b])
            att = torch.tensor([[1] * len(x[0]) + [0] * (n - len(x[0])) for x in b])
            lab = torch.tensor([x[1] + [-100] * (n - len(x[1])) for x in b])
            out = model(input_ids=ids, attention_mask=att, labels=lab)
            out.loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            tot += out.loss.item()
        print(f"  epoch {ep} loss {tot:.2f}", flush=True)
    model.eval()
    return model


def predict(model, rows):
    res = []
    with torch.no_grad():
        for r in rows:
            ids, _, off = encode(r)
            logits = model(input_ids=torch.tensor([ids])).logits[0]
            res.append(decode(r["text"], off, logits.argmax(-1).tolist()))
    return res


def score(rows, preds):
    tp = np_ = ng = 0
    per = {k: [0, 0, 0] for k in KINDS}
    for r, p in zip(rows, preds, strict=True):
        g = {(m["start"], m["end"], m["kind"]) for m in r["mentions"]}
        p = set(p)
        tp += len(g & p)
        np_ += len(p)
        ng += len(g)
        for k in KINDS:
            gk = {x for x in g if x[2] == k}
            pk = {x for x in p if x[2] == k}
            per[k][0] += len(gk & pk)
            per[k][1] += len(pk)
            per[k][2] += len(gk)

    def f(t: int, a: int, b: int) -> tuple[float, float]:
        return (round(t / a, 3) if a else 0, round(t / b, 3) if b else 0)

    return f(tp, np_, ng), {k: f(*v) for k, v in per.items()}


def main() -> None:
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--held", required=True, choices=SETS)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rules", type=Path, help="JSON: per text, [[start, end, kind], ...]")
    parser.add_argument("--write-rules", type=Path, help="write the rules' mentions and stop")
    args = parser.parse_args()
    ROOT = args.root
    rows = load(args.held)
    if args.write_rules:
        from kgrec.evaluation.extraction import load_gold_mentions, predict_gold
        from kgrec.extract import Extractor

        gold = load_gold_mentions(ROOT / args.held / "mentions.jsonl")
        found = predict_gold(Extractor.from_config(None), gold)
        spans = [[[m.start, m.end, m.kind] for m in mentions] for mentions in found]
        args.write_rules.write_text(json.dumps(spans), encoding="utf-8")
        return
    t = time.time()
    model = train([r for s in SETS if s != args.held for r in load(s)], args.epochs)
    print("trained in", round(time.time() - t), "s")
    tagged = predict(model, rows)
    print("tagger", score(rows, tagged))
    if args.rules:
        rules = [[tuple(x) for x in p] for p in json.loads(args.rules.read_text())]
        print("rules ", score(rows, rules))
        joined = [
            r + [t for t in ts if not any(t[0] < x[1] and x[0] < t[1] for x in r)]
            for r, ts in zip(rules, tagged, strict=True)
        ]
        print("joined", score(rows, joined))


if __name__ == "__main__":
    main()
