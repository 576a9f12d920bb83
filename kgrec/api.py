"""The public Python API: :class:`Recommender`."""

from __future__ import annotations

import hashlib
import json
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch

from kgrec.config import PipelineConfig, load_config
from kgrec.errors import ArgumentError, DataError, DataWarning, UnknownIdError
from kgrec.graph.export import GraphTensors
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.layout import (
    CHECKPOINT_FILE,
    EVENTS_FILE,
    FOLDED_FILE,
    FOLDED_PAIRS,
    ITEMS_FILE,
    SLATES_FILE,
    WORDS_FILE,
)
from kgrec.live.events import EventLog, Feedback, read_folded, store_rows
from kgrec.live.explore import Slate, SlateLog, draw
from kgrec.live.extend import with_batch
from kgrec.live.items import ItemBatch, ItemLog
from kgrec.live.state import LiveState, rating_threshold, updated_state
from kgrec.live.words import Words, WordsLog
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import FusionGNN, Propagated
from kgrec.models.scorer import Scorer, UserState
from kgrec.reasoning.explainer import TEXT_USER
from kgrec.reasoning.paths import PathNode
from kgrec.reasoning.profile import UserProfile, build_profile
from kgrec.reasoning.ranker import Ranker, Recommendation, graph_histories
from kgrec.reasoning.text import likeness_sentence
from kgrec.store import open_store
from kgrec.trained import Trained

if TYPE_CHECKING:  # spaCy and transformers load on the first sentence, not at import
    from kgrec.extract.extractor import Extractor

__all__ = [
    "Explored",
    "FeedbackReceipt",
    "ItemsReceipt",
    "Recommendation",
    "Recommender",
    "recommendations_json",
]


@dataclass(frozen=True)
class FeedbackReceipt:
    """What :meth:`Recommender.feedback` recorded: the event's id, and whether it was new
    (False: that id was already logged, and nothing changed)."""

    event_id: str
    new: bool


@dataclass(frozen=True)
class Explored:
    """A slate drawn at random around kgrec's ranking (:meth:`Recommender.explore`): its
    id (send it with feedback on it), the chance its first item came first, the items."""

    slate_id: str
    propensity: float
    recommendations: list[Recommendation]


