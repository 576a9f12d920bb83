"""Runs a pipeline's stages in order; a stage whose inputs and settings have not changed
since it last finished is skipped, so a crashed or interrupted run resumes where it stopped.

Stages and what each leaves in the work directory:

- ``data``      data/{interactions,items,users,train,valid,test}.parquet
- ``extract``   extract/mentions.parquet
- ``graph``     graph/{nodes,edges,embeddings}.parquet, and train_graph/ (the same graph
                with only the train split's interactions, what the model is fitted on)
- ``store``     the graph written to the configured store
- ``train``     model/checkpoint.pt, metrics.json (kgrec's test metrics; baselines and
                ablations are ``kgrec eval``'s)
- ``recommend`` recommendations.parquet, and RECOMMENDED edges in the store

Artifact names live in ``kgrec.layout``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from kgrec import __version__
from kgrec.config import PipelineConfig
from kgrec.data.dataset import Dataset
from kgrec.data.loaders import SAMPLE_DIR, load_dataset
from kgrec.data.split import read_split_files, split_interactions
from kgrec.errors import ConfigError
from kgrec.evaluation.experiment import kgrec_choice, test_evaluator, test_scores
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.extract.corpus import extract_dataset, node_texts
from kgrec.extract.encoder import TextEncoder
from kgrec.extract.extractor import Extractor
from kgrec.extract.nlp import TITLE_LABEL
from kgrec.graph.builder import build_graph, dataset_from_graph
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.interop import ExportInput
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.graph.report import save_counts_chart
from kgrec.graph.schema import schema_path
from kgrec.graph.split import SplitData
from kgrec.graph.text_links import with_text_links
from kgrec.layout import (
    CHECKPOINT_FILE,
    CONFIG_FILE,
    COUNTS_CHART,
    DATA_DIR,
    EMBEDDINGS_FILE,
    ENCODER_CACHE,
    EVENTS_FILE,
    FOLDED_FILE,
    FOLDED_PAIRS,
    GRAPH_DIR,
    ITEMS_FILE,
    MANIFEST,
    MENTIONS_FILE,
    METRICS_FILE,
    RECOMMENDATIONS_FILE,
    TRAIN_GRAPH_DIR,
    WORDS_FILE,
)
from kgrec.live.events import EventLog, Feedback, read_folded, store_rows, write_folded
from kgrec.live.fold import fold_events, with_items, with_words
from kgrec.live.items import ItemLog
from kgrec.live.words import WordsLog
from kgrec.models.checkpoint import save_checkpoint
from kgrec.models.fit import Steps, fit_kgrec, progress_steps, refit_kgrec
from kgrec.progress import Progress, Silent
from kgrec.reasoning.ranker import Ranker, graph_histories
from kgrec.store import open_store
from kgrec.store.base import RecommendationRow
from kgrec.trained import Trained

STAGES = ("data", "extract", "graph", "store", "train", "recommend")
#: The file or folder each stage leaves (the store's lives in the store itself).
STAGE_OUTPUTS = {
    "data": DATA_DIR,
    "extract": MENTIONS_FILE,
    "graph": GRAPH_DIR,
    "train": CHECKPOINT_FILE,
    "recommend": RECOMMENDATIONS_FILE,
}


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _file_stamp(path: Path | None) -> list[Any]:
    if path is None:
        return []
    stat = path.stat() if path.exists() else None
    return [str(path), stat.st_size if stat else None, stat.st_mtime_ns if stat else None]


def _columns_read(dataset: Dataset) -> str:
    """What the data stage read, for its progress line."""
    inter, items = dataset.interactions, dataset.items
    texts = int((items["text"].str.len() > 0).sum()) if "text" in items else 0
    return (
        f"{len(inter):,} interactions ({', '.join(map(str, inter.columns))}); "
        f"{len(items):,} items ({', '.join(map(str, items.columns))}; {texts:,} with text); "
        f"{len(dataset.users):,} users"
    )


@dataclass
class RunSummary:
    """What a run did: each stage's status, the graph's counts, the evaluation."""

    work_dir: Path
    stages: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


class Pipeline:
    """One pipeline over one work directory. ``run()`` does the work; nothing happens in
    the constructor."""

    def __init__(self, config: PipelineConfig, progress: Progress | None = None) -> None:
        self.config = config
        self.work_dir = config.resolved_work_dir()
        self.progress: Progress = progress or Silent()
        self._encoder: TextEncoder | None = None

    # --- bookkeeping ----------------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        path = self.work_dir / MANIFEST
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def _mark(self, stage: str, fingerprint: str) -> None:
        manifest = self._manifest()
        manifest[stage] = {
            "fingerprint": fingerprint,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        tmp = self.work_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2))
        tmp.replace(self.work_dir / MANIFEST)  # atomic: a crash never leaves half a manifest

    def fingerprints(self) -> dict[str, str]:
        """Each stage's fingerprint: a hash of its settings and its inputs' fingerprints."""
        c = self.config
        data = _digest(
            __version__,
            c.data.model_dump(mode="json"),
            c.split.model_dump(mode="json"),
            *(_file_stamp(p) for p in (c.data.interactions, c.data.items, c.data.users)),
            _file_stamp(SAMPLE_DIR / "interactions.csv") if c.data.source == "sample" else [],
            self._store_stamp() if c.data.source == "store" else [],
            self._dataset_stamp() if c.data.path is not None else [],
            *(_file_stamp(c.data.resolve(p)) for p in self._extra_files()),
            read_folded(self.work_dir / FOLDED_FILE),  # events a refit folded in
            read_folded(self.work_dir / FOLDED_FILE, "items"),  # and items added online
            read_folded(self.work_dir / FOLDED_FILE, "words"),  # and users' words
        )
        extract = _digest(
            data, c.extract.model_dump(mode="json"), schema_path().read_text(encoding="utf-8")
        )
        graph = _digest(extract, TRAIN_GRAPH_DIR)  # the graph stage also writes the train graph
        store = _digest(graph, c.store)
        # of [eval], only the histories test users are scored from change kgrec's metrics
        train = _digest(graph, c.model.model_dump(mode="json"), c.eval.test_history)
        recommend = _digest(train, store, c.recommend.model_dump(mode="json"))
        return {
            "data": data,
            "extract": extract,
            "graph": graph,
            "store": store,
            "train": train,
            "recommend": recommend,
        }

    def _dataset_stamp(self) -> list[Any]:
        """Size and modification time of every file of a data set folder and its extras."""
        data = self.config.data
        assert data.path is not None
        folder = data.resolve(data.path)
        files = sorted(folder.iterdir()) if folder.is_dir() else [folder]
        return [_file_stamp(f) for f in files] + [
            _file_stamp(data.resolve(p)) for p in data.overviews
        ]

    def _extra_files(self) -> list[Path]:
        """KG triple and split files the pipeline names (relative to the data dir)."""
        c = self.config
        named = [c.data.kg_triples, c.data.kg_item_map, *(c.split.files or ())]
        return [p for p in named if p is not None]

    def _store_stamp(self) -> list[Any]:
        """What a stored graph looks like from outside: its node and relationship counts
        (RECOMMENDED excluded, since the pipeline itself rewrites those)."""
        with open_store(self.config.store, self.work_dir, read_only=True) as store:
            return list(store.counts())

    def _current(self, stage: str, fingerprint: str) -> bool:
        """Whether ``stage`` ran with these inputs and its output is still there (a
        deleted output is made again, not assumed)."""
        output = STAGE_OUTPUTS.get(stage)
        if output is not None and not (self.work_dir / output).exists():
            return False
        return bool(self._manifest().get(stage, {}).get("fingerprint") == fingerprint)

    @property
    def encoder(self) -> TextEncoder:
        """The text encoder, loaded once per run, with the work directory's cache."""
        if self._encoder is None:
            e = self.config.extract
            self._encoder = TextEncoder.from_pretrained(
                e.encoder_model, e.device, e.encoder_batch_size
            )
            self._encoder.load_cache(self.work_dir / ENCODER_CACHE)
        return self._encoder

    # --- running --------------------------------------------------------------------
    def run(self, force: bool = False, until: str | None = None) -> RunSummary:
        """Run every stage that is not current (all of them with ``force``), stopping
        after stage ``until`` when given."""
        if until is not None and until not in STAGES:
            raise ConfigError(f"unknown stage {until!r}; stages: {', '.join(STAGES)}")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        fps = self.fingerprints()
        summary = RunSummary(self.work_dir)
        steps: dict[str, Callable[[], str | None]] = {
            "data": self._data,
            "extract": self._extract,
            "graph": self._graph,
            "store": self._store,
            "train": self._train,
            "recommend": self._recommend,
        }
        for stage in STAGES:
            if not force and self._current(stage, fps[stage]):
                self.progress.stage(stage, "skip")
                summary.stages[stage] = "skipped (current)"
            else:
                self.progress.stage(stage, "run")
                detail = steps[stage]()
                self._mark(stage, fps[stage])
                summary.stages[stage] = "ran"
                self.progress.stage(stage, "done", detail or "")
            if stage == "data":  # only once the data is valid: a bad run changes nothing
                (self.work_dir / CONFIG_FILE).write_text(self.config.model_dump_json(indent=2))
            if stage == until:
                break
        if self._encoder is not None:
            self._encoder.save_cache(self.work_dir / ENCODER_CACHE)
        if (self.work_dir / GRAPH_DIR / "nodes.parquet").exists():  # not before the graph stage
            summary.counts = KnowledgeGraph.load(self.work_dir / GRAPH_DIR).counts()
        metrics = self.work_dir / METRICS_FILE
        summary.metrics = json.loads(metrics.read_text()) if metrics.exists() else {}
        return summary

    def dataset(self) -> Dataset:
        """The data set as the data stage saved it (after ``run``)."""
        return Dataset.load(self.work_dir / DATA_DIR, name=self.config.name)

    def _read_store(self) -> KnowledgeGraph:
        with open_store(self.config.store, self.work_dir, read_only=True) as store:
            return store.read()

    def _data(self) -> str:
        folder = self.work_dir / DATA_DIR
        if self.config.data.source == "store":
            dataset, mentions = dataset_from_graph(self._read_store(), name=self.config.name)
            folder.mkdir(parents=True, exist_ok=True)
            mentions.to_parquet(folder / "store_mentions.parquet", index=False)
        else:
            dataset = load_dataset(self.config.data)
        if self.config.split.method == "files":
            assert self.config.split.files is not None  # checked by config
            files = [self.config.data.resolve(p) for p in self.config.split.files]
            dataset, split = read_split_files(files, dataset)
        else:
            split = split_interactions(dataset.interactions, self.config.split)
        batches = read_folded(self.work_dir / FOLDED_FILE, "items")
        if batches:
            added = ItemLog(self.work_dir / ITEMS_FILE).events()[:batches]
            dataset = with_items(dataset, [i for b in added for i in b.items])
        said = read_folded(self.work_dir / FOLDED_FILE, "words")
        if said:
            dataset = with_words(dataset, WordsLog(self.work_dir / WORDS_FILE).events()[:said])
        folded = self._folded_events()
        if folded is not None:
            dataset, split, pairs = fold_events(dataset, split, folded)
            folder.mkdir(parents=True, exist_ok=True)
            pairs.to_parquet(self.work_dir / FOLDED_PAIRS, index=False)
        dataset.save(folder)
        for part in ("train", "valid", "test"):
            getattr(split, part).to_parquet(folder / f"{part}.parquet", index=False)
        return _columns_read(dataset)

    def _folded_events(self) -> list[Feedback] | None:
        """The interactions a refit folds in: the positive events among the log's first
        ``events/folded.json`` ones (None where no refit asked for any)."""
        count = read_folded(self.work_dir / FOLDED_FILE)
        if not count:
            return None
        return EventLog(self.work_dir / EVENTS_FILE).events()[:count]

    def refit(self) -> RunSummary:
        """Fold every logged event and every item added online into the data and run the
        stages they change (``kgrec refit``): the new model holds them, and serving replays
        only the later ones."""
        events = EventLog(self.work_dir / EVENTS_FILE).events()
        batches = ItemLog(self.work_dir / ITEMS_FILE).events()
        words = WordsLog(self.work_dir / WORDS_FILE).events()
        write_folded(self.work_dir / FOLDED_FILE, len(events), len(batches), len(words))
        return self.run()

    def _extract(self) -> None:
        out = self.work_dir / MENTIONS_FILE
        out.parent.mkdir(exist_ok=True)
        if self.config.data.source == "store":  # the stored graph's attributes, as they are
            shutil.copyfile(self.work_dir / DATA_DIR / "store_mentions.parquet", out)
            return
        dataset = self.dataset()
        known = {TITLE_LABEL: list(dataset.items["title"])} if "title" in dataset.items else {}
        extractor = Extractor.from_config(
            self.config.extract, known_names=known, encoder=self.encoder
        )
        mentions = extract_dataset(
            dataset,
            extractor,
            feed=lambda texts: self.progress.track(texts, len(texts), "spaCy over texts"),
        )
        mentions.to_parquet(out, index=False)

    def _graph(self) -> None:
        dataset = self.dataset()
        mentions = pd.read_parquet(self.work_dir / MENTIONS_FILE)
        kg = build_graph(dataset, mentions)
        texts = node_texts(kg.nodes)
        keys = list(texts)
        vecs: list[np.ndarray] = []
        step = 256
        for start in self.progress.track(
            range(0, len(keys), step),
            len(range(0, len(keys), step)),
            f"embedding {len(keys)} node texts",
        ):
            vecs.extend(self.encoder.encode([texts[k] for k in keys[start : start + step]]))
        emb = pd.DataFrame({"node_id": keys, "vec": [v.tolist() for v in vecs]})
        (self.work_dir / EMBEDDINGS_FILE).parent.mkdir(parents=True, exist_ok=True)
        emb.to_parquet(self.work_dir / EMBEDDINGS_FILE, index=False)
        kg = with_text_links(kg, emb)
        kg.save(self.work_dir / GRAPH_DIR)
        train = pd.read_parquet(self.work_dir / DATA_DIR / "train.parquet")
        train_kg = with_text_links(build_graph(dataset, mentions, train), emb)
        train_kg.save(self.work_dir / TRAIN_GRAPH_DIR)
        save_counts_chart(kg.counts(), self.work_dir / COUNTS_CHART, title=self.config.name)

    def _store(self) -> None:
        kg = KnowledgeGraph.load(self.work_dir / GRAPH_DIR)
        store = open_store(self.config.store, self.work_dir)
        try:
            store.apply_schema()
            store.write(kg)
        finally:
            store.close()

    def tensors(self, kg: KnowledgeGraph, emb: pd.DataFrame | None = None) -> GraphTensors:
        """``kg`` as model inputs, with the node text embeddings ``emb`` (default: those
        the graph stage saved)."""
        if emb is None:
            emb = pd.read_parquet(self.work_dir / EMBEDDINGS_FILE)
        return to_tensors(
            kg,
            emb,
            use_attributes=self.config.model.use_attributes,
            drop_kinds=self.config.model.drop_kinds,
            text_dim=len(emb["vec"].iloc[0]) if len(emb) else 384,
        )

    def split_data(self) -> SplitData:
        """The training graph (train interactions only, the graph stage's artifact) and
        the split as positions."""
        folder = self.work_dir / DATA_DIR
        train, valid, test = (
            pd.read_parquet(folder / f"{p}.parquet") for p in ("train", "valid", "test")
        )
        gt = self.tensors(KnowledgeGraph.load(self.work_dir / TRAIN_GRAPH_DIR))
        users = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.users)}
        items = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.items)}

        def pairs(frame: pd.DataFrame) -> np.ndarray:
            u = [users[node_id("User", x)] for x in frame["user_id"]]
            i = [items[node_id("Item", x)] for x in frame["item_id"]]
            return np.asarray([u, i], dtype=np.int64).T.reshape(-1, 2)

        tr, va, te = pairs(train), pairs(valid), pairs(test)
        # a benchmark's split files name the items that are ranked; otherwise all are
        candidates = (
            sorted(set(tr[:, 1]) | set(va[:, 1]) | set(te[:, 1]))
            if self.config.split.method == "files"
            else None
        )
        frames = (train, valid, test)
        timed = all("timestamp" in f and f["timestamp"].notna().all() for f in frames)
        times = tuple(f["timestamp"].to_numpy(dtype=np.int64) for f in frames) if timed else None
        history = self.config.eval.test_history
        with_valid = history == "train+valid" or (
            history == "auto" and self.config.split.method == "temporal"
        )
        return SplitData(gt, tr, va, te, candidates, times, with_valid)  # type: ignore[arg-type]

    def export_input(self) -> ExportInput:
        """What ``kgrec export`` writes: the training graph, the split and the node
        embeddings (run the stages up to ``graph`` first)."""
        folder = self.work_dir / DATA_DIR
        splits = {p: pd.read_parquet(folder / f"{p}.parquet") for p in ("train", "valid", "test")}
        emb = self.work_dir / EMBEDDINGS_FILE
        return ExportInput(
            name=self.config.name,
            graph=KnowledgeGraph.load(self.work_dir / TRAIN_GRAPH_DIR),
            splits=splits,
            embeddings=pd.read_parquet(emb) if emb.exists() else None,
        )

    def steps(self) -> Steps:
        """Progress bars for training loops, from this pipeline's progress reporter."""
        return progress_steps(self.progress.track)

    def _train(self) -> None:
        split = self.split_data()
        cfg = self.config.model
        fitted = fit_kgrec(split, cfg, valid_ndcg(split), self.steps())
        metrics: dict[str, Any] = {
            "dataset": self.config.name,
            "split": self.config.split.method,
            "models": {"kgrec": test_evaluator(split)(test_scores(split, fitted))},
            "best_epoch": fitted.best_epoch,
            "choices": {"kgrec": kgrec_choice(fitted)},
            "history": fitted.history,
            "sizes": {
                "train": len(split.train),
                "valid": len(split.valid),
                "test": len(split.test),
            },
        }
        final, final_gt = fitted, split.gt
        if cfg.refit:
            final_gt = self.tensors(KnowledgeGraph.load(self.work_dir / GRAPH_DIR))
            all_pairs = np.concatenate([split.train, split.valid, split.test])
            all_times = np.concatenate(split.times) if split.times is not None else None
            final = refit_kgrec(final_gt, all_pairs, cfg, fitted, self.steps(), all_times)
        save_checkpoint(self.work_dir / CHECKPOINT_FILE, final, final_gt, cfg, {"refit": cfg.refit})
        (self.work_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2))

    def _recommend(self) -> None:
        trained = Trained.load(self.work_dir)
        ranker = Ranker(trained.gt, trained.fitted, trained.propagated)
        histories = graph_histories(trained.kg, trained.gt, trained.fitted.half_life)
        empty = (torch.zeros(0, dtype=torch.long), torch.zeros(0))
        k = self.config.recommend.k
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows: list[RecommendationRow] = []
        users = trained.gt.users.tolist()
        for user in self.progress.track(users, len(users), "explaining top-k"):
            key = trained.gt.node_ids[user]
            state = ranker.scorer.state(user, *histories.get(key, empty))
            for r in ranker.top(ranker.node(user), state, k, explain=True):
                rows.append(
                    RecommendationRow(
                        key,
                        node_id("Item", r.item_id),
                        r.rank,
                        r.score,
                        r.text,
                        json.dumps([p.to_dict() for p in r.paths], ensure_ascii=False),
                        tuple("|".join(n.node_id for n in p.nodes) for p in r.paths),
                        "kgrec",
                        now,
                    )
                )
        pd.DataFrame([r.__dict__ for r in rows]).to_parquet(
            self.work_dir / RECOMMENDATIONS_FILE, index=False
        )
        if self.config.recommend.write_back:
            items = set(trained.kg.nodes["node_id"])
            events = [
                e
                for e in EventLog(self.work_dir / EVENTS_FILE).events()
                if node_id("Item", e.item_id) in items
            ]
            store = open_store(self.config.store, self.work_dir)
            try:
                store.write_recommendations(rows)
                store.write_feedback(store_rows(events))  # the live events, once each
            finally:
                store.close()