class Recommender:
    """Recommendations with explanations from a pipeline's trained model and graph.

    Build with :meth:`from_pipeline` or :meth:`load`; the constructor does no I/O.
    """

    def __init__(
        self,
        config: PipelineConfig,
        kg: KnowledgeGraph,
        gt: GraphTensors,
        fitted: KgrecFit,
        work_dir: Path,
        propagated: Propagated | None = None,
    ) -> None:
        live = LiveState(rating_threshold(kg.edges))
        trained = Trained(config, kg, gt, fitted, work_dir, propagated)
        self._start(config, work_dir, _Served.of(trained, live))

    def _start(self, config: PipelineConfig, work_dir: Path, served: _Served) -> None:
        """Serve ``served`` with the logs of ``work_dir`` (none read yet)."""
        self.config, self.work_dir, self._served = config, work_dir, served
        self.events = EventLog(work_dir / EVENTS_FILE)
        self.added = ItemLog(work_dir / ITEMS_FILE)
        self.words = WordsLog(work_dir / WORDS_FILE)
        self.slates = SlateLog(work_dir / SLATES_FILE)
        self._rng = np.random.default_rng()  # exploration's draws, under _drawing
        self._drawing = threading.Lock()
        self._words: dict[str, list[Words]] = {}  # users' words since the model, by user
        self._words_seen = 0
        self._folded_words = 0
        self._folded = 0  # the log's first events a refit folded in (read by replay)
        self._folded_items = 0  # and the items log's first batches
        self._replayed = 0  # the log's events this object has seen (replayed or received)
        self._batches = 0  # the items log's batches this object has seen
        self._pairs: set[tuple[str, str]] = set()  # (user, item) pairs the refit folded in
        # one writer at a time: logging an event and applying it, adding items, a swap
        self._lock = threading.RLock()
        self._adding = threading.Lock()

    # the model being served: read once per call, swapped whole (items added, a refit)
    @property
    def kg(self) -> KnowledgeGraph:
        """The knowledge graph served (items added online included)."""
        return self._served.trained.kg

    @property
    def gt(self) -> GraphTensors:
        """The served graph as tensors."""
        return self._served.trained.gt

    @property
    def fitted(self) -> KgrecFit:
        """The fitted model served."""
        return self._served.trained.fitted

    @property
    def model(self) -> FusionGNN:
        """The fusion GNN served."""
        return self._served.trained.fitted.model

    @property
    def live(self) -> LiveState:
        """Users' feedback since the model (item positions of the served model)."""
        return self._served.live

    @property
    def ranker(self) -> Ranker:
        """Top-k lists and explanations of the served model."""
        return self._served.ranker

    @property
    def scorer(self) -> Scorer:
        """The served model's one scorer."""
        return self._served.ranker.scorer

    # --- construction ---------------------------------------------------------------
    @classmethod
    def load(cls, work_dir: str | Path) -> Recommender:
        """Load what a pipeline run left in ``work_dir``: the model, the items added online
        since it was trained, and the feedback since (replayed)."""
        t = Trained.load(work_dir)
        rec = cls(t.config, t.kg, t.gt, t.fitted, t.work_dir, t.propagated)
        with rec._lock:
            rec._add_logged_items()
            rec.replay()
        return rec

    def _add_logged_items(self) -> None:
        """Add the logged item batches the served graph lacks (kept until a refit), all
        in one extension."""
        new = self.added.since(self._batches)
        missing = [b for b in new if node_id("Item", b.items[0].item_id) not in self._served.index]
        if missing:
            self._served = self._served.extended(ItemBatch.merged(missing))
        self._batches += len(new)

    def refresh(self) -> None:
        """Take in what other processes logged since this one last looked: item batches,
        then feedback events (``kgrec feedback`` beside a server, several servers on one
        work directory). Cheap when nothing is new; every read calls it, and skips it
        while a write holds the lock (what that write logs is seen by the next read)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._add_logged_items()
            self._take_words()
            self.catch_up()
        finally:
            self._lock.release()

    def _take_words(self) -> None:
        """Take in users' words logged since this object last looked (but those a refit
        folded into the users' texts)."""
        start = self._words_seen
        new = self.words.since(start)
        for k, words in enumerate(new, start=start):
            if k >= self._folded_words:
                self._words.setdefault(words.user_id, []).append(words)
        self._words_seen = start + len(new)

    def adopt(self, other: Recommender) -> None:
        """Serve ``other``'s model (a refit of the same pipeline) from now on: the events
        logged since ``other`` was loaded are applied to it first, and the swap is atomic —
        a call sees the old model or the new one, never a mix, and no event is lost."""
        with self._lock, other._lock:
            other._add_logged_items()
            other.catch_up()
            self._served = other._served
            self._folded, self._replayed = other._folded, other._replayed
            self._folded_items, self._batches = other._folded_items, other._batches
            self._pairs = other._pairs
            other._take_words()
            self._words, self._words_seen = other._words, other._words_seen
            self._folded_words = other._folded_words

    def fresh(self, work_dir: Path, seed: int | None = None) -> Recommender:
        """The same served model with no feedback, items or words since it, its logs in
        ``work_dir`` (a simulation's run; nothing is shared with this one but the model);
        ``seed`` makes its :meth:`explore` draws repeatable."""
        rec = Recommender.__new__(Recommender)
        # the ranker, index and histories are the model's, shared; only the live state is new
        live = LiveState(self._served.live.rating_threshold)
        rec._start(self.config, work_dir, replace(self._served, live=live))
        rec._rng = np.random.default_rng(seed)
        return rec

    @classmethod
    def from_pipeline(cls, path: str | Path) -> Recommender:
        """Load the results of the pipeline file at ``path`` (run it first)."""
        return cls.load(load_config(path).resolved_work_dir())

    @property
    def events_since_model(self) -> int:
        """Logged events the model was not trained on (all, until a refit folds them in)."""
        return len(self.events.events()) - self._folded

    @property
    def items_since_model(self) -> int:
        """Item batches added online that the model was not trained on."""
        return len(self.added.events()) - self._folded_items

    @property
    def model_version(self) -> str:
        """A short digest of the trained model's checkpoint: which model answers."""
        return self._served.version

    # --- feedback -------------------------------------------------------------------
    def feedback(
        self,
        user_id: str,
        item_id: str,
        kind: str,
        value: float | None = None,
        ts: int | None = None,
        event_id: str | None = None,
        slate_id: str | None = None,
    ) -> FeedbackReceipt:
        """Record a user's reaction to an item; the user's next list reflects it.

        ``kind``: like, click, rating (``value`` on the data's scale), dislike or skip
        (``kgrec.live.state`` says what each does). The event is in the durable log before
        this returns; the same ``event_id`` twice is applied once. A user id the graph
        does not know is created by their first feedback; an unknown item is an error.
        ``slate_id``: the :meth:`explore` slate the reaction is to (what off-policy
        evaluation reads as that slate's reward)."""
        event = Feedback.make(user_id, item_id, kind, value, ts, event_id, slate_id)
        with self._lock:
            self.refresh()
            self._item(item_id)  # raises: unknown
            new = self.events.append(event)
            if new:
                self.catch_up()  # this event, and any another process logged just before
        return FeedbackReceipt(event.event_id, new)

    def add_items(
        self, rows: Sequence[Mapping[str, Any]], write_store: bool = True
    ) -> ItemsReceipt:
        """Add items (fields ``item_id``, ``title``, optional ``text``, ``genres``, ``tags``
        and ``year``) to the served graph: the pipeline's extraction and encoder find their
        attributes and nearest items in text, and they are recommendable at once (as cold
        items: through attributes and text). Durable before this returns, written to the
        pipeline's store (by :meth:`sync_items` later where ``write_store`` is false, as
        ``kgrec serve`` does), kept by a refit. A bad row is refused with its number and
        field, and nothing is added; the same rows sent again are added once."""
        from kgrec.live.items import build_batch, parse_items

        with self._adding:  # one batch at a time; reads go on meanwhile
            self.refresh()
            served = self._served
            known = {
                str(n).removeprefix("Item:")
                for n in served.trained.gt.node_ids
                if str(n).startswith("Item:")
            }
            logged = {b.batch_id: b for b in self.added.events()}
            try:
                items = parse_items(rows, known)
            except DataError:
                repeat = self._repeat(rows, logged, known)
                if repeat is None:
                    raise
                return ItemsReceipt(repeat.batch_id, repeat.item_ids(), False)
            t = served.trained
            ids = [t.gt.node_ids[int(n)] for n in t.gt.items]
            vectors = t.gt.text[t.gt.items].numpy()
            batch = build_batch(items, self._extractor, t.kg, (ids, vectors))
            extended = with_batch(t, batch)  # before logging: a batch that fails adds nothing
            with self._lock:
                current = self._served
                if current is not served:  # swapped meanwhile (a refit): extend that one
                    extended = with_batch(current.trained, batch)
                self.added.append(batch)
                self._served = _Served.of(extended, current.live, current.version)
        if write_store:
            self.sync_items([batch])
        return ItemsReceipt(batch.batch_id, batch.item_ids(), True)

    def _repeat(
        self, rows: Sequence[Mapping[str, Any]], logged: dict[str, ItemBatch], known: set[str]
    ) -> ItemBatch | None:
        """The logged batch ``rows`` repeat, if they do (their ids are known by then)."""
        from kgrec.live.items import parse_items

        try:
            again = parse_items(rows, known - {str(r.get("item_id", "")).strip() for r in rows})
        except DataError:
            return None
        return logged.get(ItemBatch.id_of(again))

    def sync_items(self, batches: Sequence[ItemBatch] | None = None) -> int:
        """Write item batches (default: every logged one) to the pipeline's store: their
        nodes and edges, upserted (idempotent); how many batches."""
        batches = self.added.events() if batches is None else batches
        if not batches:
            return 0
        kg = self.kg
        nodes = pd.concat([b.nodes for b in batches], ignore_index=True)
        edges = pd.concat([b.edges for b in batches], ignore_index=True)
        ends = (set(edges["src"]) | set(edges["dst"])) - set(nodes["node_id"])
        nodes = pd.concat([kg.nodes[kg.nodes["node_id"].isin(ends)], nodes], ignore_index=True)
        store = open_store(self.config.store, self.work_dir)
        try:
            store.write(KnowledgeGraph(nodes.drop_duplicates("node_id"), edges))
        finally:
            store.close()
        return len(batches)

    def sync_feedback(self, events: list[Feedback] | None = None) -> int:
        """Write ``events`` (default: every logged one) to the pipeline's store as FEEDBACK
        edges (idempotent: one edge per event id, however often this runs); how many."""
        events = self.events.events() if events is None else events
        known = [e for e in events if node_id("Item", e.item_id) in self._served.index]
        store = open_store(self.config.store, self.work_dir)
        try:
            store.write_feedback(store_rows(known))
        finally:
            store.close()
        return len(known)

    def replay(self) -> int:
        """Apply the event log's events to users' online state: all of them, but the
        positive ones a refit folded into the model (``kgrec refit``); how many were
        applied. Events naming items the graph no longer has are skipped, with a warning."""
        with self._lock:
            self._replayed = 0
            self._folded = read_folded(self.work_dir / FOLDED_FILE)
            self._folded_items = read_folded(self.work_dir / FOLDED_FILE, "items")
            self._folded_words = read_folded(self.work_dir / FOLDED_FILE, "words")
            self._words, self._words_seen = {}, 0
            self._take_words()
            self._pairs = set()
            if self._folded and (self.work_dir / FOLDED_PAIRS).exists():
                frame = pd.read_parquet(self.work_dir / FOLDED_PAIRS)
                self._pairs = set(zip(frame["user_id"], frame["item_id"], strict=True))
            return self.catch_up()

    def catch_up(self) -> int:
        """Apply the events other processes (or this one, before a swap) logged since this
        object last looked (see :meth:`replay`); how many were applied."""
        applied, missing = 0, 0
        with self._lock:
            start = self._replayed
            new = self.events.since(start)
            served = self._served
            for k, event in enumerate(new, start=start):
                if (
                    k < self._folded
                    and served.live.positive(event)
                    and (event.user_id, event.item_id) in self._pairs
                ):
                    continue  # a refit trained on it: the model holds it already
                pos = served.index.get(node_id("Item", event.item_id))
                if pos is None:
                    missing += 1
                    continue
                served.live.apply(event, int(served.ranker.scorer.links.item_pos[pos]))
                applied += 1
            self._replayed = start + len(new)
        if missing:
            warnings.warn(
                DataWarning(
                    f"{self.events.path}: {missing} event(s) name items this graph does not "
                    "have (the data changed since): left out"
                ),
                stacklevel=2,
            )
        return applied

    # --- ids ------------------------------------------------------------------------
    def user_ids(self) -> list[str]:
        """Ids of every user: the graph's, then those created by feedback."""
        self.refresh()
        known = [self.gt.node_ids[int(i)].removeprefix("User:") for i in self.gt.users]
        graph = set(known)
        later = dict.fromkeys([*self.live.users(), *self._words])
        return known + [u for u in later if u not in graph]

    def item_ids(self) -> list[str]:
        """Ids of every item in the graph."""
        self.refresh()
        return [self.gt.node_ids[int(i)].removeprefix("Item:") for i in self.gt.items]

    def search_users(self, query: str = "", limit: int = 20) -> list[dict[str, str]]:
        """Users whose id or own words contain ``query`` (case-insensitive), ids first:
        ``user_id`` and ``text`` (their words in the graph, else what they said since)."""
        q = query.strip().lower()
        nodes = self.kg.nodes
        texts = (
            dict(
                zip(
                    nodes.loc[nodes["label"] == "User", "key"].astype(str),
                    nodes.loc[nodes["label"] == "User", "text"].fillna("").astype(str),
                    strict=True,
                )
            )
            if "text" in nodes
            else {}
        )
        for user, words in self._words.items():
            texts[user] = " ".join(w.text for w in words)
        users = self.user_ids()
        by_id = [u for u in users if q in u.lower()]
        by_text = [u for u in users if q and q not in u.lower() and q in texts.get(u, "").lower()]
        return [{"user_id": u, "text": texts.get(u, "")} for u in (by_id + by_text)[:limit]]

    def search_items(self, query: str = "", limit: int = 20) -> list[dict[str, str]]:
        """Items whose id or title contains ``query`` (case-insensitive): ``item_id``, ``title``."""
        q = query.strip().lower()
        ranker = self.ranker
        out = []
        for pos, item in enumerate(self.item_ids()):
            title = ranker.title(pos)
            if q in item.lower() or q in title.lower():
                out.append({"item_id": item, "title": title})
                if len(out) == limit:
                    break
        return out

    def items_with(self, node: str, limit: int = 20) -> dict[str, Any]:
        """The attribute (or any node) ``node`` (a node id such as ``Genre:western``) and the
        items linked to it: its ``label``, ``name`` and ``items`` (``item_id``, ``title``)."""
        served = self._served
        idx = served.index.get(node)
        if idx is None:
            raise UnknownIdError(
                f"unknown node id {node!r}: node ids look like 'Genre:western'", kind="node"
            )
        scorer = served.ranker.scorer
        linked = torch.nonzero(scorer.links.linked(torch.tensor([idx])) > 0).flatten().tolist()
        items = [
            {"item_id": served.ranker.item_key(p), "title": served.ranker.title(p)} for p in linked
        ]
        gt = served.trained.gt
        return {
            "node_id": node,
            "label": str(gt.labels[idx]),
            "name": gt.names[idx],
            "items": items[:limit],
            "count": len(items),
        }

    def history_rows(self, user_id: str) -> list[dict[str, Any]]:
        """A user's history, newest first: each item's ``item_id``, ``title``, ``weight``
        and whether it came from their ``feedback`` since the model."""
        self.refresh()
        served = self._served
        state = self._state(served, user_id)
        fresh = set(state.fresh.tolist())
        rows = [
            {
                "item_id": served.ranker.item_key(int(i)),
                "title": served.ranker.title(int(i)),
                "weight": round(float(w), 4),
                "feedback": int(i) in fresh or float(w) < 0,
            }
            for i, w in zip(state.items, state.weights, strict=True)
        ]
        return rows[::-1]

    def history(self, user_id: str) -> dict[str, float]:
        """A user's items (ids) and each one's weight in their history row (recency-faded
        where the model chose a half-life; feedback included, negative for dislikes)."""
        state = self.state(user_id)
        return {
            self.ranker.item_key(int(i)): float(w)
            for i, w in zip(state.items, state.weights, strict=True)
        }

    def _node(self, label: str, key: str, served: _Served | None = None) -> int:
        idx = (served or self._served).index.get(node_id(label, key))
        if idx is None:
            kind = label.lower()
            raise UnknownIdError(
                f"unknown {kind} id {key!r}; `kgrec {kind}s --search {key}` (or "
                f"Recommender.search_{kind}s / {kind}_ids()) lists the known ones",
                kind=kind,
            )
        return idx

    def _item(self, item_id: str) -> int:
        """The position of an item id."""
        return int(self.scorer.links.item_pos[self._node("Item", item_id)])

    def state(self, user_id: str) -> UserState:
        """What ``user_id``'s scores are computed from (``kgrec.models.scorer``): their
        graph edges and history, with their feedback since the model applied."""
        self.refresh()
        return self._state(self._served, user_id)

    def _state(self, served: _Served, user_id: str) -> UserState:
        changes = served.live.of(user_id)
        node = served.index.get(node_id("User", user_id))
        words = self._words.get(user_id, [])
        if node is None and not changes and not words:
            self._node("User", user_id)  # raises: unknown
        scorer = served.ranker.scorer
        # a user created by feedback has no edges and no own embedding yet
        base = scorer.newcomer() if node is None else scorer.state(node, *served.history(node))
        if words:
            base = _with_words(scorer, served, base, words, own=node is None)
        if not changes:
            return base
        return updated_state(scorer, base, changes, self.fitted.half_life)

    def _user_node(self, served: _Served, user_id: str) -> PathNode:
        """How the user stands on a path (also one created by feedback)."""
        node = served.index.get(node_id("User", user_id))
        if node is not None:
            return served.ranker.node(node)
        return PathNode("User", user_id, node_id("User", user_id))

    # --- recommending ---------------------------------------------------------------
    def recommend(
        self, user_id: str, k: int = 10, explain: bool = True, exclude_seen: bool = True
    ) -> list[Recommendation]:
        """The top ``k`` items for a known user (from the graph, or created by feedback),
        each with paths and a sentence, their feedback since the model applied. A user with
        no history yet is recommended what their friends had, where the data has friends."""
        _check_k(k)
        self.refresh()
        served = self._served
        state = self._state(served, user_id)
        return served.ranker.top(self._user_node(served, user_id), state, k, explain, exclude_seen)

    def explore(
        self,
        user_id: str,
        k: int = 10,
        temperature: float = 0.2,
        candidates: int = 30,
        explain: bool = True,
    ) -> Explored:
        """A slate of ``k`` drawn at random from the user's top ``candidates``
        (``kgrec.live.explore``: the better an item's score, the likelier it comes early;
        lower ``temperature`` keeps closer to the ranking), logged durably with its
        propensity before this returns. Each recommendation keeps its rank in kgrec's own
        order. Send ``slate_id`` with feedback on it, and ``kgrec ope`` can tell from the
        log what another policy would have got."""
        _check_k(k)
        self.refresh()
        served = self._served
        state = self._state(served, user_id)
        items, scores = served.ranker.candidates(state, max(candidates, k))
        if not items:
            raise ArgumentError(f"user {user_id!r} has no unseen items to explore")
        with self._drawing:
            order, propensity = draw(np.asarray(scores), k, temperature, self._rng)
        keys = [served.ranker.item_key(p) for p in items]
        slate = Slate.make(user_id, [keys[o] for o in order], keys, scores, temperature, propensity)
        self.slates.append(slate)
        recs = served.ranker.present(
            self._user_node(served, user_id),
            state,
            [items[o] for o in order],
            [scores[o] for o in order],
            [o + 1 for o in order],
            explain,
        )
        return Explored(slate.slate_id, propensity, recs)

    def explain(self, user_id: str, item_id: str, top: int = 5) -> Recommendation:
        """Why ``item_id`` scores as it does for ``user_id`` (recommended or not).

        ``rank`` is the item's position among the user's unseen items (0 if seen)."""
        self.refresh()
        served = self._served
        state = self._state(served, user_id)
        pos = int(served.ranker.scorer.links.item_pos[self._node("Item", item_id, served)])
        return served.ranker.why(self._user_node(served, user_id), state, pos, top)

    def recommend_for_text(
        self, text: str, k: int = 10, explain: bool = True, user_id: str | None = None
    ) -> list[Recommendation]:
        """Recommendations for someone known by a sentence in their own words: the
        attributes they say they like stand in for a history, those they say they
        dislike count against the items that have them. With ``user_id``, the sentence is
        remembered as that user's words (:meth:`say`: a new user is created by it) and the
        list is theirs, feedback included."""
        _check_k(k)
        if user_id is None:
            return self.ranker.top(TEXT_USER, self.text_state(text), k, explain)
        self.say(user_id, text)
        return self.recommend(user_id, k, explain)

    def say(self, user_id: str, text: str) -> bool:
        """Remember ``text`` as ``user_id``'s own words (durable before this returns): what
        it names counts in their lists from now on, as a graph user's stated likes and
        dislikes do, and a user id the graph lacks is created by it. False if the same
        user said the same text before (nothing changes)."""
        if not isinstance(user_id, str) or not user_id.strip():
            raise ArgumentError(f"user_id must be a non-empty string (got {user_id!r})")
        if not isinstance(text, str) or not text.strip():
            raise ArgumentError("the text is empty: say what the user likes or dislikes")
        said, vec = self._read(text)
        words = Words(user_id, text, tuple(said.items()), tuple(float(x) for x in vec))
        with self._lock:
            new = self.words.append(words)
            self._take_words()
        return new

    @torch.inference_mode()
    def text_state(self, text: str) -> UserState:
        """The inputs of someone known only by ``text``: LIKES edges to the graph's
        attributes they name positively (what the GNN's embedding sums over, beside
        their sentence's projected text), and every attribute they name with its sign."""
        said, vec = self._read(text)
        index = self._served.index
        nodes = sorted(index[n] for n in said)
        sign = torch.tensor([said[self.gt.node_ids[i]] for i in nodes])
        return self.scorer.newcomer(
            torch.as_tensor(vec), torch.tensor(nodes, dtype=torch.long), sign
        )

    def _read(self, text: str) -> tuple[dict[str, float], np.ndarray]:
        """The graph's attributes ``text`` names (node id: +1 liked, -1 disliked) and its
        text embedding."""
        mentions = self._extractor.extract([text])[0]
        said: dict[str, float] = {}
        for m in mentions:
            nid = node_id(m.kind, m.canonical)
            if nid in self._served.index and m.polarity != 0:
                said[nid] = 1.0 if m.polarity > 0 else -1.0
        return said, np.asarray(self._extractor.encoder.encode([text])[0])

    def profile(self, user_id: str, top: int = 8, windows: int = 4) -> UserProfile:
        """The attributes ``user_id`` leans to now (their items' attributes, recent items
        weighing more: the model's half-life, or 20 interactions where it is static) and
        each one's share of the user's items in up to ``windows`` consecutive time windows
        of at least 10 items each."""
        user = self._node("User", user_id)
        inter = self.kg.edges[
            (self.kg.edges["rel"] == "INTERACTED")
            & (self.kg.edges["src"] == self.gt.node_ids[user])
        ]
        if inter["timestamp"].isna().any():
            raise DataError(
                f"user {user_id!r}: interactions without timestamps; a profile over time "
                "needs a timestamp column in the interactions"
            )
        items = [self._served.index[i] for i in inter["dst"]]
        paths = self.ranker.explainer.paths

        def attributes_of(item: int) -> list[tuple[str, str, str]]:
            out = []
            for n in paths.neighbours(item).tolist():
                label = str(self.gt.labels[n])
                if label not in ("User", "Item"):
                    out.append((self.gt.node_ids[n], label, self.gt.names[n]))
            return out

        return build_profile(
            user_id,
            items,
            inter["timestamp"].to_numpy(dtype=np.int64),
            attributes_of,
            self.fitted.half_life,
            top,
            windows,
        )

    def similar_items(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items most like ``item_id``: by the item filter's weights where the model has
        one (what liking this item says about others), else by cosine of final embeddings."""
        _check_k(k)
        self.refresh()
        pos = self._item(item_id)
        sims = self.scorer.similar(pos)
        sims[pos] = -torch.inf
        top = torch.topk(sims, min(k, len(sims) - 1)).indices.tolist()
        title = self.ranker.title(pos)
        why = self.ranker.explainer.likeness(pos, top)
        return [
            Recommendation(
                self.ranker.item_key(p),
                self.ranker.title(p),
                float(sims[p]),
                rank,
                likeness_sentence(title, w.paths, w.fellows, w.text),
                w.paths,
            )
            for rank, (p, w) in enumerate(zip(top, why, strict=True), start=1)
        ]

    # --- internals ------------------------------------------------------------------
    @cached_property
    def _extractor(self) -> Extractor:
        from kgrec.extract.encoder import TextEncoder
        from kgrec.extract.extractor import Extractor

        nodes = self.kg.nodes
        attrs = nodes[~nodes["label"].isin(["User", "Item"])]
        anchors = {str(k): list(g["name"]) for k, g in attrs.groupby("label")}
        titles = list(nodes.loc[nodes["label"] == "Item", "name"])
        encoder = TextEncoder.from_pretrained(
            self.config.extract.encoder_model,
            self.config.extract.device,
            self.config.extract.encoder_batch_size,
        )
        return Extractor.from_config(
            # one text at a time: worker processes would cost more than they save
            self.config.extract.model_copy(update={"n_process": 1}),
            anchors=anchors,
            encoder=encoder,
            known_names={"TITLE": titles, "Person": anchors.get("Person", [])},
        )


@dataclass(frozen=True)
class ItemsReceipt:
    """What :meth:`Recommender.add_items` did: the batch id, its item ids, and whether it
    was new (False: those rows were added before, and nothing changed)."""

    batch_id: str
    item_ids: list[str]
    new: bool


@dataclass(frozen=True)
class _Served:
    """One model as served, swapped whole (items added, a refit): the trained parts, its
    ranker, node positions by id, the graph users' histories and the feedback since (by
    this model's item positions)."""

    trained: Trained
    ranker: Ranker
    index: dict[str, int]
    histories: dict[str, tuple[torch.Tensor, torch.Tensor]]
    live: LiveState
    version: str

    @classmethod
    def of(cls, t: Trained, live: LiveState, version: str | None = None) -> _Served:
        """Serve ``t`` with ``live`` (``version``: the checkpoint's digest, read when not
        given)."""
        if version is None:
            path = t.work_dir / CHECKPOINT_FILE
            version = (
                hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else "unsaved"
            )
        return cls(
            t,
            Ranker(t.gt, t.fitted, t.propagated),
            {n: k for k, n in enumerate(t.gt.node_ids)},
            graph_histories(t.kg, t.gt, t.fitted.half_life),
            live,
            version,
        )

    def extended(self, batch: ItemBatch) -> _Served:
        """This model with ``batch``'s items added (positions stay: the live state too)."""
        return _Served.of(with_batch(self.trained, batch), self.live, self.version)

    def history(self, user: int) -> tuple[torch.Tensor, torch.Tensor]:
        """A graph user's (node index) history: item positions and weights."""
        empty = (torch.zeros(0, dtype=torch.long), torch.zeros(0))
        return self.histories.get(self.trained.gt.node_ids[user], empty)


def _with_words(
    scorer: Scorer, served: _Served, base: UserState, words: list[Words], own: bool
) -> UserState:
    """``base`` with what the user's ``words`` name: their said attributes (the later
    sentence wins) and a LIKES edge to each liked one; a user the graph lacks (``own``)
    also gets their words' mean embedding as their own input."""
    said = dict(zip(base.said.tolist(), base.said_sign.tolist(), strict=True))
    for w in words:
        for nid, sign in w.said:
            if nid in served.index:
                said[served.index[nid]] = sign
    have = set(base.neighbours.tolist())
    liked = [n for n, s in said.items() if s > 0 and n not in have]
    likes = scorer.relation("LIKES")
    ego = base.ego
    if own:
        vec = torch.tensor([w.vec for w in words]).mean(0)
        ego = scorer.fitted.model.ego_of_text(vec).detach()
    return scorer.state_with(
        ego,
        torch.cat([base.neighbours, torch.tensor(liked, dtype=torch.long)]),
        torch.cat([base.rel_types, torch.full((len(liked),), likes, dtype=torch.long)]),
        torch.cat(
            [
                torch.zeros(len(base.neighbours), dtype=torch.bool),
                torch.ones(len(liked), dtype=torch.bool),
            ]
        ),
        base.items,
        base.weights,
        torch.tensor(list(said), dtype=torch.long),
        torch.tensor(list(said.values())),
        base.friends,
    )


def _check_k(k: int) -> None:
    if k < 1:
        raise ArgumentError(f"k must be at least 1 (got {k}): ask for one or more items")


def recommendations_json(recs: list[Recommendation]) -> str:
    """JSON text for a list of recommendations."""
    return json.dumps([r.to_dict() for r in recs], ensure_ascii=False, indent=2)
